--TEST--
MySQL: create => false on a database without ledger tables is database_unavailable and creates nothing; an unknown database is never created
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$location = cashback_test_location($db);
[$database, $admin] = cashback_test_mysql_target($db);

/** The error code and message of $f's CashbackException, with this run's location made constant. */
function fails(string $label, callable $f): void {
    global $location;
    try {
        $f();
        echo "$label: NO EXCEPTION\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', str_replace($location, 'LOCATION', $e->getMessage()), "\n";
    }
}
/** Every table of the test's database, with its prefix. */
function tables(): array {
    global $admin, $database;
    return array_merge(...$admin->execute_query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [$database])->fetch_all());
}

// A site's database: its own tables, none of the ledger's (a host serving requests opens with create => false,
// so that a misconfigured database name fails instead of growing an empty ledger).
$admin->select_db($database);
$admin->query('CREATE TABLE b_user (id INT PRIMARY KEY, login VARCHAR(50)) ENGINE = InnoDB');
$admin->query("INSERT INTO b_user VALUES (1, 'admin')");
fails('create false, no ledger tables', fn () => new CashbackLedger($db, ['create' => false]));
echo 'tables after it: ', json_encode(tables()), "\n";
echo "the site's row: ", json_encode($admin->query('SELECT * FROM b_user')->fetch_all()), "\n";

// The exception is a CashbackException pointing at the caller, as for a SQLite file.
$line = __LINE__ + 2;
try {
    new CashbackLedger($db, ['create' => false]);
} catch (Throwable $e) {
    var_dump(get_class($e), $e instanceof RuntimeException, $e->getFile() === __FILE__, $e->getLine() === $line);
}

// With create (the default) the same database gets the ledger's tables, and one schema row with this build's version.
$ledger = new CashbackLedger($db);
echo 'ledger tables: ', json_encode(cashback_test_mysql_tables($db)), "\n";
$schema = $admin->query('SELECT id, version FROM local_cashback_schema')->fetch_all();
var_dump($schema === [['1', (string) CashbackLedger::version()['mysql_schema_version']]]);
$ledger->apply(['external_id' => 'a-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1]);

// Now create => false opens it: the option refuses a database without tables, not one with them.
$existing = new CashbackLedger($db, ['create' => false]);
echo 'create false, tables there: ', $existing->balance(1)['balance'], "\n";
// Tables of another prefix do not count.
fails('create false, other prefix', fn () => new CashbackLedger($db, ['create' => false, 'table_prefix' => 'other_']));
echo 'no other_ tables: ', json_encode(cashback_test_mysql_tables($db, 'other_')), "\n";

// A database that does not exist is unavailable, with or without create: the ledger creates tables, never databases.
$missing = preg_replace('~/[^/]+$~', '/cb_phpt_no_such_database', $db);
$admin->query('DROP DATABASE IF EXISTS cb_phpt_no_such_database');
foreach (['create true' => true, 'create false' => false] as $label => $create) {
    try {
        new CashbackLedger($missing, ['create' => $create]);
        echo "unknown database, $label: NO EXCEPTION\n";
    } catch (CashbackException $e) {
        echo "unknown database, $label: ", $e->getErrorCode(), ' | ', str_replace(cashback_test_location($missing), 'MISSING', $e->getMessage()), "\n";
    }
}
echo 'still no such database: ', json_encode($admin->query("SHOW DATABASES LIKE 'cb\\_phpt\\_no\\_such\\_database'")->fetch_all()), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
create false, no ledger tables: database_unavailable | no ledger tables (local_cashback_*) in LOCATION; create them first (setup, module install or a ledger opened with create)
tables after it: ["b_user"]
the site's row: [["1","admin"]]
string(17) "CashbackException"
bool(true)
bool(true)
bool(true)
ledger tables: ["accounts","api_keys","auth_failures","commit_tokens","entries","phones","schema","stores","sync_log","writer"]
bool(true)
create false, tables there: 10
create false, other prefix: database_unavailable | no ledger tables (other_*) in LOCATION?table_prefix=other_; create them first (setup, module install or a ledger opened with create)
no other_ tables: []
unknown database, create true: database_unavailable | cannot connect to MISSING: MySqlError { ERROR 1049 (42000): Unknown database 'cb_phpt_no_such_database' }
unknown database, create false: database_unavailable | cannot connect to MISSING: MySqlError { ERROR 1049 (42000): Unknown database 'cb_phpt_no_such_database' }
still no such database: []
