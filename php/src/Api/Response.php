<?php

declare(strict_types=1);

namespace Cashback\Api;

/**
 * A JSON response: status, body and extra headers. Hosts turn it into their
 * own response object (or send it with send()).
 */
final class Response
{
    public const CONTENT_TYPE = 'application/json; charset=utf-8';

    /**
     * @param array<string, mixed>|list<mixed> $body
     * @param array<string, string> $headers
     */
    public function __construct(
        public readonly int $status,
        public readonly array $body,
        public readonly array $headers = [],
    ) {
    }

    /** An error body `{"error": code, ...details}`. */
    public static function error(int $status, string $code, array $details = [], array $headers = []): self
    {
        return new self($status, ['error' => $code] + $details, $headers);
    }

    /**
     * The body as JSON (JsonEncoder: floats in their shortest exact form,
     * Unicode unescaped); the Bitrix module's controller sends the same bytes.
     */
    public function json(): string
    {
        return JsonEncoder::encode($this->body);
    }

    /** Sends status, headers and body with PHP's SAPI functions. */
    public function send(): void
    {
        http_response_code($this->status);
        header_remove('X-Powered-By');
        header('Content-Type: ' . self::CONTENT_TYPE);
        header('X-Content-Type-Options: nosniff');
        header('Cache-Control: no-store');
        foreach ($this->headers as $name => $value) {
            header($name . ': ' . $value);
        }
        echo $this->json();
    }
}
