--TEST--
syncLog from/to boundaries in Moscow time, and pruneSyncLog of old rows
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if ($missing = cashback_test_tamper_missing()) echo "skip $missing"; ?>
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
foreach (['store-1'] as $store) { $l->registerStore($store); }
foreach (['r1', 'r2', 'r3', 'r4'] as $id) {
    $l->logSync(['endpoint' => 'transactions', 'status' => 'success', 'external_id' => $id, 'store_id' => 'store-1']);
}
$day = 86400;
$old = strtotime('2020-01-10T12:00:00+03:00');
cashback_test_sql($db, "UPDATE {sync_log} SET at = {$old}000 WHERE external_id = 'r1';"
          . " UPDATE {sync_log} SET at = " . (time() - 40 * $day) . "000 WHERE external_id = 'r2';"
          . " UPDATE {sync_log} SET at = " . (time() - 10 * $day) . "000 WHERE external_id = 'r3';");

$r1 = $l->syncLog(['external_id' => 'r1'])['items'][0];
show('r1 at (Moscow time)', $r1['at']);
$ids = fn(array $filter) => array_column($l->syncLog($filter)['items'], 'external_id');
// from is inclusive, to exclusive; offset-less times are Moscow time.
show('from 12:00:00', $ids(['from' => '2020-01-10T12:00:00', 'to' => '2020-01-11T00:00:00']));
show('from 12:00:01', $ids(['from' => '2020-01-10T12:00:01', 'to' => '2020-01-11T00:00:00']));
show('to 12:00:00', $ids(['to' => '2020-01-10T12:00:00']));
show('to 12:00:01', $ids(['to' => '2020-01-10T12:00:01']));
show('to 09:00:01Z', $ids(['to' => '2020-01-10T09:00:01Z']));
show('Unix seconds', $ids(['from' => $old, 'to' => $old + 1]));
show('last 20 days', $ids(['from' => time() - 20 * $day]));
show('older than 20 days', $ids(['to' => time() - 20 * $day]));

// Prune: rows older than N days.
show('prune 30 days', $l->pruneSyncLog(30));
show('left', $ids([]));
show('prune 30 days again', $l->pruneSyncLog(30));
show('prune 5 days', $l->pruneSyncLog(5));
show('left', $ids([]));
// Pruning the log never touches stores' last activity.
show('store-1 still known', array_column($l->storeActivity(), 'store_id'));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
r1 at (Moscow time): "2020-01-10T12:00:00+03:00"
from 12:00:00: ["r1"]
from 12:00:01: []
to 12:00:00: []
to 12:00:01: ["r1"]
to 09:00:01Z: ["r1"]
Unix seconds: ["r1"]
last 20 days: ["r4","r3"]
older than 20 days: ["r2","r1"]
prune 30 days: 2
left: ["r4","r3"]
prune 30 days again: 0
prune 5 days: 1
left: ["r4"]
store-1 still known: ["store-1"]