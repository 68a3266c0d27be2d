--TEST--
constructor: path and settings default to the cashback.* ini settings
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--INI--
cashback.database={TMP}/cashback-phpt-ini-003-constructor-ini-default.php.db
cashback.timezone=Asia/Yekaterinburg
cashback.max_batch=2
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
if (cashback_test_backend() === 'mysql') {
    // An --INI-- section is fixed text and cannot name the database made for this run, so on
    // MySQL the ini default is set before anything reads it; the constructor reads the setting's
    // current value either way. (A URL given as -d cashback.database: 044-mysql-password-never-shown.)
    $iniDb = cashback_test_database(__FILE__, 'ini');
    ini_set('cashback.database', $iniDb);
} else {
    $iniDb = sys_get_temp_dir() . '/cashback-phpt-ini-003-constructor-ini-default.php.db';
    foreach (['', '-wal', '-shm'] as $suffix) { @unlink($iniDb . $suffix); }
}

function fails(string $label, callable $f) {
    try { $r = $f(); echo "$label: NO EXCEPTION, got ", json_encode($r), "\n"; }
    catch (CashbackException $e) { echo "$label: ", $e->getErrorCode(), "\n"; }
}

var_dump(ini_get('cashback.database') === $iniDb);
var_dump(ini_get('cashback.timezone'));
var_dump(ini_get('cashback.max_batch'));

// No arguments: the database is the ini path, created on first use.
var_dump(cashback_test_ledger_created($iniDb));
$ledger = new CashbackLedger();
var_dump(cashback_test_ledger_created($iniDb));
var_dump($ledger->health()['path'] === cashback_test_location($iniDb));

// cashback.timezone is the zone of offset-less timestamps.
$r = $ledger->apply(['external_id' => 'a1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1,
                     'created_at' => '2026-11-27T10:15:00']);
var_dump($r['status']);
var_dump($ledger->history(1)['items'][0]['created_at']);

// cashback.max_batch=2 is the batch limit.
$item = fn($n) => ['external_id' => "b$n", 'type' => 'accrual', 'amount' => 1, 'user_id' => 1];
fails('3 items with max_batch=2', fn() => $ledger->applyBatch([$item(1), $item(2), $item(3)]));
echo json_encode(array_column($ledger->applyBatch([$item(1), $item(2)]), 'status')), "\n";

// An explicit option overrides the ini value on the same database.
$moscow = new CashbackLedger(null, ['timezone' => 'Europe/Moscow']);
var_dump($moscow->health()['path'] === cashback_test_location($iniDb));
var_dump($moscow->history(1)['items'][2]['created_at']);

// ini_set changes the default for later constructions.
ini_set('cashback.database', $db);
$other = new CashbackLedger();
var_dump($other->health()['path'] === cashback_test_location($db));
var_dump($other->health()['entries']);
var_dump(cashback_test_ledger_created($db));

// ini_set refuses a bad zone at once and keeps the previous one.
var_dump(ini_set('cashback.timezone', 'Mars/Base'));
var_dump(ini_get('cashback.timezone'));
var_dump(ini_set('cashback.max_batch', '0'), ini_set('cashback.busy_timeout_ms', 'soon'));
echo 'ledger still opens: ', (new CashbackLedger())->balance(1)['balance'], "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
// On SQLite the first pattern also matches the --INI-- file (cashback-phpt-ini-003-...).
cashback_test_clean(__FILE__, ['', 'ini']);
?>
--EXPECT--
bool(true)
string(18) "Asia/Yekaterinburg"
string(1) "2"
bool(false)
bool(true)
bool(true)
string(7) "success"
string(25) "2026-11-27T10:15:00+05:00"
3 items with max_batch=2: batch_too_large
["success","success"]
bool(true)
string(25) "2026-11-27T08:15:00+03:00"
bool(true)
int(0)
bool(true)
bool(false)
string(18) "Asia/Yekaterinburg"
bool(false)
bool(false)
ledger still opens: 0
