--TEST--
MySQL: health() commits nothing: 200 polls issue no COMMIT and leave every ledger table as it was, while a write commits once
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
// The server's statement counters are global: on the private server (var/mariadb-phpt, port 13320),
// where no other test runs at the same time, so every COMMIT counted is this ledger's.
$server = cashback_test_private_server();
$db = cashback_test_database_on($server, __FILE__);
$admin = cashback_test_admin($server);
[$database] = cashback_test_mysql_target($db);

/** The server's counts of COMMIT and ROLLBACK statements so far. */
function statements(): array {
    global $admin;
    $status = array_column($admin->query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_commit', 'Com_rollback')")->fetch_all(), 1, 0);
    return [(int) $status['Com_commit'], (int) $status['Com_rollback']];
}
/** Every ledger table's content, to compare before and after. */
function contents(): string {
    global $admin, $database;
    $all = [];
    foreach (CASHBACK_TEST_MYSQL_TABLES as $table) {
        $all[$table] = $admin->query("SELECT * FROM `$database`.local_cashback_$table")->fetch_all();
    }
    return md5(json_encode($all));
}

$l = new CashbackLedger($db);
$l->apply(['external_id' => 'a-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1]);
$l->health();

[$commits, $rollbacks] = statements();
$before = contents();
for ($i = 0; $i < 200; $i++) {
    $h = $l->health();
}
[$commitsAfter, $rollbacksAfter] = statements();
echo 'last poll: ', json_encode([$h['writable'], $h['readable'], $h['entries']]), "\n";
echo 'COMMITs of 200 polls: ', $commitsAfter - $commits, "\n";
// Each poll's probe takes the writers' lock and rolls it back: that is how it knows a write would pass.
echo 'ROLLBACKs of 200 polls: ', $rollbacksAfter - $rollbacks, "\n";
var_dump(contents() === $before);

// The counter sees the ledger's commits: one write is one COMMIT.
$l->apply(['external_id' => 'a-2', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1]);
echo 'COMMITs of one write: ', statements()[0] - $commitsAfter, "\n";
var_dump(contents() === $before);
?>
--EXPECT--
last poll: [true,true,1]
COMMITs of 200 polls: 0
ROLLBACKs of 200 polls: 200
bool(true)
COMMITs of one write: 1
bool(false)
