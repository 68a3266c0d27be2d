<?php

declare(strict_types=1);

// The process tests/reliability/test_crashes.py SIGKILLs: applies one batch
// (or one transaction) through the extension and reports the results.
//
//   php -d extension=libcashback.so batch_worker.php DATABASE ITEMS_JSON RESULT_JSON ENDPOINT MODE [HOLD_MARKER]
//
// MODE is "batch" (applyBatch) or "apply" (apply of the single item). Prints
// "ready" once the ledger is open and the items decoded, right before the
// call, so the test can time its kill. The results go to RESULT_JSON
// (written to a temporary name, then renamed), then "done" is printed. With
// HOLD_MARKER, the worker writes that file right after the call returned
// (committed) and waits on stdin before reporting anything: the test kills it
// there, a crash between commit and response.

[, $database, $itemsFile, $resultFile, $endpoint, $mode, $hold] = $argv + array_fill(0, 7, null);
if ($database === null || $itemsFile === null || $resultFile === null || $endpoint === null || !in_array($mode, ['batch', 'apply'], true)) {
    fwrite(STDERR, "usage: batch_worker.php DATABASE ITEMS_JSON RESULT_JSON ENDPOINT batch|apply [HOLD_MARKER]\n");
    exit(64);
}
ini_set('serialize_precision', '-1');
$items = json_decode((string) file_get_contents($itemsFile), true, 512, JSON_THROW_ON_ERROR);
try {
    $ledger = new CashbackLedger($database);
    $context = ['endpoint' => $endpoint, 'client' => 'crash-test'];
    fwrite(STDOUT, "ready\n");
    fflush(STDOUT);
    $started = hrtime(true);
    $results = $mode === 'batch' ? $ledger->applyBatch($items, $context) : [$ledger->apply($items[0], $context)];
    $elapsedMs = (hrtime(true) - $started) / 1e6;
} catch (CashbackException $e) {
    fwrite(STDOUT, 'exception ' . $e->getErrorCode() . ': ' . $e->getMessage() . "\n");
    exit(75);
}
if ($hold !== null) {
    file_put_contents($hold, (string) getmypid());
    fgets(STDIN); // the test SIGKILLs the process while it waits here
}
$tmp = "$resultFile.tmp";
file_put_contents($tmp, json_encode(['apply_ms' => $elapsedMs, 'results' => $results], JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
rename($tmp, $resultFile);
fwrite(STDOUT, "done\n");
