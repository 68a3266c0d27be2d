<?php

declare(strict_types=1);

// Router of PHP's built-in server for the admin page tests (doubles/PageServer.php):
// loads the doubles as tests/bitrix/bootstrap.php does (without its temporary document
// root), sets up the hit from the state the test sent (PageServer::begin), then runs the
// requested page at the global scope, as /bitrix/admin/*.php runs on a site.

(static function (): void {
    define('CASHBACK_REPO', dirname(__DIR__, 4));
    define('CASHBACK_MODULE_DIR', CASHBACK_REPO . '/bitrix-module');
    foreach (glob(dirname(__DIR__) . '/*.php') as $double) {
        require_once $double;
    }
    require CASHBACK_MODULE_DIR . '/include.php';
    spl_autoload_register(static function (string $class): void {
        $prefix = 'Retaillab\\Cashback\\';
        if (str_starts_with($class, $prefix)) {
            $file = CASHBACK_MODULE_DIR . '/lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    });
})();

if (Retaillab\Cashback\Tests\Doubles\PageServer::begin() === null) {
    return true;
}
require $_SERVER['SCRIPT_FILENAME'];
