<?php

declare(strict_types=1);

// Loads the bench helpers (benchmark code only; nothing here is part of the product).
require_once __DIR__ . '/Bench.php';
require_once __DIR__ . '/Batch.php';
require_once __DIR__ . '/LedgerRules.php';
require_once __DIR__ . '/PureLedger.php';
require_once __DIR__ . '/Mysql.php';
require_once __DIR__ . '/PureMysqlLedger.php';

error_reporting(E_ALL);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    if ((error_reporting() & $severity) === 0) {
        return false; // silenced with @
    }
    throw new \ErrorException($message, 0, $severity, $file, $line);
});
