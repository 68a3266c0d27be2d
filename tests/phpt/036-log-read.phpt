--TEST--
logRead: a read's row is queued, seen by this process's own log queries, validated like logSync
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$l = new CashbackLedger($db);
$l->registerStore('store-r', 'Read store');

var_dump($l->logRead(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-r', 'client' => 'reg', 'duration_ms' => 3]));
$l->logRead(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-r']);

// This process's queries write its queued rows first: no call of its own goes missing.
foreach ($l->syncLog()['items'] as $row) {
    echo $row['endpoint'], ' ', $row['status'], ' ', $row['store_id'], ' ', $row['client'] ?? '-', ' ', $row['duration_ms'], "\n";
}
$store = array_values(array_filter($l->storeActivity(), fn ($s) => $s['store_id'] === 'store-r'))[0];
echo 'store last seen: ', $store['last_seen_at'] === null ? 'never' : 'yes', "\n";

// Rejected like logSync, and nothing is queued.
foreach ([
    ['endpoint' => 'Balance!', 'status' => 'success'],
    ['endpoint' => 'balance', 'status' => ''],
    ['endpoint' => 'balance', 'status' => 'success', 'duration_ms' => 'slow'],
    ['endpoint' => 'balance', 'status' => 'success', 'store_id' => 5],
    ['endpoint' => 'balance', 'status' => 'success', 'shop' => 'store-r'],
    ['balance', 'success'],
] as $bad) {
    try {
        $l->logRead($bad);
        echo "accepted\n";
    } catch (CashbackException $e) {
        echo $e->getErrorCode(), ': ', $e->getMessage(), "\n";
    }
}
echo 'rows: ', count($l->syncLog()['items']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
NULL
transactions success store-r - 0
balance success store-r reg 3
store last seen: yes
invalid_log_entry: endpoint must be 1..128 characters of a-z, 0-9, _, - and /
invalid_log_entry: status must be 1..32 characters of a-z, 0-9 and _
invalid_log_entry: duration_ms must be a number
invalid_log_entry: store_id must be a string
invalid_log_entry: unknown key "shop"; known: endpoint, status, client, store_id, external_id, error, duration_ms
invalid_log_entry: unknown key "0"; known: endpoint, status, client, store_id, external_id, error, duration_ms
rows: 2
