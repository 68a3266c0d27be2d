<?php
// Creates the demo ledger (if absent) and prints a customer's balance.
// Used by `make run` until the HTTP API serves the same database.
declare(strict_types=1);

$path = $argv[1] ?? __DIR__ . '/../../var/cashback.db';
$isNew = !file_exists($path);
$ledger = new CashbackLedger($path);

if ($isNew) {
    $ledger->linkPhone(42, '+7 (900) 123-45-67', true);
    $ledger->linkPhone(43, '8 912 000-11-22', true);
    $ledger->registerStore('store-1', 'Moscow, Tverskaya 1');
    $ledger->applyBatch([
        ['type' => 'accrual', 'amount' => '1250.50', 'external_id' => 'Accrual_0001_20261127', 'user_phone' => '79001234567',
         'store_id' => 'store-1', 'description' => 'Moscow, Tverskaya 1, register 2', 'created_at' => '2026-11-27T10:15:00'],
        ['type' => 'accrual', 'amount' => 300, 'external_id' => 'Accrual_0002_20261127', 'user_phone' => '89120001122',
         'store_id' => 'store-1', 'created_at' => '2026-11-27T11:00:00'],
    ], ['endpoint' => 'demo', 'client' => 'demo']);
    $key = $ledger->createApiKey('demo', 'store-1');
    echo "Created demo ledger {$path}\n";
    echo "Demo API key (shown once): {$key['key']}\n";
}

$balance = $ledger->balanceByPhone('8 (900) 123-45-67');
printf("Balance of %s (user %d): %s RUB, updated %s\n",
    $balance['phone'], $balance['user_id'], number_format($balance['balance'], 2, '.', ' '), $balance['updated_at'] ?? 'never');
$verify = $ledger->verify();
printf("Ledger verify: %s (%d accounts, %d entries)\n", $verify['ok'] ? 'ok' : 'PROBLEMS', $verify['accounts'], $verify['entries']);
