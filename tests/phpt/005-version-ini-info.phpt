--TEST--
version() keys, ini defaults and the module info block
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

// version(): static, keys and types.
$v = CashbackLedger::version();
show('keys', array_keys($v));
var_dump($v['version'] === phpversion('cashback'));
var_dump(is_string($v['version']) && preg_match('/^\d+\.\d+\.\d+/', $v['version']) === 1);
var_dump(is_string($v['commit']) && $v['commit'] !== '');
var_dump(is_int($v['schema_version']) && $v['schema_version'] >= 1);
var_dump((new ReflectionMethod('CashbackLedger', 'version'))->isStatic());

// ini defaults, as `php --ri cashback` lists them.
var_dump(ini_get('cashback.timezone') === 'Europe/Moscow');
var_dump(ini_get('cashback.database'));
var_dump(ini_get('cashback.busy_timeout_ms'));
var_dump(ini_get('cashback.max_batch'));
show('ini names', array_keys(ini_get_all('cashback')));

// The module info block (what `php --ri cashback` prints).
ob_start();
(new ReflectionExtension('cashback'))->info();
$info = ob_get_clean();
var_dump(str_contains($info, 'cashback ledger => enabled'));
var_dump(str_contains($info, 'version => ' . $v['version']));
var_dump(str_contains($info, 'schema version => ' . $v['schema_version']));
var_dump(str_contains($info, 'cashback.timezone => Europe/Moscow => Europe/Moscow'));
var_dump(str_contains($info, 'cashback.max_batch => 10000 => 10000'));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
keys: ["version","commit","schema_version","mysql_schema_version"]
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
string(0) ""
string(4) "5000"
string(5) "10000"
ini names: ["cashback.auth_max_failures","cashback.auto_register_stores","cashback.busy_timeout_ms","cashback.database","cashback.default_region","cashback.max_batch","cashback.timezone"]
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)