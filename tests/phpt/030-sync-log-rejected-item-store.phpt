--TEST--
sync log: an item refused by validation is logged under its own store_id
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);

/** Prints a value as JSON; floats keep their ".0" so int/float mix-ups show. */
function show(string $label, $value): void {
    echo $label, ': ', json_encode($value, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
}
/** Runs $f, which must throw CashbackException; prints its code and message. */
function fails(string $label, callable $f): void {
    try {
        $r = $f();
        echo "$label: NO EXCEPTION, got ", json_encode($r, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES), "\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
    }
}

// A batch from a store's client; the store is named on each item (the context has none).
// An item refused by validation still came from its store: the operator filtering
// the log by store must see it, and it counts as activity of that store.
$l = new CashbackLedger($db);
// API writes (with a context) name registered stores only.
foreach (['store-1', 'store-2'] as $store) { $l->registerStore($store); }
$ctx = ['client' => 'store-1', 'endpoint' => 'transactions/batch'];
$r = $l->applyBatch([
    ['external_id' => 'ok-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1, 'store_id' => 'store-1'],
    ['external_id' => 'bad-1', 'type' => 'accrual', 'amount' => '1.234', 'user_id' => 1, 'store_id' => 'store-1'],
    ['external_id' => 'bad-2', 'type' => 'debit', 'amount' => 5, 'user_id' => 1, 'store_id' => 'store-2', 'colour' => 'red'],
], $ctx);
show('statuses', array_column($r, 'status', 'external_id'));
foreach ($l->syncLog()['items'] as $row) {
    show($row['external_id'], [$row['store_id'], $row['status'], $row['error']]);
}
show('store-1 rows', array_column($l->syncLog(['store_id' => 'store-1'])['items'], 'external_id'));
show('store-1 errors', array_column($l->syncLog(['store_id' => 'store-1', 'status' => 'error'])['items'], 'external_id'));
$stores = array_column($l->storeActivity(), 'store_id');
sort($stores);
show('stores seen', $stores);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
statuses: {"ok-1":"success","bad-1":"error","bad-2":"error"}
bad-2: ["store-2","error","validation_failed"]
bad-1: ["store-1","error","validation_failed"]
ok-1: ["store-1","success",null]
store-1 rows: ["bad-1","ok-1"]
store-1 errors: ["bad-1"]
stores seen: ["store-1","store-2"]
