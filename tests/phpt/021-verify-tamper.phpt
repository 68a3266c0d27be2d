--TEST--
verify(): ok on consistent data; reports balance_mismatch, overdraft, bad_original, exceeds_original after tampering
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; if (!function_exists('shell_exec') || !is_executable('/usr/bin/sqlite3')) echo 'skip needs the sqlite3 CLI'; ?>
--FILE--
<?php
$db = sys_get_temp_dir() . '/cashback-phpt-' . getmypid() . '-' . basename(__FILE__) . '.db';
foreach (['', '-wal', '-shm'] as $suffix) { @unlink($db . $suffix); }

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

/** Changes the file behind the extension's back, through a separate connection. */
function tamper(string $db, string $sql): void {
    // Another process, as in real life: PDO would load a second SQLite library into this process,
    // and two copies of SQLite on one file break each other's locks (sqlite.org/howtocorrupt.html 2.2.1).
    $out = shell_exec('/usr/bin/sqlite3 ' . escapeshellarg($db) . ' ' . escapeshellarg($sql) . ' 2>&1; echo "rc=$?"');
    if (trim((string) $out) !== 'rc=0') { echo "sqlite3 failed: $out\n"; }
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
tamper($db, 'UPDATE accounts SET balance = balance + 100');
problems($l);
show('balance() reads the cache', $l->balance(1)['balance']);
tamper($db, 'UPDATE accounts SET balance = balance - 100');
problems($l);

// A missing account row.
tamper($db, 'DELETE FROM accounts WHERE user_id = 2');
problems($l);
tamper($db, "INSERT INTO accounts (user_id, balance, updated_at) VALUES (2, 525, 0)");
problems($l);

// A release pointing at an accrual, and a debit that overdraws (accounts kept in line).
tamper($db, "UPDATE entries SET original_id = 1 WHERE external_id = 'r1'");
problems($l);
tamper($db, "UPDATE entries SET original_id = 2 WHERE external_id = 'r1'");
tamper($db, "UPDATE entries SET amount = 60000 WHERE external_id = 'd1'; UPDATE accounts SET balance = -5000 WHERE user_id = 1");
problems($l);
tamper($db, "UPDATE entries SET amount = 20000 WHERE external_id = 'd1'; UPDATE accounts SET balance = 35000 WHERE user_id = 1");
// A reversal larger than its accrual.
tamper($db, "UPDATE entries SET amount = -2000 WHERE external_id = 'v2'; UPDATE accounts SET balance = -975 WHERE user_id = 2");
problems($l);
tamper($db, "UPDATE entries SET amount = -500 WHERE external_id = 'v2'; UPDATE accounts SET balance = 525 WHERE user_id = 2");
problems($l);
?>
--CLEAN--
<?php
$name = str_replace('.clean.php', '.php', basename(__FILE__));
foreach (glob(sys_get_temp_dir() . '/cashback-phpt-*-' . $name . '.db') ?: [] as $f) {
    foreach (['', '-wal', '-shm'] as $suffix) { @unlink($f . $suffix); }
}
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