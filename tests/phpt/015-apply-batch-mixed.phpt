--TEST--
applyBatch: mixed outcomes in request order; later items see earlier ones
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
$l->apply(['external_id' => 'old-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1]);

$results = $l->applyBatch([
    // 0: debit of 50 with only 10: refused, the accrual comes later
    ['external_id' => 'b-0', 'type' => 'debit', 'amount' => 50, 'user_phone' => '89001111111'],
    // 1: accrual of 100
    ['external_id' => 'b-1', 'type' => 'accrual', 'amount' => 100, 'user_phone' => '89001111111'],
    // 2: the same item again inside the batch: duplicate of item 1
    ['external_id' => 'b-1', 'type' => 'accrual', 'amount' => 100, 'user_phone' => '89001111111'],
    // 3: validation error
    ['external_id' => 'b-3', 'type' => 'accrual', 'amount' => '1.234', 'user_id' => 1],
    // 4: debit of 50 now sees the accrual of item 1
    ['external_id' => 'b-4', 'type' => 'debit', 'amount' => 50, 'user_id' => 1],
    // 5: debit of 61 with 60 left
    ['external_id' => 'b-5', 'type' => 'debit', 'amount' => 61, 'user_id' => 1],
    // 6: resend of an entry accepted before the batch
    ['external_id' => 'old-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1],
    // 7: conflicting resend of item 1
    ['external_id' => 'b-1', 'type' => 'accrual', 'amount' => 99, 'user_phone' => '89001111111'],
    // 8: release of item 4, in the same batch
    ['external_id' => 'b-8', 'type' => 'release', 'amount' => 20, 'user_id' => 1, 'original_external_id' => 'b-4'],
    // 9: unknown phone
    ['external_id' => 'b-9', 'type' => 'accrual', 'amount' => 1, 'user_phone' => '89009999999'],
    // 10: another user
    ['external_id' => 'b-10', 'type' => 'accrual', 'amount' => '0.5', 'user_id' => 2],
    // 11: not an object
    'garbage',
]);
foreach ($results as $i => $r) {
    show((string) $i, $r);
}
show('count', count($results));
show('balance 1', $l->balance(1)['balance']);
show('balance 2', $l->balance(2)['balance']);
show('history 1', array_column($l->history(1)['items'], 'effect', 'external_id'));
show('verify ok', $l->verify()['ok']);

// The whole batch again: everything accepted is a duplicate, nothing changes.
show('statuses of a resent batch', array_column($l->applyBatch([
    ['external_id' => 'b-1', 'type' => 'accrual', 'amount' => 100, 'user_phone' => '89001111111'],
    ['external_id' => 'b-4', 'type' => 'debit', 'amount' => 50, 'user_id' => 1],
    ['external_id' => 'b-8', 'type' => 'release', 'amount' => 20, 'user_id' => 1, 'original_external_id' => 'b-4'],
]), 'status'));
show('balance 1 unchanged', $l->balance(1)['balance']);
show('empty batch', $l->applyBatch([]));
fails('batch that is not a list', fn() => $l->applyBatch(['a' => ['external_id' => 'x']]));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
0: {"external_id":"b-0","status":"error","error":"insufficient_balance","balance":10.0}
1: {"external_id":"b-1","status":"success","transaction_id":2,"user_id":1,"balance":110.0,"negative_balance":false}
2: {"external_id":"b-1","status":"duplicate","transaction_id":2,"user_id":1}
3: {"external_id":"b-3","status":"error","error":"validation_failed","field":"amount","message":"amount \"1.234\" has more than 2 fraction digits"}
4: {"external_id":"b-4","status":"success","transaction_id":3,"user_id":1,"balance":60.0,"negative_balance":false}
5: {"external_id":"b-5","status":"error","error":"insufficient_balance","balance":60.0}
6: {"external_id":"old-1","status":"duplicate","transaction_id":1,"user_id":1}
7: {"external_id":"b-1","status":"error","error":"external_id_conflict","fields":["amount"]}
8: {"external_id":"b-8","status":"success","transaction_id":4,"user_id":1,"balance":80.0,"negative_balance":false}
9: {"external_id":"b-9","status":"error","error":"user_not_found"}
10: {"external_id":"b-10","status":"success","transaction_id":5,"user_id":2,"balance":0.5,"negative_balance":false}
11: {"external_id":null,"status":"error","error":"validation_failed","field":"transaction","message":"must be a JSON object"}
count: 12
balance 1: 80.0
balance 2: 0.5
history 1: {"b-8":20.0,"b-4":-50.0,"b-1":100.0,"old-1":10.0}
verify ok: true
statuses of a resent batch: ["duplicate","duplicate","duplicate"]
balance 1 unchanged: 80.0
empty batch: []
batch that is not a list: invalid_argument | transactions must be a list of transactions, not one transaction