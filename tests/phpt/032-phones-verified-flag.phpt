--TEST--
importPhones/replaceUserPhones: verified 1 or "1" is read as true or refused, not silently false
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

// 'verified' as it comes out of a database row (1 or "1") must not silently become false:
// it is either read as true or the row/item is refused.
$l = new CashbackLedger($db);

$report = $l->importPhones([
    ['user_id' => 1, 'phone' => '89001111111', 'verified' => true],
    ['user_id' => 2, 'phone' => '89002222222', 'verified' => 1],
    ['user_id' => 3, 'phone' => '89003333333', 'verified' => '1'],
    ['user_id' => 4, 'phone' => '89004444444', 'verified' => false],
    ['user_id' => 5, 'phone' => '89005555555'],
]);
$rejected = array_column($report['rejected'], 'row');
foreach ([1, 2, 3] as $user) {
    $phones = $l->userPhones($user);
    $row = $user - 1;
    if (in_array($row, $rejected, true)) { echo "import user $user: ok (refused)\n"; continue; }
    echo "import user $user: ", $phones[0]['verified'] === true ? 'ok (verified)' : 'SILENTLY UNVERIFIED', "\n";
}
show('import user 4', $l->userPhones(4)[0]['verified']);
show('import user 5', $l->userPhones(5)[0]['verified']);

foreach (['true' => true, 'int 1' => 1, 'string "1"' => '1'] as $label => $flag) {
    try {
        $l->replaceUserPhones(10, [['phone' => '89010000010', 'verified' => $flag]]);
        echo "replace, verified $label: ", $l->userPhones(10)[0]['verified'] === true ? 'ok (verified)' : 'SILENTLY UNVERIFIED', "\n";
    } catch (CashbackException $e) {
        echo "replace, verified $label: ", $e->getErrorCode() === 'invalid_argument' ? 'ok (refused)' : $e->getErrorCode(), "\n";
    }
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECTF--
import user 1: ok (verified)
import user 2: ok (%s)
import user 3: ok (%s)
import user 4: false
import user 5: false
replace, verified true: ok (verified)
replace, verified int 1: ok (%s)
replace, verified string "1": ok (%s)
