<?php

declare(strict_types=1);

// PSR-4 autoloader for the Cashback\ namespace (php/src). No Composer: the
// project runs where Packagist is not reachable, and this is all it needs.
spl_autoload_register(static function (string $class): void {
    $prefix = 'Cashback\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
