--TEST--
syncLog/logSync: a float time filter or a non-int duration_ms is honoured or refused, not ignored
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

// Values of the wrong PHP type must be honoured or refused, never silently dropped.
$l = new CashbackLedger($db);
$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 's1']);
$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 's1']);

// A time filter given as a float (microtime(true), or seconds after arithmetic).
$future = time() + 3600;
foreach (['int' => $future, 'float' => (float) $future, 'microtime' => microtime(true) + 3600] as $label => $from) {
    try {
        $n = count($l->syncLog(['from' => $from])['items']);
        echo "from as $label: ", $n === 0 ? 'ok (honoured)' : "IGNORED: $n rows returned", "\n";
    } catch (CashbackException $e) {
        echo "from as $label: ", $e->getErrorCode() === 'invalid_argument' ? 'ok (refused)' : $e->getErrorCode(), "\n";
    }
}

// duration_ms given as a numeric string or a float.
foreach (['int' => 12, 'string' => '12', 'float' => 12.0] as $label => $ms) {
    try {
        $l->logSync(['endpoint' => 'balance', 'status' => 'success', 'external_id' => "d-$label", 'duration_ms' => $ms]);
        $stored = $l->syncLog(['external_id' => "d-$label"])['items'][0]['duration_ms'];
        echo "duration_ms as $label: ", $stored === 12 ? 'ok (honoured)' : "DROPPED: stored $stored", "\n";
    } catch (CashbackException $e) {
        echo "duration_ms as $label: ", $e->getErrorCode() === 'invalid_log_entry' ? 'ok (refused)' : $e->getErrorCode(), "\n";
    }
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECTF--
from as int: ok (honoured)
from as float: ok (%s)
from as microtime: ok (%s)
duration_ms as int: ok (honoured)
duration_ms as string: ok (%s)
duration_ms as float: ok (%s)
