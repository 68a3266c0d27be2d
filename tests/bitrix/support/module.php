<?php

declare(strict_types=1);

// The doubles of the Bitrix core (tests/bitrix/doubles/*.php), then the module as
// Loader::includeModule() would load it: its include.php, and its namespace mapped
// onto lib/ (PSR-4, CamelCase files). For the PHPUnit bootstrap and the admin pages'
// router (doubles/pages/router.php). Needs CASHBACK_MODULE_DIR.

foreach (glob(dirname(__DIR__) . '/doubles/*.php') as $double) {
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
