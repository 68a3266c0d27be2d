--TEST--
apply: resends are duplicates with the same transaction_id; other values are external_id_conflict
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
$l->linkPhone(1, '+7 900 123-45-67');
$l->linkPhone(2, '+7 900 765-43-21');

$acc = ['external_id' => 'A-1', 'type' => 'accrual', 'amount' => 150.5, 'user_phone' => '+7 (900) 123-45-67',
        'description' => 'Store 1', 'created_at' => '2026-11-27T10:15:00'];
show('first', $l->apply($acc));
// Same payload again: duplicate, same transaction_id, no second entry.
show('resend', $l->apply($acc));
// Same values written differently (string amount, other phone form) are the same transaction.
show('resend, other forms', $l->apply(['amount' => '150.50', 'user_phone' => '89001234567'] + $acc));
// Fields that are not part of the identity do not make a conflict.
show('resend, other description', $l->apply(['description' => 'Store 1, retry'] + $acc));
show('balance', $l->balance(1)['balance']);
show('entries', $l->verify()['entries']);

// Different values under the same external_id: a conflict naming the fields.
show('other amount', $l->apply(['amount' => 200] + $acc));
show('other type', $l->apply(['type' => 'debit'] + $acc));
show('other phone', $l->apply(['user_phone' => '89007654321'] + $acc));
show('other type and amount', $l->apply(['type' => 'debit', 'amount' => 1] + $acc));
$byId = $acc; unset($byId['user_phone']);
show('same user by id', $l->apply(['user_id' => 1] + $byId));
show('other user by id', $l->apply(['user_id' => 2] + $byId));
show('balance after conflicts', $l->balance(1)['balance']);
show('entries after conflicts', $l->verify()['entries']);

// Debit resend and release resend.
$deb = ['external_id' => 'D-1', 'type' => 'debit', 'amount' => 50, 'user_id' => 1];
show('debit', $l->apply($deb));
show('debit resend', $l->apply($deb));
$rel = ['external_id' => 'R-1', 'type' => 'release', 'amount' => 20, 'user_id' => 1, 'original_external_id' => 'D-1'];
show('release', $l->apply($rel));
show('release resend', $l->apply($rel));
show('release resend, other original', $l->apply(['original_external_id' => 'A-1'] + $rel));
// A resend stays a duplicate even when it could no longer be applied.
show('spend the rest', $l->apply(['external_id' => 'D-2', 'type' => 'debit', 'amount' => 120.5, 'user_id' => 1]));
show('debit resend on empty balance', $l->apply($deb));
// ... or when the phone has changed hands since.
$l->replaceUserPhones(1, []);
$l->linkPhone(2, '89001234567', true);
show('accrual resend after the phone moved', $l->apply($acc));
show('balance at the end', $l->balance(1)['balance']);
show('balance of 2', $l->balance(2)['balance']);
show('history ids', array_column($l->history(1)['items'], 'external_id'));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
first: {"external_id":"A-1","status":"success","transaction_id":1,"user_id":1,"balance":150.5,"negative_balance":false}
resend: {"external_id":"A-1","status":"duplicate","transaction_id":1,"user_id":1}
resend, other forms: {"external_id":"A-1","status":"duplicate","transaction_id":1,"user_id":1}
resend, other description: {"external_id":"A-1","status":"duplicate","transaction_id":1,"user_id":1}
balance: 150.5
entries: 1
other amount: {"external_id":"A-1","status":"error","error":"external_id_conflict","fields":["amount"]}
other type: {"external_id":"A-1","status":"error","error":"external_id_conflict","fields":["type"]}
other phone: {"external_id":"A-1","status":"error","error":"external_id_conflict","fields":["user_phone"]}
other type and amount: {"external_id":"A-1","status":"error","error":"external_id_conflict","fields":["type","amount"]}
same user by id: {"external_id":"A-1","status":"duplicate","transaction_id":1,"user_id":1}
other user by id: {"external_id":"A-1","status":"error","error":"external_id_conflict","fields":["user_id"]}
balance after conflicts: 150.5
entries after conflicts: 1
debit: {"external_id":"D-1","status":"success","transaction_id":2,"user_id":1,"balance":100.5,"negative_balance":false}
debit resend: {"external_id":"D-1","status":"duplicate","transaction_id":2,"user_id":1}
release: {"external_id":"R-1","status":"success","transaction_id":3,"user_id":1,"balance":120.5,"negative_balance":false}
release resend: {"external_id":"R-1","status":"duplicate","transaction_id":3,"user_id":1}
release resend, other original: {"external_id":"R-1","status":"error","error":"external_id_conflict","fields":["original_external_id"]}
spend the rest: {"external_id":"D-2","status":"success","transaction_id":4,"user_id":1,"balance":0.0,"negative_balance":false}
debit resend on empty balance: {"external_id":"D-1","status":"duplicate","transaction_id":2,"user_id":1}
accrual resend after the phone moved: {"external_id":"A-1","status":"duplicate","transaction_id":1,"user_id":1}
balance at the end: 0.0
balance of 2: 0.0
history ids: ["D-2","R-1","D-1","A-1"]