<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * One admin response: status, body, headers. send() always adds the security
 * headers, so no route can forget them.
 */
final class AdminResponse
{
    public const HTML = 'text/html; charset=utf-8';

    /** @param array<string, string> $headers */
    public function __construct(
        public readonly int $status,
        public readonly string $body,
        public readonly array $headers = [],
        public readonly string $contentType = self::HTML,
    ) {
    }

    public static function html(int $status, string $body, array $headers = []): self
    {
        return new self($status, $body, $headers);
    }

    /** 303 so that a POST (login, logout) is followed by a GET. */
    public static function redirect(string $location): self
    {
        return new self(303, '', ['Location' => $location]);
    }

    /** Every header that goes out, security headers included. */
    public function allHeaders(): array
    {
        return ['Content-Type' => $this->contentType] + $this->headers + SecurityHeaders::ALL;
    }

    public function send(): void
    {
        http_response_code($this->status);
        // The PHP version is of no use to a visitor, only to an attacker.
        header_remove('X-Powered-By');
        foreach ($this->allHeaders() as $name => $value) {
            header($name . ': ' . $value);
        }
        echo $this->body;
    }
}
