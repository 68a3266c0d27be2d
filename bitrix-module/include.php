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

// A hit of the 1C API through Bitrix routing: /bitrix/routing_index.php includes the route
// files, and so this file (/local/routes/cashback.php includes the module), before it
// includes prolog_before.php for the controller. There the kernel would queue
// CAgent::CheckAgents and the mail check as background jobs (run after the answer, in the
// same PHP worker) and fire OnBeforeProlog, where the statistic module records a hit.
// The constants they check turn that off for API paths only, as the fallback front
// controller (install/api/index.php) does; every other hit is left alone. (Included later
// in a hit, NO_AGENT_CHECK and DisableEventsCheck still apply: the queued jobs check them
// when they run.) See README.md, "What an API hit runs".
(static function (): void {
    $uri = $_SERVER['REQUEST_URI'] ?? null;
    if (!is_string($uri)) {
        return;
    }
    $path = (string) parse_url($uri, PHP_URL_PATH);
    if ($path !== '/local/api/cashback/v1' && !str_starts_with($path, '/local/api/cashback/v1/')) {
        return;
    }
    foreach (['NO_KEEP_STATISTIC', 'NO_AGENT_STATISTIC', 'NO_AGENT_CHECK', 'DisableEventsCheck'] as $constant) {
        if (!defined($constant)) {
            define($constant, true);
        }
    }
})();
