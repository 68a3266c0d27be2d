--TEST--
apply: validation_failed names the field and explains
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
$l->linkPhone(5, '89001234567');
$base = ['external_id' => 'v1', 'type' => 'debit', 'amount' => '10', 'user_id' => 5];
$with = function (array $changes) use ($base) {
    $t = $base;
    foreach ($changes as $k => $v) {
        if ($v === '__unset__') { unset($t[$k]); } else { $t[$k] = $v; }
    }
    return $t;
};
$cases = [
    'amount "1.234"'           => ['amount' => '1.234'],
    'amount 1.234 (float)'     => ['amount' => 1.234],
    'amount 0'                 => ['amount' => 0],
    'amount "0.00"'            => ['amount' => '0.00'],
    'amount "1,5"'             => ['amount' => '1,5'],
    'amount "1e3"'             => ['amount' => '1e3'],
    'amount true'              => ['amount' => true],
    'amount null'              => ['amount' => null],
    'amount missing'           => ['amount' => '__unset__'],
    'amount too large'         => ['amount' => '1000000000.01'],
    'amount 0.1+0.2 (float)'   => ['amount' => 0.1 + 0.2],
    'missing external_id'      => ['external_id' => '__unset__'],
    'empty external_id'        => ['external_id' => ''],
    'external_id 129 chars'    => ['external_id' => str_repeat('x', 129)],
    'external_id with space'   => ['external_id' => ' v1'],
    'external_id not a string' => ['external_id' => 42],
    'unknown type'             => ['type' => 'refund'],
    'type missing'             => ['type' => '__unset__'],
    'unknown field'            => ['comment' => 'hi'],
    'user_id and user_phone'   => ['user_phone' => '89001234567'],
    'no user'                  => ['user_id' => '__unset__'],
    'user_id 0'                => ['user_id' => 0],
    'user_id "5a"'             => ['user_id' => '5a'],
    'bad created_at'           => ['created_at' => 'yesterday'],
    'created_at 31 Nov'        => ['created_at' => '2026-11-31T10:00:00'],
    'created_at as int'        => ['created_at' => 1764227700],
    'bad source'               => ['source' => 'Web Shop'],
    'empty store_id'           => ['store_id' => ''],
    'debit naming an original' => ['original_external_id' => 'a1'],
];
foreach ($cases as $label => $changes) {
    show($label, $l->apply($with($changes)));
}
// A transaction must be an array keyed by field name.
show('list instead of object', $l->apply([1, 2, 3]));
// Nothing was written.
show('entries', $l->verify()['entries']);
show('sanity: the base item is valid but the balance is 0', $l->apply($base));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
amount "1.234": {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount \"1.234\" has more than 2 fraction digits"}
amount 1.234 (float): {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount \"1.234\" has more than 2 fraction digits"}
amount 0: {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"must not be zero"}
amount "0.00": {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"must not be zero"}
amount "1,5": {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount \"1,5\" is not a decimal number like 150 or 150.50"}
amount "1e3": {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount \"1e3\" is not a decimal number like 150 or 150.50"}
amount true: {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount must be a number or a decimal string, not a boolean"}
amount null: {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"is required"}
amount missing: {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"is required"}
amount too large: {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount exceeds 1000000000.00 in magnitude"}
amount 0.1+0.2 (float): {"external_id":"v1","status":"error","error":"validation_failed","field":"amount","message":"amount \"0.30000000000000004\" has more than 2 fraction digits"}
missing external_id: {"external_id":null,"status":"error","error":"validation_failed","field":"external_id","message":"is required"}
empty external_id: {"external_id":"","status":"error","error":"validation_failed","field":"external_id","message":"must not be empty"}
external_id 129 chars: {"external_id":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…","status":"error","error":"validation_failed","field":"external_id","message":"is 129 characters long; at most 128 are allowed"}
external_id with space: {"external_id":" v1","status":"error","error":"validation_failed","field":"external_id","message":"must not start or end with whitespace"}
external_id not a string: {"external_id":null,"status":"error","error":"validation_failed","field":"external_id","message":"must be a string"}
unknown type: {"external_id":"v1","status":"error","error":"validation_failed","field":"type","message":"\"refund\" is not accrual, debit or release"}
type missing: {"external_id":"v1","status":"error","error":"validation_failed","field":"type","message":"is required: accrual, debit or release"}
unknown field: {"external_id":"v1","status":"error","error":"validation_failed","field":"transaction","message":"unknown field \"comment\""}
user_id and user_phone: {"external_id":"v1","status":"error","error":"validation_failed","field":"user_id","message":"give user_id or user_phone, not both"}
no user: {"external_id":"v1","status":"error","error":"validation_failed","field":"user_phone","message":"is required (or user_id)"}
user_id 0: {"external_id":"v1","status":"error","error":"validation_failed","field":"user_id","message":"must be a positive integer"}
user_id "5a": {"external_id":"v1","status":"error","error":"validation_failed","field":"user_id","message":"must be a positive integer"}
bad created_at: {"external_id":"v1","status":"error","error":"validation_failed","field":"created_at","message":"expected YYYY-MM-DDTHH:MM:SS, got \"yesterday\""}
created_at 31 Nov: {"external_id":"v1","status":"error","error":"validation_failed","field":"created_at","message":"day 31 does not exist in 2026-11"}
created_at as int: {"external_id":"v1","status":"error","error":"validation_failed","field":"created_at","message":"must be an ISO 8601 string like 2026-11-27T10:15:00"}
bad source: {"external_id":"v1","status":"error","error":"validation_failed","field":"source","message":"must be 1 to 32 characters of a-z, 0-9 and _ (like 1c_retail or web)"}
empty store_id: {"external_id":"v1","status":"error","error":"validation_failed","field":"store_id","message":"must not be empty"}
debit naming an original: {"external_id":"v1","status":"error","error":"validation_failed","field":"original_external_id","message":"is not allowed for a debit"}
list instead of object: {"external_id":null,"status":"error","error":"validation_failed","field":"transaction","message":"must be a JSON object"}
entries: 0
sanity: the base item is valid but the balance is 0: {"external_id":"v1","status":"error","error":"insufficient_balance","balance":0.0}