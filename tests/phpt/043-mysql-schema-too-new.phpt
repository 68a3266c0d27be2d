--TEST--
MySQL: a schema version above the build's is schema_too_new and left alone; restored, the database opens as before; an older version is migrated forward keeping the data
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
[$database, $admin] = cashback_test_mysql_target($db);
$admin->select_db($database);
$supported = CashbackLedger::version()['mysql_schema_version'];

function fails(string $label, callable $f): void {
    try {
        $f();
        echo "$label: NO EXCEPTION\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
    }
}
/** Runs $code in a new php process on $db: a process of its own opens a connection of its own. */
function child(string $code): string {
    global $db;
    [$out, $status] = cashback_test_child_php(['-r', '$db = getenv("CASHBACK_PHPT_DB"); ' . $code], ['CASHBACK_PHPT_DB' => $db]);
    return trim($out) . ($status === 0 ? '' : " (exit $status)");
}
$version = fn () => (int) $admin->query('SELECT version FROM local_cashback_schema WHERE id = 1')->fetch_row()[0];

// The version is checked when a connection opens (a process keeps its connection), so the tables are
// made, and an entry written, by another process: this one has not opened the database yet.
echo 'made by another process: ', child('echo (new CashbackLedger($db))->apply(["external_id" => "a-1", "type" => "accrual", "amount" => 10, "user_id" => 1])["status"];'), "\n";
$tables = cashback_test_mysql_tables($db);

// Written by a newer build: refused, not migrated down, with or without create.
$admin->query('UPDATE local_cashback_schema SET version = 99 WHERE id = 1');
fails('schema 99', fn () => new CashbackLedger($db));
fails('schema 99, create false', fn () => new CashbackLedger($db, ['create' => false]));
echo 'version left at: ', $version(), "\n";
var_dump(cashback_test_mysql_tables($db) === $tables);
echo 'entries left: ', $admin->query('SELECT COUNT(*) FROM local_cashback_entries')->fetch_row()[0], "\n";

// Restored: the same process opens it as usual (a refused open kept no connection).
$admin->query("UPDATE local_cashback_schema SET version = $supported WHERE id = 1");
$ledger = new CashbackLedger($db);
var_dump($ledger->health()['schema_version'] === $supported);
echo 'balance: ', $ledger->balance(1)['balance'], "\n";
echo 'write: ', $ledger->apply(['external_id' => 'a-2', 'type' => 'accrual', 'amount' => 5, 'user_id' => 1])['status'], "\n";

// An older recorded version (0: before the first migration) is migrated forward by the next
// connection; the migration runs again over existing tables without losing a row.
$admin->query('UPDATE local_cashback_schema SET version = 0 WHERE id = 1');
$seen = child('$l = new CashbackLedger($db); echo json_encode([$l->health()["schema_version"], $l->balance(1)["balance"], $l->health()["entries"]]);');
echo 'a new connection (version, balance, entries): ', str_replace("[$supported,", '[SUPPORTED,', $seen), "\n";
var_dump($version() === $supported);
var_dump(cashback_test_mysql_tables($db) === $tables);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECTF--
made by another process: success
schema 99: schema_too_new | database schema version 99 is newer than the %d this extension supports; upgrade the extension
schema 99, create false: schema_too_new | database schema version 99 is newer than the %d this extension supports; upgrade the extension
version left at: 99
bool(true)
entries left: 1
bool(true)
balance: 10
write: success
a new connection (version, balance, entries): [SUPPORTED,15,2]
bool(true)
bool(true)
