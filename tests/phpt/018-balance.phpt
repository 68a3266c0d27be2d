--TEST--
balance and balanceByPhone: floats, updated_at null or ISO 8601 with +03:00
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
$iso = '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/';

// Unknown user: zero balance, updated_at null.
var_dump($l->balance(77));
fails('balance(0)', fn() => $l->balance(0));
fails('balance(-1)', fn() => $l->balance(-1));

$l->linkPhone(77, '+7 (900) 123-45-67');
$before = time();
$l->apply(['external_id' => 'a', 'type' => 'accrual', 'amount' => 1250.5, 'user_id' => 77]);
$after = time();
$b = $l->balance(77);
show('keys', array_keys($b));
var_dump($b['user_id'], $b['balance']);
var_dump(preg_match($iso, $b['updated_at']));
// updated_at is the time of the last entry, in Moscow time.
$at = (new DateTimeImmutable($b['updated_at']))->getTimestamp();
var_dump($at >= $before && $at <= $after);

// balanceByPhone: any phone form; adds the normalized phone.
$p = $l->balanceByPhone('8 (900) 123-45-67');
show('by phone keys', array_keys($p));
var_dump($p['user_id'], $p['phone'], $p['balance'], $p['updated_at'] === $b['updated_at']);
fails('unknown phone', fn() => $l->balanceByPhone('+7 900 000-00-00'));
fails('bad phone', fn() => $l->balanceByPhone('12'));
$l->linkPhone(78, '89001234567');
fails('shared phone', fn() => $l->balanceByPhone('89001234567'));

// A linked user without entries: balance 0, updated_at null.
$l->linkPhone(79, '+7 900 555-55-55');
show('linked user without entries', $l->balanceByPhone('9005555555'));

// Balances are floats with at most two decimals, exactly.
$l->apply(['external_id' => 'b', 'type' => 'debit', 'amount' => '0.1', 'user_id' => 77]);
$l->apply(['external_id' => 'c', 'type' => 'debit', 'amount' => '0.2', 'user_id' => 77]);
var_dump($l->balance(77)['balance']);
var_dump($l->balance(77)['balance'] === 1250.2);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
array(3) {
  ["user_id"]=>
  int(77)
  ["balance"]=>
  float(0)
  ["updated_at"]=>
  NULL
}
balance(0): invalid_user_id | user id must be positive
balance(-1): invalid_user_id | user id must be positive
keys: ["user_id","balance","updated_at"]
int(77)
float(1250.5)
int(1)
bool(true)
by phone keys: ["user_id","balance","updated_at","phone"]
int(77)
string(11) "79001234567"
float(1250.5)
bool(true)
unknown phone: user_not_found | no user has phone 79000000000
bad phone: invalid_phone | expected a Russian number of 10 or 11 digits (or + and a country code), got 2 digits
shared phone: phone_ambiguous | 2 users share phone 79001234567; none is its single verified owner
linked user without entries: {"user_id":79,"balance":0.0,"updated_at":null,"phone":"79005555555"}
float(1250.2)
bool(true)