--TEST--
replaceUserPhones, unlinkUser, importPhones with rejected rows
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

// replaceUserPhones: strings and ['phone', 'verified'] items; returns normalized phones.
$l->linkPhone(1, '89001111111');
show('replace', $l->replaceUserPhones(1, ['+7 900 222-22-22', ['phone' => '8 (900) 333-33-33', 'verified' => true]]));
show('user 1 phones', $l->userPhones(1));
fails('old phone gone', fn() => $l->findUserByPhone('89001111111'));
show('new phone found', $l->findUserByPhone('9003333333'));

// A bad phone anywhere: nothing changes.
fails('replace with a bad phone', fn() => $l->replaceUserPhones(1, ['89004444444', 'not a phone']));
show('user 1 phones unchanged', $l->userPhones(1));
fails('replace item without phone', fn() => $l->replaceUserPhones(1, [['verified' => true]]));
fails('replace user 0', fn() => $l->replaceUserPhones(0, ['89004444444']));

// An empty list removes every phone.
show('replace with none', $l->replaceUserPhones(1, []));
show('user 1 phones after empty replace', $l->userPhones(1));

// unlinkUser: returns the number of links removed.
$l->linkPhone(2, '89005555555');
$l->linkPhone(2, '89006666666', true);
show('unlink 2', $l->unlinkUser(2));
show('unlink 2 again', $l->unlinkUser(2));
show('user 2 phones', $l->userPhones(2));
fails('find unlinked', fn() => $l->findUserByPhone('89005555555'));
fails('unlink user 0', fn() => $l->unlinkUser(0));

// importPhones: good rows imported, bad rows reported by index and skipped.
$report = $l->importPhones([
    ['user_id' => 10, 'phone' => '+7 (901) 000-00-10', 'verified' => true],
    ['user_id' => 11, 'phone' => 'call me'],
    ['user_id' => '12', 'phone' => '8 901 000 00 12'],
    ['user_id' => 0, 'phone' => '89010000013'],
    ['user_id' => 14, 'phone' => '89010000010'],
]);
show('import', $report);
show('user 10', $l->userPhones(10));
show('user 12', $l->userPhones(12));
show('user 14', $l->userPhones(14));
show('11 has nothing', $l->userPhones(11));
// 10 verified, 14 not: the verified owner wins.
show('owner of 89010000010', $l->findUserByPhone('89010000010'));
show('import nothing', $l->importPhones([]));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
replace: ["79002222222","79003333333"]
user 1 phones: [{"phone":"79002222222","verified":false},{"phone":"79003333333","verified":true}]
old phone gone: user_not_found | no user has phone 79001111111
new phone found: 1
replace with a bad phone: invalid_phone | phone contains 'n'; only digits, spaces, + ( ) - . are allowed
user 1 phones unchanged: [{"phone":"79002222222","verified":false},{"phone":"79003333333","verified":true}]
replace item without phone: invalid_argument | each phone item needs a 'phone' string
replace user 0: invalid_user_id | user id must be positive
replace with none: []
user 1 phones after empty replace: []
unlink 2: 2
unlink 2 again: 0
user 2 phones: []
find unlinked: user_not_found | no user has phone 79005555555
unlink user 0: invalid_user_id | user id must be positive
import: {"imported":3,"rejected":[{"row":1,"error":"phone contains 'c'; only digits, spaces, + ( ) - . are allowed"},{"row":3,"error":"user_id must be a positive integer"}]}
user 10: [{"phone":"79010000010","verified":true}]
user 12: [{"phone":"79010000012","verified":false}]
user 14: [{"phone":"79010000010","verified":false}]
11 has nothing: []
owner of 89010000010: 10
import nothing: {"imported":0,"rejected":[]}