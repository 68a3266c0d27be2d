<?php

declare(strict_types=1);

// Prepares a ledger for the benchmarks through the extension (so the schema is
// the extension's own): the benchmark customers 1..N with verified phones, the
// ambiguous phone shared by customers 1 and 2, and optionally an API key for
// the HTTP benchmarks and a config file for the front controller. Idempotent:
// on the generated scale database the customers already exist.
//
//   php -d extension=libcashback.so bench/php/setup.php --db FILE [--key-file F] [--config F] [--users 1000]
//
// --db may also be a mysql:// URL (the MariaDB benchmarks): the extension
// creates its tables in that database.

use CashbackBench\Batch;
use CashbackBench\Bench;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, ['db' => '', 'key-file' => '', 'config' => '', 'users' => Batch::USERS]);
if ($o['db'] === '') {
    fwrite(STDERR, "usage: setup.php --db FILE [--key-file F] [--config F] [--users N]\n");
    exit(64);
}
$ledger = new CashbackLedger($o['db']);
$rows = [];
for ($user = 1; $user <= $o['users']; $user++) {
    $rows[] = ['user_id' => $user, 'phone' => Batch::phone($user), 'verified' => true];
}
$report = $ledger->importPhones($rows);
$ledger->linkPhone(1, Batch::AMBIGUOUS_PHONE, false);
$ledger->linkPhone(2, Batch::AMBIGUOUS_PHONE, false);
// API writes name registered stores only: those of the generated batches, and the offline store of catchup.php.
foreach ([...array_map(static fn (int $n): string => "store-$n", range(1, Batch::STORES)), 'store-offline'] as $store) {
    $ledger->registerStore($store);
}
if ($o['key-file'] !== '') {
    // The 1C central base's kind of key: it writes for every registered store.
    $key = $ledger->createApiKey('bench', null)['key'];
    file_put_contents($o['key-file'], $key . "\n");
}
if ($o['config'] !== '') {
    file_put_contents($o['config'], "<?php\n\n// Benchmark host settings (bench/).\nreturn " . var_export(['database' => $o['db']], true) . ";\n");
}
// The extension keeps its connection open until the process ends (and then never
// checkpoints): fold the WAL into the main file so that a plain copy of it is whole.
// In another process: pdo_sqlite is a second copy of SQLite, and two copies in one
// process break each other's locks on the same file.
if (CashbackLedger::describeDatabase($o['db'])['backend'] === 'sqlite') {
    Bench::run([PHP_BINARY, '-r', '(new PDO("sqlite:" . $argv[1]))->query("PRAGMA wal_checkpoint(TRUNCATE)")->fetchAll();', $o['db']]);
}
echo json_encode(['db' => CashbackLedger::describeDatabase($o['db'])['location'], 'phones' => $report['imported']]), "\n";
