<?php

// Fallback front controller of the retaillab.cashback 1C API, installed as
// /local/api/cashback/v1/index.php. It serves the API where Bitrix routing is not in
// use: main older than 21.400, or a web server that still sends unknown URLs to
// /bitrix/urlrewrite.php. The urlrewrite rule "#^/local/api/cashback/v1(?:[/?]|$)#" added by the
// installer points here. With routing on, nginx/Apache never reach this file for API
// paths (no physical file exists at balance, transactions, ...), and the answer is
// the same either way: both run the shared API (\Cashback\Api\Api).

define('NOT_CHECK_PERMISSIONS', true);
define('NO_KEEP_STATISTIC', true);
define('NO_AGENT_STATISTIC', true);
// Agents and mail run from cron (see the module README), never on a 1C request.
define('NO_AGENT_CHECK', true);
define('DisableEventsCheck', true);

require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';

/** @var CMain $APPLICATION */
global $APPLICATION;
$APPLICATION->RestartBuffer();

try {
    if (!\Bitrix\Main\Loader::includeModule('retaillab.cashback')) {
        http_response_code(503);
        header('Content-Type: application/json; charset=utf-8');
        header('Retry-After: 60');
        echo '{"error":"module_unavailable","message":"The retaillab.cashback module is not installed."}';
        die();
    }
    $settings = \Retaillab\Cashback\Ledger\LedgerFactory::settings();
    $request = \Cashback\Api\Request::fromGlobals(\Retaillab\Cashback\Controller\Api::BASE_PATH);
    (new \Cashback\Api\Api($settings))->handle($request)->send();
} catch (\Throwable $e) {
    // Never a stack trace to the client; the details go to the server's error log.
    error_log('retaillab.cashback api: ' . $e::class . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine());
    if (!headers_sent()) {
        \Cashback\Api\Response::error(500, 'internal_error', ['message' => 'Internal error; see the server log.'])->send();
    }
}
die();
