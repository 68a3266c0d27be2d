--TEST--
linkPhone, findUserByPhone, userPhones; the verified owner wins; phone_ambiguous and user_not_found
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

// linkPhone returns the normalized phone.
show('link 1', $l->linkPhone(1, '+7 (900) 123-45-67'));
show('link 1 again, other form', $l->linkPhone(1, '8 900 123 45 67'));
show('link 1 second phone, verified', $l->linkPhone(1, '+375 29 123-45-67', true));
show('user 1 phones', $l->userPhones(1));
show('user 2 phones (none)', $l->userPhones(2));

// findUserByPhone accepts any form.
show('find 89001234567', $l->findUserByPhone('89001234567'));
show('find 9001234567', $l->findUserByPhone('9001234567'));
show('find +375', $l->findUserByPhone('00375291234567'));

// Unknown phone, bad phone.
fails('find unknown', fn() => $l->findUserByPhone('+7 900 000-00-00'));
fails('find letters', fn() => $l->findUserByPhone('abc'));
fails('link letters', fn() => $l->linkPhone(1, 'abc'));
fails('link user 0', fn() => $l->linkPhone(0, '89001234567'));
fails('link user -5', fn() => $l->linkPhone(-5, '89001234567'));
fails('userPhones 0', fn() => $l->userPhones(0));

// Two unverified owners: ambiguous.
$l->linkPhone(2, '8 911 000-00-01');
$l->linkPhone(3, '+7 911 000 00 01');
fails('find shared, none verified', fn() => $l->findUserByPhone('89110000001'));
// One of them verifies it: the verified owner wins.
show('user 3 verifies', $l->linkPhone(3, '89110000001', true));
show('find shared, 3 verified', $l->findUserByPhone('89110000001'));
show('user 3 phones', $l->userPhones(3));
// Re-linking without the flag does not un-verify.
$l->linkPhone(3, '89110000001', false);
show('user 3 phones after unverified relink', $l->userPhones(3));
show('find still 3', $l->findUserByPhone('89110000001'));
// Both verified: ambiguous again.
$l->linkPhone(2, '89110000001', true);
fails('find shared, both verified', fn() => $l->findUserByPhone('89110000001'));

// The same rule applies to transactions by phone.
$r = $l->apply(['external_id' => 'amb-1', 'type' => 'accrual', 'amount' => 10, 'user_phone' => '89110000001']);
show('apply to ambiguous phone', $r);
$r = $l->apply(['external_id' => 'own-1', 'type' => 'accrual', 'amount' => 10, 'user_phone' => '+7 900 123 45 67']);
show('apply to owned phone', $r);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
link 1: "79001234567"
link 1 again, other form: "79001234567"
link 1 second phone, verified: "375291234567"
user 1 phones: [{"phone":"375291234567","verified":true},{"phone":"79001234567","verified":false}]
user 2 phones (none): []
find 89001234567: 1
find 9001234567: 1
find +375: 1
find unknown: user_not_found | no user has phone 79000000000
find letters: invalid_phone | phone contains 'a'; only digits, spaces, + ( ) - . are allowed
link letters: invalid_phone | phone contains 'a'; only digits, spaces, + ( ) - . are allowed
link user 0: invalid_user_id | user id must be positive
link user -5: invalid_user_id | user id must be positive
userPhones 0: invalid_user_id | user id must be positive
find shared, none verified: phone_ambiguous | 2 users share phone 79110000001; none is its single verified owner
user 3 verifies: "79110000001"
find shared, 3 verified: 3
user 3 phones: [{"phone":"79110000001","verified":true}]
user 3 phones after unverified relink: [{"phone":"79110000001","verified":true}]
find still 3: 3
find shared, both verified: phone_ambiguous | 2 users share phone 79110000001; none is its single verified owner
apply to ambiguous phone: {"external_id":"amb-1","status":"error","error":"phone_ambiguous"}
apply to owned phone: {"external_id":"own-1","status":"success","transaction_id":1,"user_id":1,"balance":10.0,"negative_balance":false}