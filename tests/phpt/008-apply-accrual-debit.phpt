--TEST--
apply: accrual and debit by phone and by user id; amounts as floats
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
$l->linkPhone(7, '+7 (900) 123-45-67', true);

// The brief's accrual: by phone, float amount, Moscow time.
$r = $l->apply([
    'type' => 'accrual', 'amount' => 150.00, 'external_id' => 'Accrual_0001_20261127',
    'user_phone' => '+7 (900) 123-45-67', 'description' => 'Store 1, register 2', 'created_at' => '2026-11-27T10:15:00',
    'store_id' => 'store-1',
]);
var_dump($r);
// Amounts as decimal strings and ints; by user_id (int or digit string).
show('accrual "1100.50" by id', $l->apply(['external_id' => 'acc-2', 'type' => 'accrual', 'amount' => '1100.50', 'user_id' => 7]));
show('accrual 0.01 by "7"', $l->apply(['external_id' => 'acc-3', 'type' => 'accrual', 'amount' => 0.01, 'user_id' => '7']));
show('debit 250', $l->apply(['external_id' => 'deb-1', 'type' => 'debit', 'amount' => 250, 'user_phone' => '89001234567', 'source' => 'web']));
show('debit everything left', $l->apply(['external_id' => 'deb-2', 'type' => 'debit', 'amount' => '1000.51', 'user_id' => 7]));
$b = $l->balance(7);
show('balance', [$b['user_id'], $b['balance']]);
var_dump(preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/', $b['updated_at']));
show('debit 0.01 more', $l->apply(['external_id' => 'deb-3', 'type' => 'debit', 'amount' => '0.01', 'user_id' => 7]));

// Each entry in history, newest first, with amount and signed effect as floats.
foreach ($l->history(7)['items'] as $e) {
    show($e['external_id'], [$e['transaction_id'], $e['type'], $e['amount'], $e['effect'], $e['source'], $e['store_id'], $e['description'], $e['original_external_id']]);
}
show('first created_at', $l->history(7)['items'][4]['created_at']);
show('verify', $l->verify());
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
array(6) {
  ["external_id"]=>
  string(21) "Accrual_0001_20261127"
  ["status"]=>
  string(7) "success"
  ["transaction_id"]=>
  int(1)
  ["user_id"]=>
  int(7)
  ["balance"]=>
  float(150)
  ["negative_balance"]=>
  bool(false)
}
accrual "1100.50" by id: {"external_id":"acc-2","status":"success","transaction_id":2,"user_id":7,"balance":1250.5,"negative_balance":false}
accrual 0.01 by "7": {"external_id":"acc-3","status":"success","transaction_id":3,"user_id":7,"balance":1250.51,"negative_balance":false}
debit 250: {"external_id":"deb-1","status":"success","transaction_id":4,"user_id":7,"balance":1000.51,"negative_balance":false}
debit everything left: {"external_id":"deb-2","status":"success","transaction_id":5,"user_id":7,"balance":0.0,"negative_balance":false}
balance: [7,0.0]
int(1)
debit 0.01 more: {"external_id":"deb-3","status":"error","error":"insufficient_balance","balance":0.0}
deb-2: [5,"debit",1000.51,-1000.51,"1c_retail",null,"",null]
deb-1: [4,"debit",250.0,-250.0,"web",null,"",null]
acc-3: [3,"accrual",0.01,0.01,"1c_retail",null,"",null]
acc-2: [2,"accrual",1100.5,1100.5,"1c_retail",null,"",null]
Accrual_0001_20261127: [1,"accrual",150.0,150.0,"1c_retail","store-1","Store 1, register 2",null]
first created_at: "2026-11-27T10:15:00+03:00"
verify: {"ok":true,"accounts":1,"entries":5,"problems":[]}