<?php

declare(strict_types=1);

namespace Retaillab\Cashback;

use Bitrix\Main\Routing\RoutingConfigurator;
use Retaillab\Cashback\Controller\Api;

/**
 * The API routes (Bitrix routing, main 21.400+). /local/routes/cashback.php,
 * which the installer puts in place and lists in the routing config, only
 * includes the module and calls configure().
 *
 * Route order matters: the first match wins, so the catch-all comes last and
 * answers every other path or method below the prefix through the shared API
 * (404 not_found, 405 method_not_allowed with Allow), as the standalone host does.
 *
 * The kernel's Route::match() compares a route without parameters with the
 * request path for identity and builds "#^uri$#" for one with parameters; it
 * never adds an optional trailing slash. Under the prefix every URI is
 * '/local/api/cashback/v1/' . $uri, so the base path without its slash gets its
 * own route, declared outside the group with the full path.
 */
final class Routes
{
    /** Without leading or trailing slashes, as RoutingConfigurator::prefix() wants it. */
    public const PREFIX = 'local/api/cashback/v1';

    /** [method, path, action]: the contract's endpoints. */
    public const ENDPOINTS = [
        ['GET', 'balance', 'balance'],
        ['GET', 'transactions', 'transactions'],
        ['POST', 'transactions', 'transactions'],
        ['POST', 'transactions/batch', 'batch'],
        ['GET', 'health', 'health'],
    ];

    public static function configure(RoutingConfigurator $routes): void
    {
        $routes->prefix(self::PREFIX)->group(static function (RoutingConfigurator $routes): void {
            foreach (self::ENDPOINTS as [$method, $path, $action]) {
                // get() also answers HEAD.
                $method === 'GET'
                    ? $routes->get($path, [Api::class, $action])
                    : $routes->post($path, [Api::class, $action]);
            }
            $routes->any('', [Api::class, 'fallback']);
            $routes->any('{path}', [Api::class, 'fallback'])->where('path', '.*');
        });
        $routes->any('/' . self::PREFIX, [Api::class, 'fallback']);
    }
}
