<?php

declare(strict_types=1);

// Front controller of the standalone host (PHP's built-in server or
// nginx + php-fpm): the API under /local/api/cashback/v1/ and the admin page
// under /admin/. The Bitrix module serves the same API through its own routes.

use Cashback\Api\Api;
use Cashback\Api\Request;
use Cashback\Api\Response;
use Cashback\Settings;

require __DIR__ . '/../autoload.php';

const API_BASE = '/local/api/cashback/v1/';

$path = (string) parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);

try {
    // A mistyped or foreign CASHBACK_CONFIG must fail loudly, not run on defaults;
    // which file and what is wrong with it is for the server log, not for clients.
    $configFile = (string) getenv('CASHBACK_CONFIG');
    try {
        $settings = Settings::fromFile($configFile ?: __DIR__ . '/../../var/config.php', required: $configFile !== '');
    } catch (\UnexpectedValueException $e) {
        error_log('cashback: ' . $e->getMessage());
        $retryAfter = ['Retry-After' => (string) Settings::defaults()['retry_after_seconds']];
        Response::error(503, 'config_invalid', ['message' => 'The server is misconfigured; see the server log.'], $retryAfter)->send();
        return;
    }
    if (str_starts_with($path . '/', API_BASE)) {
        (new Api($settings))->handle(Request::fromGlobals(API_BASE))->send();
    } elseif ($path === '/admin' || str_starts_with($path, '/admin/')) {
        (new Cashback\Admin\AdminApp($settings))->run();
    } else {
        Response::error(404, 'not_found', ['message' => 'The API lives under ' . API_BASE])->send();
    }
} catch (\Throwable $e) {
    // Never a stack trace to the client; the details go to the server's error log.
    error_log('cashback: ' . $e::class . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine());
    if (!headers_sent()) {
        Response::error(500, 'internal_error', ['message' => 'Internal error; see the server log.'])->send();
    }
}
