--TEST--
scalar arguments follow PHP's coercive typing mode (balance("5") works like balance(5))
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

// This file is in PHP's default coercive typing mode (no strict_types): like every
// internal function, an int parameter accepts "5", a bool parameter accepts 1,
// a string parameter accepts an int. Bitrix's $USER->GetID() returns a string.
$l = new CashbackLedger($db);
$l->apply(['external_id' => 'a', 'type' => 'accrual', 'amount' => 10, 'user_id' => 5]);
$try = function (string $label, callable $f) {
    try { show($label, $f()); }
    catch (Throwable $e) { echo "$label: ", get_class($e), ': ', $e->getMessage(), "\n"; }
};
$try('balance("5")', fn() => $l->balance('5')['balance']);
$try('history("5", "1")', fn() => array_column($l->history('5', '1')['items'], 'external_id'));
$try('linkPhone("5", ...)', fn() => $l->linkPhone('5', '89001234567'));
$try('linkPhone(6, ..., 1)', fn() => [$l->linkPhone(6, '89007654321', 1), $l->userPhones(6)[0]['verified']]);
$try('normalizePhone(9001234567)', fn() => CashbackLedger::normalizePhone(9001234567));
$try('registerStore("s", null, "24")', fn() => $l->registerStore('s', null, '24'));
// Reference: how PHP's own functions behave in this mode.
$try('str_repeat("a", "3")', fn() => str_repeat('a', '3'));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
balance("5"): 10.0
history("5", "1"): ["a"]
linkPhone("5", ...): "79001234567"
linkPhone(6, ..., 1): ["79007654321",true]
normalizePhone(9001234567): "79001234567"
registerStore("s", null, "24"): null
str_repeat("a", "3"): "aaa"
