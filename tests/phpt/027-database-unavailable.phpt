--TEST--
database_unavailable: a path in a missing directory; other unopenable files
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() === 'mysql') echo 'skip on mysql: its cases are files (a missing directory, a directory, a file that is not a database); the MySQL cases are in 042-mysql-database-unavailable'; ?>
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

function code(string $label, callable $f): void {
    try { $f(); echo "$label: NO EXCEPTION\n"; }
    catch (CashbackException $e) { echo "$label: ", $e->getErrorCode(), "\n"; }
}

// The directory does not exist: nothing can be opened (tests run as root, so
// permissions cannot be used to make a file unwritable).
$missing = sys_get_temp_dir() . '/cashback-phpt-no-such-dir-' . getmypid() . '/ledger.db';
try {
    new CashbackLedger($missing);
    echo "NO EXCEPTION\n";
} catch (CashbackException $e) {
    var_dump($e->getErrorCode());
    var_dump($e instanceof RuntimeException);
    var_dump($e->getFile() === __FILE__);
}
var_dump(file_exists(dirname($missing)));
// Through the ini default as well.
ini_set('cashback.database', $missing);
code('ini path in a missing directory', fn() => (new CashbackLedger())->health());

// A directory is not a database file.
code('a directory', fn() => new CashbackLedger(sys_get_temp_dir()));

// A file that is not a database.
file_put_contents($db, str_repeat("this is not an SQLite database\n", 200));
code('not a database', fn() => new CashbackLedger($db));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
string(20) "database_unavailable"
bool(true)
bool(true)
bool(false)
ini path in a missing directory: database_unavailable
a directory: database_unavailable
not a database: database_corrupt