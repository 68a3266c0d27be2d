--TEST--
constructor: an empty options array is accepted like null
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

// An empty options array means "no options", exactly like null or omitting it.
// (PHP cannot tell an empty list from an empty map: [] must not be refused.)
foreach (['omitted' => fn() => new CashbackLedger($db), 'null' => fn() => new CashbackLedger($db, null),
          'empty array' => fn() => new CashbackLedger($db, [])] as $label => $make) {
    try {
        $l = $make();
        show($label, [$l->health()['path'] === cashback_test_location($db), $l->balance(1)['balance']]);
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
    }
}
// Options built up conditionally often end up empty.
$options = [];
if (getenv('CASHBACK_PHPT_TZ_NOT_SET_ANYWHERE')) { $options['timezone'] = getenv('CASHBACK_PHPT_TZ_NOT_SET_ANYWHERE'); }
try {
    $l = new CashbackLedger($db, $options);
    show('conditionally built', $l->history(1));
} catch (CashbackException $e) {
    echo "conditionally built: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
omitted: [true,0.0]
null: [true,0.0]
empty array: [true,0.0]
conditionally built: {"items":[],"next_cursor":null}
