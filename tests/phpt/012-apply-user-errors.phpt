--TEST--
apply: invalid_phone, user_not_found, phone_ambiguous, insufficient_balance
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
$l->linkPhone(1, '+7 900 111-11-11');
$l->linkPhone(2, '+7 900 222-22-22');
$l->linkPhone(3, '+7 900 222-22-22');

$acc = fn(string $id, array $user, $amount = 100) => $l->apply(['external_id' => $id, 'type' => 'accrual', 'amount' => $amount] + $user);
show('invalid_phone (12 digits)', $acc('p1', ['user_phone' => '8 900 111-11-111']));
show('10 digits starting with 8 is a valid national number', $acc('p1b', ['user_phone' => '812 111-11-11']));
show('invalid_phone (letters)', $acc('p2', ['user_phone' => 'phone']));
show('invalid_phone (number form)', $acc('p3', ['user_phone' => 12345]));
show('user_phone as number', $acc('p4', ['user_phone' => 89001111111]));
show('user_not_found', $acc('p5', ['user_phone' => '+7 900 999-99-99']));
show('phone_ambiguous', $acc('p6', ['user_phone' => '89002222222']));
show('user_phone as array', $acc('p7', ['user_phone' => ['89001111111']]));

// An unknown user_id is simply a new account (Bitrix ids need no phone).
show('accrual to new user 99', $acc('u99', ['user_id' => 99], '12.34'));

// insufficient_balance reports the balance at that moment.
$debit = fn(string $id, array $user, $amount) => $l->apply(['external_id' => $id, 'type' => 'debit', 'amount' => $amount] + $user);
show('debit 100.01 of 100', $debit('d1', ['user_phone' => '89001111111'], '100.01'));
show('debit 12.35 of 12.34', $debit('d2', ['user_id' => 99], 12.35));
show('debit from user without account', $debit('d3', ['user_id' => 500], 1));
show('debit exactly 100', $debit('d4', ['user_phone' => '89001111111'], 100));
show('debit again', $debit('d5', ['user_phone' => '89001111111'], '0.01'));
show('balance 1', $l->balance(1)['balance']);
show('balance 500 (no account)', $l->balance(500));
show('entries', $l->verify()['entries']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
invalid_phone (12 digits): {"external_id":"p1","status":"error","error":"invalid_phone"}
10 digits starting with 8 is a valid national number: {"external_id":"p1b","status":"error","error":"user_not_found"}
invalid_phone (letters): {"external_id":"p2","status":"error","error":"invalid_phone"}
invalid_phone (number form): {"external_id":"p3","status":"error","error":"invalid_phone"}
user_phone as number: {"external_id":"p4","status":"success","transaction_id":1,"user_id":1,"balance":100.0,"negative_balance":false}
user_not_found: {"external_id":"p5","status":"error","error":"user_not_found"}
phone_ambiguous: {"external_id":"p6","status":"error","error":"phone_ambiguous"}
user_phone as array: {"external_id":"p7","status":"error","error":"validation_failed","field":"user_phone","message":"must be a string"}
accrual to new user 99: {"external_id":"u99","status":"success","transaction_id":2,"user_id":99,"balance":12.34,"negative_balance":false}
debit 100.01 of 100: {"external_id":"d1","status":"error","error":"insufficient_balance","balance":100.0}
debit 12.35 of 12.34: {"external_id":"d2","status":"error","error":"insufficient_balance","balance":12.34}
debit from user without account: {"external_id":"d3","status":"error","error":"insufficient_balance","balance":0.0}
debit exactly 100: {"external_id":"d4","status":"success","transaction_id":3,"user_id":1,"balance":0.0,"negative_balance":false}
debit again: {"external_id":"d5","status":"error","error":"insufficient_balance","balance":0.0}
balance 1: 0.0
balance 500 (no account): {"user_id":500,"balance":0.0,"updated_at":null}
entries: 3