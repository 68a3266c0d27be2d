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

    /** The body as JSON: floats in their shortest exact form, Unicode unescaped. */
    public function json(): string
    {
        // With an old php.ini (serialize_precision = 17) 0.07 would print as 0.070000000000000007.
        $precision = ini_set('serialize_precision', '-1');
        try {
            return json_encode(
            $this->body,
                JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE,
            );
        } finally {
            ini_set('serialize_precision', (string) $precision);
        }
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
