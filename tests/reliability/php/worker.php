<?php

declare(strict_types=1);

// A ledger client process of tests/reliability/test_concurrency.py: calls the
// extension directly on a shared database file, one command per stdin line,
// one answer per stdout line, and logs every request and every response to
// its own log file (appended and flushed before the answer is printed).
//
//   php -d extension=libcashback.so worker.php DATABASE LOGFILE WORKER_NAME
//
// A command is {"seq": n, "op": "apply", "tx": {...}} or
// {"seq": n, "op": "batch", "items": [...]}; the answer is
// {"seq": n, "results": [...]} or {"seq": n, "exception": {"code", "message"}}.

[, $database, $logFile, $name] = $argv + [null, null, null, 'worker'];
if ($database === null || $logFile === null) {
    fwrite(STDERR, "usage: worker.php DATABASE LOGFILE [NAME]\n");
    exit(64);
}
$log = fopen($logFile, 'ab');
$ledger = null;
$flags = JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION;
ini_set('serialize_precision', '-1');

while (($line = fgets(STDIN)) !== false) {
    $command = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    $seq = $command['seq'];
    fwrite($log, json_encode(['worker' => $name, 'seq' => $seq, 'at' => microtime(true), 'request' => $command], $flags) . "\n");
    fflush($log);
    try {
        $ledger ??= new CashbackLedger($database);
        $context = ['endpoint' => 'reliability/' . $command['op'], 'client' => $name];
        $answer = ['seq' => $seq, 'results' => match ($command['op']) {
            'apply' => [$ledger->apply($command['tx'], $context)],
            'batch' => $ledger->applyBatch($command['items'], $context),
        }];
    } catch (CashbackException $e) {
        $answer = ['seq' => $seq, 'exception' => ['code' => $e->getErrorCode(), 'message' => $e->getMessage()]];
    }
    $text = json_encode($answer, $flags);
    fwrite($log, json_encode(['worker' => $name, 'seq' => $seq, 'at' => microtime(true), 'response' => $answer], $flags) . "\n");
    fflush($log);
    fwrite(STDOUT, $text . "\n");
    fflush(STDOUT);
}
