--TEST--
MySQL: health() right after the server killed the ledger's connection reopens it and reports the database healthy, as reads and writes do
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
[$database, $admin] = cashback_test_mysql_target($db);

$l = new CashbackLedger($db);
$l->apply(['external_id' => 'a-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1]);
// Within a second of that call (no ping before reuse), as a load balancer polling health meets a failover.
$ids = $admin->execute_query("SELECT id FROM information_schema.processlist WHERE user = 'cashback_app' AND db = ?", [$database])->fetch_all();
echo 'ledger connections: ', count($ids), "\n";
$admin->query("KILL CONNECTION {$ids[0][0]}");
try {
    $h = $l->health();
    echo 'health: ', json_encode([$h['writable'], $h['readable'], $h['entries']]), "\n";
} catch (CashbackException $e) {
    echo 'health: ', $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
}
echo 'balance: ', $l->balance(1)['balance'], "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
ledger connections: 1
health: [true,true,1]
balance: 10
