--TEST--
logRead: a read's row is queued, seen by this process's own log queries, validated like logSync
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
$db = sys_get_temp_dir() . '/cashback-phpt-' . getmypid() . '-' . basename(__FILE__) . '.db';
foreach (['', '-wal', '-shm'] as $suffix) { @unlink($db . $suffix); }
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
$name = str_replace('.clean.php', '.php', basename(__FILE__));
foreach (glob(sys_get_temp_dir() . '/cashback-phpt-*-' . $name . '.db') ?: [] as $f) {
    foreach (['', '-wal', '-shm'] as $suffix) { @unlink($f . $suffix); }
}
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
