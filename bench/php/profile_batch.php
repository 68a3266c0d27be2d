<?php

declare(strict_types=1);

// A profiling target (bench/profile.sh runs it under perf): --runs times the
// benchmark batch through one engine, each on a fresh copy of BASE with
// yesterday applied. Everything but today's batches happens first, then the
// script writes "ready" to stderr, so a profiler can start on the hot part
// (perf record --delay, or attach to the pid).
//
//   php -d extension=libcashback.so bench/php/profile_batch.php --base BASE.db --work DIR [--engine ext|php] [--runs 20]

use CashbackBench\Batch;
use CashbackBench\Bench;
use CashbackBench\PureLedger;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, ['base' => '', 'work' => '', 'engine' => 'ext', 'runs' => 20, 'size' => 10000, 'yesterday' => 1000, 'pause' => 1]);
@mkdir($o['work'], 0777, true);
[$yesterday, $today] = Batch::generate('p', 1, $o['yesterday'], $o['size']);
$ledgers = [];
for ($run = 0; $run < $o['runs']; $run++) {
    $db = "{$o['work']}/profile-$run.db";
    Bench::copyDb($o['base'], $db);
    $ledger = $o['engine'] === 'ext' ? new CashbackLedger($db) : new PureLedger($db);
    $ledger->applyBatch($yesterday);
    $ledgers[] = [$ledger, $db];
}
fwrite(STDERR, "ready\n");
sleep($o['pause']);
$times = [];
foreach ($ledgers as [$ledger, $db]) {
    $started = hrtime(true);
    $ledger->applyBatch($today);
    $times[] = (hrtime(true) - $started) / 1e6;
}
fwrite(STDERR, sprintf("%s: %d batches of %d, median %.1f ms\n", $o['engine'], $o['runs'], $o['size'], Bench::median($times)));
foreach ($ledgers as [$ledger, $db]) {
    Bench::removeDb($db);
}
