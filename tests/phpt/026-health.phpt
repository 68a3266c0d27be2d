--TEST--
health(): schema_version, entries, path, writable
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

$mysql = cashback_test_backend() === 'mysql';
$l = new CashbackLedger($db);
$h = $l->health();
show('keys', array_keys($h));
// Each backend has its own schema versions; health reports the one of the store it opened.
var_dump($h['backend'] === cashback_test_backend());
var_dump($h['schema_version'] === CashbackLedger::version()[$mysql ? 'mysql_schema_version' : 'schema_version']);
// The path is the file, or the URL without its password.
var_dump($h['entries'], $h['path'] === cashback_test_location($db), $h['writable']);
// What the probe checked: the whole SQLite file, or the server (a write rolled back).
var_dump($h['checked'] === ($mysql ? 'server' : 'whole_file'));
// describeDatabase() names the same backend and location without opening anything.
var_dump(CashbackLedger::describeDatabase($db) === ['backend' => cashback_test_backend(), 'location' => $h['path']]);
$l->applyBatch([
    ['external_id' => 'a', 'type' => 'accrual', 'amount' => 1, 'user_id' => 1],
    ['external_id' => 'b', 'type' => 'accrual', 'amount' => 2, 'user_id' => 2],
]);
var_dump($l->health()['entries']);
if ($mysql) {
    // Every ledger table exists, on InnoDB (transactions, row locks) whatever the server's default engine.
    [$database, $admin] = cashback_test_mysql_target($db);
    $engines = $admin->execute_query("SELECT DISTINCT engine FROM information_schema.tables WHERE table_schema = ?", [$database])->fetch_all();
    var_dump(cashback_test_ledger_created($db), $engines === [['InnoDB']]);
} else {
    // The file exists with its WAL: the ledger runs in WAL mode.
    var_dump(file_exists($db), file_exists($db . '-wal'));
}
// A second object on the same file sees the same data.
$again = new CashbackLedger($db);
var_dump($again->health()['entries'], $again->balance(2)['balance']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
keys: ["backend","schema_version","entries","path","writable","readable","checked"]
bool(true)
bool(true)
int(0)
bool(true)
bool(true)
bool(true)
bool(true)
int(2)
bool(true)
bool(true)
int(2)
float(2)