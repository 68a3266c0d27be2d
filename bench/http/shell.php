<?php

declare(strict_types=1);

// The API's own PHP without the ledger, on the benchmark stack: what the
// standalone front controller does for a GET balance (autoloader, settings
// file, request from the globals, JSON response) but answering a fixed body
// instead of calling CashbackLedger. GET balance against this endpoint is the
// share of the ledger calls; this endpoint against bare.php is the share of
// the PHP classes around them.

use Cashback\Api\Request;
use Cashback\Api\Response;
use Cashback\Settings;

require __DIR__ . '/../../php/autoload.php';

$settings = Settings::fromFile((string) getenv('CASHBACK_CONFIG'));
$request = Request::fromGlobals('/');
$phone = $request->queryString('user_phone');
(new Response(200, ['user_id' => 42, 'phone' => $phone, 'balance' => 1250.5, 'updated_at' => '2026-11-27T10:15:00+03:00']))->send();
