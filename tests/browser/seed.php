<?php

declare(strict_types=1);

// Seeds the sync log and the store registry of a demo ledger for the admin
// page's browser test. Usage: php -d extension=... seed.php DATABASE
// Prints a JSON summary; the test asserts against its own expected numbers,
// this output only helps when a count is off.
//
// Hostile strings go into every free-text column the page shows (client,
// store_id, external_id): the page must show them as text and run nothing.

const MSK = 'msk-01';
const EVIL_STORE = '"><img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';
const SILENT = 'spb-07';

$database = $argv[1] ?? throw new InvalidArgumentException('usage: seed.php DATABASE');
$ledger = new CashbackLedger($database);

$ledger->registerStore(MSK, 'Москва, Тверская 1');
$ledger->registerStore(SILENT, 'Санкт-Петербург, Невский 10');
// API writes name registered stores only; the hostile store registered itself before that rule.
$ledger->registerStore(EVIL_STORE);
$ledger->linkPhone(100, '+7 900 555-00-01', true);

$accrual = static fn (string $externalId, string $store): array => [
    'type' => 'accrual', 'amount' => '100.00', 'external_id' => $externalId,
    'user_phone' => '79005550001', 'store_id' => $store, 'description' => 'Чек ' . $externalId,
];

// msk-01: 11 successes (one Cyrillic id) and 1 refused debit in one batch, sent by a hostile client name.
$items = [];
for ($i = 1; $i <= 10; $i++) {
    $items[] = $accrual(sprintf('MSK-%04d', $i), MSK);
}
$items[] = $accrual('Начисление_0011', MSK);
$items[] = ['type' => 'debit', 'amount' => '100000', 'external_id' => 'MSK-DEBIT-0001', 'user_phone' => '79005550001', 'store_id' => MSK];
$first = $ledger->applyBatch($items, ['endpoint' => 'transactions/batch', 'client' => SCRIPT, 'store_id' => MSK]);
// ... and a resend of two of them: 2 duplicates.
$resend = $ledger->applyBatch([$items[0], $items[1]], ['endpoint' => 'transactions/batch', 'client' => SCRIPT, 'store_id' => MSK]);

// The hostile store: 3 successes with hostile and Cyrillic external ids, 2 errors.
$evil = $ledger->applyBatch([
    $accrual(SCRIPT, EVIL_STORE),
    $accrual(EVIL_STORE, EVIL_STORE),
    $accrual('Возврат_№5_«тест»', EVIL_STORE),
], ['endpoint' => 'transactions/batch', 'client' => EVIL_STORE, 'store_id' => EVIL_STORE]);
$ledger->logSync(['endpoint' => 'transactions', 'status' => 'error', 'error' => 'validation_failed',
                  'client' => EVIL_STORE, 'store_id' => EVIL_STORE, 'external_id' => 'it\'s "quoted" & <b>bold</b>', 'duration_ms' => 7]);
$ledger->logSync(['endpoint' => 'balance', 'status' => 'error', 'error' => 'user_not_found',
                  'client' => EVIL_STORE, 'store_id' => EVIL_STORE, 'duration_ms' => 3]);

// Two requests with a bad key: no client, no store.
$ledger->logSync(['endpoint' => 'transactions/batch', 'status' => 'unauthorized', 'error' => 'unauthorized', 'duration_ms' => 1]);
$ledger->logSync(['endpoint' => 'balance', 'status' => 'unauthorized', 'error' => 'unauthorized', 'duration_ms' => 1]);
// A key used from a foreign network, and an address throttled after failed authentications.
$ledger->logSync(['endpoint' => 'balance', 'status' => 'forbidden', 'error' => 'forbidden_network', 'duration_ms' => 1]);
$ledger->logSync(['endpoint' => 'transactions', 'status' => 'throttled', 'error' => 'too_many_requests', 'duration_ms' => 0]);

$statuses = static fn (array $results): array => array_count_values(array_column($results, 'status'));
$total = 0;
$cursor = null;
do {
    $page = $ledger->syncLog(null, 100, $cursor);
    $total += count($page['items']);
    $cursor = $page['next_cursor'];
} while ($cursor !== null);

echo json_encode([
    'msk_batch' => $statuses($first),
    'msk_resend' => $statuses($resend),
    'evil_batch' => $statuses($evil),
    'log_rows' => $total,
    'stores' => array_column($ledger->storeActivity(), 'store_id'),
], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
