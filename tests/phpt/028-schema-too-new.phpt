--TEST--
schema_too_new for a newer file; an empty file is migrated
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() === 'mysql') echo 'skip on mysql: it sets the SQLite PRAGMA user_version; the MySQL schema table is in 043-mysql-schema-too-new'; elseif ($missing = cashback_test_tamper_missing()) echo "skip $missing"; ?>
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

// A file written by a newer version of the extension is refused, not migrated down.
cashback_test_sql($db, 'PRAGMA user_version = 99');
fails('schema 99', fn() => new CashbackLedger($db));
// An older (empty, version 0) file is migrated forward on first open.
cashback_test_sql($db, 'PRAGMA user_version = 0');
$l = new CashbackLedger($db);
var_dump($l->health()['schema_version'] === CashbackLedger::version()['schema_version']);
show('usable', $l->apply(['external_id' => 'a', 'type' => 'accrual', 'amount' => 1, 'user_id' => 1])['status']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECTF--
schema 99: schema_too_new | database schema version 99 is newer than the %d this extension supports; upgrade the extension
bool(true)
usable: "success"