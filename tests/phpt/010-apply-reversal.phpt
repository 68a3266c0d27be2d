--TEST--
apply: accrual reversal (negative accrual), negative_balance, exceeds_original
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
$tx = fn(array $t) => $l->apply($t);

show('accrual 500', $tx(['external_id' => 'acc', 'type' => 'accrual', 'amount' => 500, 'user_id' => 1]));
show('debit 400', $tx(['external_id' => 'deb', 'type' => 'debit', 'amount' => 400, 'user_id' => 1]));
// Reversing the accrual after most of it was spent: the balance goes negative, and says so.
show('reversal -300', $tx(['external_id' => 'rev-1', 'type' => 'accrual', 'amount' => -300, 'user_id' => 1, 'original_external_id' => 'acc']));
show('balance', $l->balance(1)['balance']);
// A debit on a negative balance is refused.
show('debit 1 on negative', $tx(['external_id' => 'deb-2', 'type' => 'debit', 'amount' => 1, 'user_id' => 1]));
// More than what remains of the original.
show('reversal -250 (200 left)', $tx(['external_id' => 'rev-2', 'type' => 'accrual', 'amount' => '-250', 'user_id' => 1, 'original_external_id' => 'acc']));
show('reversal -200', $tx(['external_id' => 'rev-3', 'type' => 'accrual', 'amount' => '-200.00', 'user_id' => 1, 'original_external_id' => 'acc']));
// A reversal without an original is a plain negative accrual.
show('negative accrual without original', $tx(['external_id' => 'rev-4', 'type' => 'accrual', 'amount' => -0.5, 'user_id' => 1]));
// A reversal must name a positive accrual of the same user.
show('reversal of a debit', $tx(['external_id' => 'rev-5', 'type' => 'accrual', 'amount' => -1, 'user_id' => 1, 'original_external_id' => 'deb']));
show('reversal of a reversal', $tx(['external_id' => 'rev-6', 'type' => 'accrual', 'amount' => -1, 'user_id' => 1, 'original_external_id' => 'rev-1']));
$tx(['external_id' => 'acc-2', 'type' => 'accrual', 'amount' => 50, 'user_id' => 2]);
show('reversal of another user', $tx(['external_id' => 'rev-7', 'type' => 'accrual', 'amount' => -1, 'user_id' => 1, 'original_external_id' => 'acc-2']));
show('reversal of unknown', $tx(['external_id' => 'rev-8', 'type' => 'accrual', 'amount' => -1, 'user_id' => 1, 'original_external_id' => 'nope']));
show('positive accrual naming an original', $tx(['external_id' => 'rev-9', 'type' => 'accrual', 'amount' => 1, 'user_id' => 1, 'original_external_id' => 'acc']));
show('negative debit', $tx(['external_id' => 'rev-10', 'type' => 'debit', 'amount' => -1, 'user_id' => 1]));

show('balance 1', $l->balance(1)['balance']);
foreach ($l->history(1)['items'] as $e) {
    show($e['external_id'], [$e['type'], $e['amount'], $e['effect'], $e['original_external_id']]);
}
show('verify', $l->verify());
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
accrual 500: {"external_id":"acc","status":"success","transaction_id":1,"user_id":1,"balance":500.0,"negative_balance":false}
debit 400: {"external_id":"deb","status":"success","transaction_id":2,"user_id":1,"balance":100.0,"negative_balance":false}
reversal -300: {"external_id":"rev-1","status":"success","transaction_id":3,"user_id":1,"balance":-200.0,"negative_balance":true}
balance: -200.0
debit 1 on negative: {"external_id":"deb-2","status":"error","error":"insufficient_balance","balance":-200.0}
reversal -250 (200 left): {"external_id":"rev-2","status":"error","error":"exceeds_original","remaining":200.0}
reversal -200: {"external_id":"rev-3","status":"success","transaction_id":4,"user_id":1,"balance":-400.0,"negative_balance":true}
negative accrual without original: {"external_id":"rev-4","status":"success","transaction_id":5,"user_id":1,"balance":-400.5,"negative_balance":true}
reversal of a debit: {"external_id":"rev-5","status":"error","error":"original_type_mismatch"}
reversal of a reversal: {"external_id":"rev-6","status":"error","error":"original_type_mismatch"}
reversal of another user: {"external_id":"rev-7","status":"error","error":"original_user_mismatch"}
reversal of unknown: {"external_id":"rev-8","status":"error","error":"original_not_found"}
positive accrual naming an original: {"external_id":"rev-9","status":"error","error":"validation_failed","field":"original_external_id","message":"is only allowed on a negative accrual (a reversal) or a release"}
negative debit: {"external_id":"rev-10","status":"error","error":"validation_failed","field":"amount","message":"must be positive for debit"}
balance 1: -400.5
rev-4: ["accrual",-0.5,-0.5,null]
rev-3: ["accrual",-200.0,-200.0,"acc"]
rev-1: ["accrual",-300.0,-300.0,"acc"]
deb: ["debit",400.0,-400.0,null]
acc: ["accrual",500.0,500.0,null]
verify: {"ok":true,"accounts":2,"entries":6,"problems":[]}