--TEST--
conflict: 500 spent online, then an offline debit of 300 is insufficient_balance
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

// The brief's conflict: the customer has 500, spends all 500 online,
// then the store register (offline meanwhile) tries to spend 300.
$l = new CashbackLedger($db);
$l->linkPhone(42, '+7 (900) 123-45-67', true);

show('accrual 500', $l->apply(['external_id' => 'Accrual_0001', 'type' => 'accrual', 'amount' => 500,
    'user_phone' => '+7 (900) 123-45-67', 'created_at' => '2026-11-27T10:15:00']));
show('online debit 500', $l->apply(['external_id' => 'Web_Order_77', 'type' => 'debit', 'amount' => 500,
    'user_id' => 42, 'source' => 'web', 'description' => 'Order 77', 'created_at' => '2026-11-27T12:00:00']));
show('offline register debit 300', $l->apply(['external_id' => 'Debit_0002_Store1', 'type' => 'debit', 'amount' => 300,
    'user_phone' => '89001234567', 'store_id' => 'store-1', 'created_at' => '2026-11-27T11:30:00']));

$b = $l->balanceByPhone('8 900 123 45 67');
show('balance', [$b['user_id'], $b['phone'], $b['balance']]);
$h = $l->history(42);
show('history size', count($h['items']));
foreach ($h['items'] as $e) {
    show($e['external_id'], [$e['type'], $e['amount'], $e['effect'], $e['source'], $e['created_at']]);
}
show('next_cursor', $h['next_cursor']);
// Resending the refused debit is refused again, not a duplicate: nothing was recorded.
show('resend of the refused debit', $l->apply(['external_id' => 'Debit_0002_Store1', 'type' => 'debit', 'amount' => 300,
    'user_phone' => '89001234567', 'store_id' => 'store-1', 'created_at' => '2026-11-27T11:30:00']));
show('verify ok', $l->verify()['ok']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
accrual 500: {"external_id":"Accrual_0001","status":"success","transaction_id":1,"user_id":42,"balance":500.0,"negative_balance":false}
online debit 500: {"external_id":"Web_Order_77","status":"success","transaction_id":2,"user_id":42,"balance":0.0,"negative_balance":false}
offline register debit 300: {"external_id":"Debit_0002_Store1","status":"error","error":"insufficient_balance","balance":0.0}
balance: [42,"79001234567",0.0]
history size: 2
Web_Order_77: ["debit",500.0,-500.0,"web","2026-11-27T12:00:00+03:00"]
Accrual_0001: ["accrual",500.0,500.0,"1c_retail","2026-11-27T10:15:00+03:00"]
next_cursor: null
resend of the refused debit: {"external_id":"Debit_0002_Store1","status":"error","error":"insufficient_balance","balance":0.0}
verify ok: true