<?php

declare(strict_types=1);

namespace Cashback\Api;

/**
 * An HTTP request as the API sees it, independent of the host (standalone
 * front controller or Bitrix controller).
 */
final class Request
{
    /** @var array<string, string> header name (lower case) => value */
    private array $headers;

    /**
     * @param string $path Path below the API base, without leading slash (e.g. "transactions/batch").
     * @param array<string, mixed> $query
     * @param array<string, string> $headers
     */
    public function __construct(
        public readonly string $method,
        public readonly string $path,
        public readonly array $query,
        array $headers,
        public readonly string $body,
        public readonly string $remoteAddress = '',
    ) {
        // Surrounding whitespace is not part of a header value (RFC 9110), whatever the server passes on.
        $this->headers = array_map('trim', array_change_key_case($headers, CASE_LOWER));
    }

    /** Builds the request from PHP's globals; `$basePath` is stripped from the URI path. */
    public static function fromGlobals(string $basePath): self
    {
        $uriPath = (string) parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
        // The base without its trailing slash is the base too (people drop it).
        $path = str_starts_with($uriPath . '/', $basePath) ? substr($uriPath . '/', strlen($basePath)) : $uriPath;
        $headers = [];
        foreach ($_SERVER as $key => $value) {
            if (str_starts_with($key, 'HTTP_')) {
                $headers[str_replace('_', '-', substr($key, 5))] = (string) $value;
            }
        }
        foreach (['CONTENT_TYPE' => 'content-type', 'CONTENT_LENGTH' => 'content-length'] as $key => $name) {
            if (isset($_SERVER[$key])) {
                $headers[$name] = (string) $_SERVER[$key];
            }
        }
        $method = strtoupper((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'));
        return new self(
            $method,
            trim($path, '/'),
            $_GET,
            $headers,
            // A GET carries no body the API reads; not opening php://input saves every balance read a stream.
            $method === 'GET' || $method === 'HEAD' ? '' : (string) file_get_contents('php://input'),
            (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
        );
    }

    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    /** A query parameter as a string, or null when absent or not a string. */
    public function queryString(string $name): ?string
    {
        $value = $this->query[$name] ?? null;
        return is_string($value) ? $value : null;
    }
}
