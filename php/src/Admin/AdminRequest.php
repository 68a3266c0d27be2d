<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * An HTTP request as the admin page sees it. Built from PHP's globals by the
 * host, or by hand in tests.
 */
final class AdminRequest
{
    /**
     * @param string $path URI path, e.g. "/admin/login".
     * @param array<string, mixed> $query
     * @param array<string, mixed> $post
     */
    public function __construct(
        public readonly string $method,
        public readonly string $path,
        public readonly array $query = [],
        public readonly array $post = [],
        public readonly bool $https = false,
        public readonly string $remoteAddress = '',
    ) {
    }

    public static function fromGlobals(): self
    {
        $method = strtoupper((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'));
        $https = isset($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== '' && strtolower((string) $_SERVER['HTTPS']) !== 'off';
        return new self(
            // HEAD is answered like GET; the SAPI drops the body.
            $method === 'HEAD' ? 'GET' : $method,
            (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH),
            $_GET,
            self::formFields(),
            $https,
            (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
        );
    }

    /**
     * The posted form. The hosts run with enable_post_data_reading=0 (the API
     * reads raw JSON, and PHP's own parsing warns about bodies it cannot read),
     * so a url-encoded form is parsed here; multipart is never needed.
     *
     * @return array<string, mixed>
     */
    private static function formFields(): array
    {
        if ($_POST !== [] || ini_get('enable_post_data_reading')) {
            return $_POST;
        }
        $type = strtolower(trim(explode(';', (string) ($_SERVER['CONTENT_TYPE'] ?? ''))[0]));
        if ($type !== 'application/x-www-form-urlencoded') {
            return [];
        }
        parse_str((string) file_get_contents('php://input'), $fields);
        return $fields;
    }

    /** A query parameter as a string; arrays (`?store[]=x`) count as absent. */
    public function query(string $name): string
    {
        $value = $this->query[$name] ?? '';
        return is_string($value) ? $value : '';
    }

    /** A form field as a string; arrays count as absent. */
    public function post(string $name): string
    {
        $value = $this->post[$name] ?? '';
        return is_string($value) ? $value : '';
    }
}
