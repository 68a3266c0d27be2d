--TEST--
applyBatch with a context: one sync-log row per item
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

$l = new CashbackLedger($db);
// API writes (with a context) name registered stores only.
foreach (['store-1', 'store-2', 'hq'] as $store) { $l->registerStore($store); }
$l->apply(['external_id' => 'seed', 'type' => 'accrual', 'amount' => 100, 'user_id' => 1]); // no context: not logged
show('log before', $l->syncLog());

$ctx = ['client' => 'store-1', 'endpoint' => 'transactions/batch'];
$results = $l->applyBatch([
    ['external_id' => 'i-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1, 'store_id' => 'store-1'],
    ['external_id' => 'i-2', 'type' => 'debit', 'amount' => 500, 'user_id' => 1, 'store_id' => 'store-1'],
    ['external_id' => 'i-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1, 'store_id' => 'store-1'],
    ['external_id' => 'i-4', 'type' => 'accrual', 'amount' => 0, 'user_id' => 1],
    ['external_id' => 'i-5', 'type' => 'accrual', 'amount' => 1, 'user_id' => 2, 'store_id' => 'store-2'],
    ['external_id' => 'i-6', 'type' => 'accrual', 'amount' => 1, 'user_id' => 2],
], $ctx);
show('statuses', array_column($results, 'status'));

/** The deterministic part of a log row; checks the rest. */
function row(array $r): array {
    if (!preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/', $r['at'])) echo "bad at: {$r['at']}\n";
    if (!is_int($r['duration_ms']) || $r['duration_ms'] < 0) echo "bad duration_ms\n";
    if (!is_int($r['id'])) echo "bad id\n";
    unset($r['at'], $r['duration_ms'], $r['id']);
    return $r;
}
$all = $l->syncLog();
show('rows', count($all['items']));
foreach ($all['items'] as $r) { show('row', row($r)); }
show('ids newest first', array_column($all['items'], 'id'));
show('next_cursor', $all['next_cursor']);

$store1 = $l->syncLog(['store_id' => 'store-1']);
show('store-1 external_ids', array_column($store1['items'], 'external_id'));
show('store-2 external_ids', array_column($l->syncLog(['store_id' => 'store-2'])['items'], 'external_id'));
$errors = $l->syncLog(['status' => 'error']);
show('errors', array_map(fn($r) => [$r['external_id'], $r['error']], $errors['items']));
show('duplicates', array_column($l->syncLog(['status' => 'duplicate'])['items'], 'external_id'));
show('store-1 errors', count($l->syncLog(['store_id' => 'store-1', 'status' => 'error'])['items']));

// A single apply with context logs one row, with the context's store when the item has none.
$l->apply(['external_id' => 'one', 'type' => 'accrual', 'amount' => 1, 'user_id' => 3],
          ['client' => '1c-central', 'store_id' => 'hq', 'endpoint' => 'transactions']);
show('single apply row', row($l->syncLog(['external_id' => 'one'])['items'][0]));

// Logged stores are now known, with their last activity.
show('stores', array_column($l->storeActivity(), 'store_id'));

// The context needs an endpoint.
fails('context without endpoint', fn() => $l->apply(['external_id' => 'x', 'type' => 'accrual', 'amount' => 1, 'user_id' => 3], ['client' => 'c']));
show('nothing applied for it', array_column($l->history(3)['items'], 'external_id'));
show('nor logged', count($l->syncLog()['items']));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
log before: {"items":[],"next_cursor":null}
statuses: ["success","error","duplicate","error","success","success"]
rows: 6
row: {"client":"store-1","store_id":null,"endpoint":"transactions/batch","external_id":"i-6","status":"success","error":null,"address":null,"times":1}
row: {"client":"store-1","store_id":"store-2","endpoint":"transactions/batch","external_id":"i-5","status":"success","error":null,"address":null,"times":1}
row: {"client":"store-1","store_id":null,"endpoint":"transactions/batch","external_id":"i-4","status":"error","error":"validation_failed","address":null,"times":1}
row: {"client":"store-1","store_id":"store-1","endpoint":"transactions/batch","external_id":"i-1","status":"duplicate","error":null,"address":null,"times":1}
row: {"client":"store-1","store_id":"store-1","endpoint":"transactions/batch","external_id":"i-2","status":"error","error":"insufficient_balance","address":null,"times":1}
row: {"client":"store-1","store_id":"store-1","endpoint":"transactions/batch","external_id":"i-1","status":"success","error":null,"address":null,"times":1}
ids newest first: [6,5,4,3,2,1]
next_cursor: null
store-1 external_ids: ["i-1","i-2","i-1"]
store-2 external_ids: ["i-5"]
errors: [["i-4","validation_failed"],["i-2","insufficient_balance"]]
duplicates: ["i-1"]
store-1 errors: 1
single apply row: {"client":"1c-central","store_id":"hq","endpoint":"transactions","external_id":"one","status":"success","error":null,"address":null,"times":1}
stores: ["hq","store-1","store-2"]
context without endpoint: invalid_argument | context needs an endpoint
nothing applied for it: ["one"]
nor logged: 7
