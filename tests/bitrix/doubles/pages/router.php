<?php

declare(strict_types=1);

// Router of PHP's built-in server for the admin page tests (doubles/PageServer.php):
// loads the doubles and the module as tests/bitrix/bootstrap.php does (support/module.php,
// without the bootstrap's temporary document root), sets up the hit from the state the
// test sent (PageServer::begin), then runs the requested page at the global scope, as
// /bitrix/admin/*.php runs on a site.

(static function (): void {
    define('CASHBACK_REPO', dirname(__DIR__, 4));
    define('CASHBACK_MODULE_DIR', CASHBACK_REPO . '/bitrix-module');
    require CASHBACK_REPO . '/tests/bitrix/support/module.php';
})();

if (Retaillab\Cashback\Tests\Doubles\PageServer::begin() === null) {
    return true;
}
require $_SERVER['SCRIPT_FILENAME'];
