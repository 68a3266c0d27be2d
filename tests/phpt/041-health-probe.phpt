--TEST--
health() commits nothing, and answers what a read would get: a damaged page is database_corrupt
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() === 'mysql') echo 'skip on mysql: it measures the SQLite file and WAL and damages a page of the file; a MySQL health poll committing nothing is in 051-mysql-health-commits-nothing'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$l = new CashbackLedger($db);
$items = [];
for ($i = 1; $i <= 3000; $i++) {
    $items[] = ['external_id' => "h-$i", 'type' => 'accrual', 'amount' => '1.00', 'user_id' => $i, 'description' => str_repeat('d', 200)];
}
$l->applyBatch($items);
$h = $l->health();
echo 'healthy: ', json_encode([$h['writable'], $h['readable'], $h['checked']]), "\n";

// Polled health must not write: a commit per poll would be a write flood of its own.
clearstatcache();
$before = [filesize($db), filesize("$db-wal")];
for ($i = 0; $i < 200; $i++) { $l->health(); }
clearstatcache();
echo '200 polls grew the files by: ', json_encode([filesize($db) - $before[0], filesize("$db-wal") - $before[1]]), "\n";

// Damage a page in the middle of the file (not the header, not the pages health used to read).
exec('sqlite3 ' . escapeshellarg($db) . ' "PRAGMA wal_checkpoint(TRUNCATE)" 2>&1');
$size = filesize($db);
$file = fopen($db, 'r+b');
fseek($file, intdiv($size, 4096) / 2 * 4096 + 8);
fwrite($file, str_repeat("\xA5", 2000));
fclose($file);
$reader = new CashbackLedger($db);
try {
    $reader->health();
    echo "health: NO EXCEPTION\n";
} catch (CashbackException $e) {
    echo 'health: ', $e->getErrorCode(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
healthy: [true,true,"whole_file"]
200 polls grew the files by: [0,0]
health: database_corrupt
