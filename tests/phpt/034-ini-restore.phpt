--TEST--
ini_restore() restores the cashback.* settings
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--INI--
precision=14
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

// ini_set / ini_restore on the extension's settings, like on any other setting.
var_dump(ini_get('cashback.timezone'));
var_dump(ini_set('cashback.timezone', 'UTC'));
var_dump(ini_get('cashback.timezone'));
var_dump(ini_restore('cashback.timezone'));
var_dump(ini_get('cashback.timezone'));

ini_set('cashback.database', $db);
ini_restore('cashback.database');
var_dump(ini_get('cashback.database'));

// For comparison, a core setting.
ini_set('precision', '5');
ini_restore('precision');
var_dump(ini_get('precision'));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
string(13) "Europe/Moscow"
string(13) "Europe/Moscow"
string(3) "UTC"
NULL
string(13) "Europe/Moscow"
string(0) ""
string(2) "14"
