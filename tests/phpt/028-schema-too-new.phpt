--TEST--
schema_too_new for a newer file; an empty file is migrated
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

// A file written by a newer version of the extension is refused, not migrated down.
tamper($db, 'PRAGMA user_version = 99');
fails('schema 99', fn() => new CashbackLedger($db));
// An older (empty, version 0) file is migrated forward on first open.
tamper($db, 'PRAGMA user_version = 0');
$l = new CashbackLedger($db);
var_dump($l->health()['schema_version'] === CashbackLedger::version()['schema_version']);
show('usable', $l->apply(['external_id' => 'a', 'type' => 'accrual', 'amount' => 1, 'user_id' => 1])['status']);
?>
--CLEAN--
<?php
$name = str_replace('.clean.php', '.php', basename(__FILE__));
foreach (glob(sys_get_temp_dir() . '/cashback-phpt-*-' . $name . '.db') ?: [] as $f) {
    foreach (['', '-wal', '-shm'] as $suffix) { @unlink($f . $suffix); }
}
?>
--EXPECTF--
schema 99: schema_too_new | database schema version 99 is newer than the %d this extension supports; upgrade the extension
bool(true)
usable: "success"