--TEST--
verify(): ok on consistent data; reports balance_mismatch, overdraft, bad_original, exceeds_original after tampering
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if ($missing = cashback_test_tamper_missing()) echo "skip $missing"; ?>
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

function problems(CashbackLedger $l): void {
    $v = $l->verify();
    show('verify', [$v['ok'], $v['accounts'], $v['entries']]);
    foreach ($v['problems'] as $p) { show('  problem', $p); }
}

$l = new CashbackLedger($db);
$l->applyBatch([
    ['external_id' => 'a1', 'type' => 'accrual', 'amount' => 500, 'user_id' => 1],
    ['external_id' => 'd1', 'type' => 'debit', 'amount' => 200, 'user_id' => 1],
    ['external_id' => 'r1', 'type' => 'release', 'amount' => 50, 'user_id' => 1, 'original_external_id' => 'd1'],
    ['external_id' => 'a2', 'type' => 'accrual', 'amount' => '10.25', 'user_id' => 2],
    ['external_id' => 'v2', 'type' => 'accrual', 'amount' => -5, 'user_id' => 2, 'original_external_id' => 'a2'],
]);
show('verify keys', array_keys($l->verify()));
problems($l);

// Balances changed outside the ledger (in kopecks: +100 = 1 ruble).
cashback_test_sql($db, 'UPDATE {accounts} SET balance = balance + 100');
problems($l);
show('balance() reads the cache', $l->balance(1)['balance']);
cashback_test_sql($db, 'UPDATE {accounts} SET balance = balance - 100');
problems($l);

// A missing account row.
cashback_test_sql($db, 'DELETE FROM {accounts} WHERE user_id = 2');
problems($l);
cashback_test_sql($db, "INSERT INTO {accounts} (user_id, balance, updated_at) VALUES (2, 525, 0)");
problems($l);

// A release pointing at an accrual, and a debit that overdraws (accounts kept in line).
cashback_test_sql($db, "UPDATE {entries} SET original_id = 1 WHERE external_id = 'r1'");
problems($l);
cashback_test_sql($db, "UPDATE {entries} SET original_id = 2 WHERE external_id = 'r1'");
cashback_test_sql($db, "UPDATE {entries} SET amount = 60000 WHERE external_id = 'd1'; UPDATE {accounts} SET balance = -5000 WHERE user_id = 1");
problems($l);
cashback_test_sql($db, "UPDATE {entries} SET amount = 20000 WHERE external_id = 'd1'; UPDATE {accounts} SET balance = 35000 WHERE user_id = 1");
// A reversal larger than its accrual.
cashback_test_sql($db, "UPDATE {entries} SET amount = -2000 WHERE external_id = 'v2'; UPDATE {accounts} SET balance = -975 WHERE user_id = 2");
problems($l);
cashback_test_sql($db, "UPDATE {entries} SET amount = -500 WHERE external_id = 'v2'; UPDATE {accounts} SET balance = 525 WHERE user_id = 2");
problems($l);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
verify keys: ["ok","accounts","entries","problems"]
verify: [true,2,5]
verify: [false,2,5]
  problem: {"check":"balance_mismatch","user_id":1,"entry_id":null,"message":"cached balance 35100, entries sum to 35000"}
  problem: {"check":"balance_mismatch","user_id":2,"entry_id":null,"message":"cached balance 625, entries sum to 525"}
balance() reads the cache: 351.0
verify: [true,2,5]
verify: [false,1,5]
  problem: {"check":"balance_mismatch","user_id":2,"entry_id":null,"message":"cached balance 0, entries sum to 525"}
verify: [true,2,5]
verify: [false,2,5]
  problem: {"check":"bad_original","user_id":1,"entry_id":3,"message":"names an original it cannot correct"}
verify: [false,2,5]
  problem: {"check":"overdraft","user_id":1,"entry_id":2,"message":"balance -10000 after this debit"}
verify: [false,2,5]
  problem: {"check":"exceeds_original","user_id":2,"entry_id":4,"message":"2000 corrected of 1025"}
verify: [true,2,5]