<?php

declare(strict_types=1);

// Loaded by Bitrix on Loader::includeModule('retaillab.cashback'). Bitrix
// autoloads the module's own classes (Retaillab\Cashback\ → lib/); this file
// adds the API code shared with the standalone host (Cashback\ → php/src),
// shipped inside the module as shared/ (README.md, "Put the module in place"),
// or found in the repository during development.

spl_autoload_register(static function (string $class): void {
    if (!str_starts_with($class, 'Cashback\\')) {
        return;
    }
    $relative = str_replace('\\', '/', substr($class, strlen('Cashback\\'))) . '.php';
    foreach ([__DIR__ . '/shared/', dirname(__DIR__) . '/php/src/'] as $root) {
        if (is_file($root . $relative)) {
            require $root . $relative;
            return;
        }
    }
});
