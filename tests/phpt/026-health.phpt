--TEST--
health(): schema_version, entries, path, writable
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
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

$l = new CashbackLedger($db);
$h = $l->health();
show('keys', array_keys($h));
var_dump($h['schema_version'] === CashbackLedger::version()['schema_version']);
var_dump($h['entries'], $h['path'] === $db, $h['writable']);
$l->applyBatch([
    ['external_id' => 'a', 'type' => 'accrual', 'amount' => 1, 'user_id' => 1],
    ['external_id' => 'b', 'type' => 'accrual', 'amount' => 2, 'user_id' => 2],
]);
var_dump($l->health()['entries']);
// The file exists with its WAL: the ledger runs in WAL mode.
var_dump(file_exists($db), file_exists($db . '-wal'));
// A second object on the same file sees the same data.
$again = new CashbackLedger($db);
var_dump($again->health()['entries'], $again->balance(2)['balance']);
?>
--CLEAN--
<?php
$name = str_replace('.clean.php', '.php', basename(__FILE__));
foreach (glob(sys_get_temp_dir() . '/cashback-phpt-*-' . $name . '.db') ?: [] as $f) {
    foreach (['', '-wal', '-shm'] as $suffix) { @unlink($f . $suffix); }
}
?>
--EXPECT--
keys: ["backend","schema_version","entries","path","writable","readable","checked"]
bool(true)
int(0)
bool(true)
bool(true)
int(2)
bool(true)
bool(true)
int(2)
float(2)