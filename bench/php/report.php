<?php

declare(strict_types=1);

// Renders docs/benchmarks.md from a results directory of bench/run.sh.
//
//   php bench/php/report.php --results target/bench-results/latest [--out docs/benchmarks.md]
//   php bench/php/report.php --results DIR --section mariadb          section 8 alone (bench/mariadb.sh)

use CashbackBench\Bench;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, ['results' => '', 'out' => '-', 'section' => '']);
$dir = $o['results'];
if ($dir === '' || !is_dir($dir)) {
    fwrite(STDERR, "need --results DIR (from bench/run.sh)\n");
    exit(64);
}
$load = static function (string $name) use ($dir): ?array {
    $file = "$dir/$name.json";
    if (!is_file($file)) {
        return null;
    }
    $text = trim((string) file_get_contents($file));
    return $text === '' ? null : json_decode($text, true, 512, JSON_THROW_ON_ERROR);
};
$machine = $load('machine') ?? [];
$settings = $load('settings') ?? [];
$sqlite = $load('sqlite') ?? [];
$storageCore = $load('storage-core');
$batch = $load('batch');
$batchEmpty = $batch['empty'] ?? null;
$batchScale = $batch['scale'] ?? null;
$http = $load('http');
$httpEmpty = $http;
$httpScale = $http['second'] ?? null;
$catchup = $load('catchup');
$memory = $load('memory');
$scaleMeta = $load('scale-meta');
$mariadbBatch = $load('mariadb-batch');
$mariadbHttp = $load('mariadb-http');
$mariadbSettings = $load('mariadb-settings') ?? $settings;
$rounds = $settings['rounds'] ?? '?';

// ------------------------------------------------------------ formatting
$num = static fn (?float $v, int $d = 0): string => $v === null || is_nan($v) ? '–' : number_format($v, $d, '.', ',');
$x = static fn (?float $v, int $d = 2): string => $v === null || is_nan($v) ? '–'
    : ($v > 0 && $v < 0.1 ? sprintf('%.2g', $v) : number_format($v, $d, '.', ',')) . 'x';
$ms = static fn (?float $us): string => $us === null || is_nan($us) ? '–' : number_format($us / 1000, $us < 10000 ? 2 : 1, '.', ',') . ' ms';
$verdict = static fn (?bool $met): string => $met === null ? 'not measured' : ($met ? '**met**' : '**missed**');
$table = static function (array $head, array $rows): string {
    $out = '| ' . implode(' | ', $head) . " |\n|" . str_repeat('---|', count($head)) . "\n";
    foreach ($rows as $row) {
        $out .= '| ' . implode(' | ', $row) . " |\n";
    }
    return $out;
};

// ------------------------------------------------------------ figures
$fsyncMs = isset($machine['fsync']['median']) ? $machine['fsync']['median'] * 1e3 : null;
$extVsPhp = $batchEmpty['median']['ext_vs_php'] ?? null;
$extVsStorage = $batchEmpty['median']['ext_fraction_of_storage'] ?? null;
$r = $httpEmpty['median']['ratios'] ?? [];
$balanceVsBare = $r['balance_rps_vs_bare'] ?? null;
$postBudget = $r['post_single_p50_vs_bare_plus_fsync'] ?? null;
$catchSeconds = $catchup['median']['seconds'] ?? null;
$growthMb = isset($memory['max_growth_kib']) ? $memory['max_growth_kib'] / 1024 : null;

// Scale: every figure on the 10M ledger against the empty one, as "how many times worse": the median of
// the per-round factors (both ledgers are measured in every round, one right after the other).
$scaleRows = [];
$worst = null;
$compare = static function (string $what, ?float $empty, ?float $scale, ?float $factor) use (&$scaleRows, &$worst, $num, $x): void {
    if ($factor === null || $empty === null || $scale === null) {
        return;
    }
    $worst = $worst === null || $factor > $worst[1] ? [$what, $factor] : $worst;
    $scaleRows[] = [$what, $num($empty, $empty < 100 ? 2 : 0), $num($scale, $scale < 100 ? 2 : 0), $x($factor), $factor <= 2 ? 'yes' : '**no**'];
};
foreach (['ext' => 'batch via extension, items/s', 'php' => 'batch via pure PHP, items/s', 'storage' => 'storage limit, items/s'] as $engine => $label) {
    $compare($label, $batchEmpty['median']["{$engine}_items_per_s"] ?? null, $batchScale['median']["{$engine}_items_per_s"] ?? null, $batch['scale_slower_by'][$engine] ?? null);
}
foreach (['balance', 'post', 'batch'] as $endpoint) {
    foreach (['load' => 'under load', 'single' => 'one connection'] as $mode => $modeLabel) {
        $e = $httpEmpty['median'][$mode][$endpoint] ?? null;
        $g = $httpScale['median'][$mode][$endpoint] ?? null;
        $w = $http['second_worse_by'][$mode][$endpoint] ?? null;
        if ($e === null || $g === null || $w === null) {
            continue;
        }
        $compare("HTTP $endpoint, requests/s ($modeLabel)", $e['rps'], $g['rps'], $w['rps']);
        $compare("HTTP $endpoint, p50 ms ($modeLabel)", $e['p50_us'] / 1e3, $g['p50_us'] / 1e3, $w['p50_us']);
    }
}

$targets = [
    ['Batch through the extension vs the pure-PHP reference (items/s)', $x($extVsPhp, 1), '≥ 10x', $verdict($extVsPhp === null ? null : $extVsPhp >= 10)],
    ['Batch through the extension vs the storage limit (items/s)', $x($extVsStorage), '≥ 0.5x', $verdict($extVsStorage === null ? null : $extVsStorage >= 0.5)],
    ['GET balance vs the bare endpoint (requests/s under load)', $x($balanceVsBare), '≥ 0.70x', $verdict($balanceVsBare === null ? null : $balanceVsBare >= 0.7)],
    ['POST one transaction, p50 on one connection vs (bare p50 + one fsync)', $x($postBudget), '≤ 2x', $verdict($postBudget === null ? null : $postBudget <= 2)],
    ['10M-entry ledger vs the empty one, worst figure' . ($worst ? " ($worst[0])" : ''), $worst ? $x($worst[1]) : '–', '≤ 2x each', $verdict($worst === null ? null : $worst[1] <= 2)],
    ['FPM worker memory growth after ' . $num((float) ($memory['served'] ?? 0)) . ' requests (largest worker)', $growthMb === null ? '–' : $num($growthMb, 2) . ' MB', '≤ 2 MB', $verdict($growthMb === null ? null : $growthMb <= 2)],
    ['Offline day (5,000 operations) caught up over HTTP', $catchSeconds === null ? '–' : $num($catchSeconds, 2) . ' s', '< 2 s', $verdict($catchSeconds === null ? null : $catchSeconds < 2)],
];

// ------------------------------------------------------------ MariaDB (section 8)
$mb = $mariadbBatch['median'] ?? null;
$mh = $mariadbHttp;
$mhMaria = $mh['second'] ?? null;
$mariaBalance = $mh['second_vs_first']['load']['balance']['rps'] ?? null;
$mariaPost = $mhMaria['median']['ratios']['post_single_p50_vs_bare_plus_commit'] ?? null;
$mariadbTargets = [
    ['MariaDB: batch through the extension vs the pure-PHP reference (a transaction per item, as the brief)', $x($mb['ext_vs_php'] ?? null, 1), '≥ 10x',
        $verdict(isset($mb['ext_vs_php']) ? $mb['ext_vs_php'] >= 10 : null)],
    ['MariaDB: batch through the extension vs the raw limit (multi-row INSERTs, one transaction)', $x($mb['ext_fraction_of_raw'] ?? null), '≥ 0.5x',
        $verdict(isset($mb['ext_fraction_of_raw']) ? $mb['ext_fraction_of_raw'] >= 0.5 : null)],
    ['MariaDB: GET balance vs the same on SQLite (requests/s under load)', $x($mariaBalance), '≥ 0.5x', $verdict($mariaBalance === null ? null : $mariaBalance >= 0.5)],
    ['MariaDB: POST one transaction, p50 on one connection vs (bare p50 + one INSERT and COMMIT on the server)', $x($mariaPost), '≤ 2x',
        $verdict($mariaPost === null ? null : $mariaPost <= 2)],
];
$mariadbSection = "\n## 8. MariaDB backend (`mysql://` URL)\n\n";
if ($mariadbBatch === null && $mh === null) {
    $mariadbSection .= "_not run_\n";
} else {
    $server = $mariadbBatch['server'] ?? [];
    $mariadbSection .= sprintf("A private MariaDB %s (tests/mariadb/server.sh: its own data directory `var/mariadb-bench`, loopback TCP port 13350, "
        . "`innodb_flush_log_at_trx_commit=%s`, doublewrite %s, `innodb_flush_method=%s`, buffer pool %s MB, redo log %s MB, binary log %s) on the same "
        . "machine and disk as everything above (started by the run when it was not running, and then stopped after it). The ledger connects as the site's kind of user "
        . "(`cashback_app`, no global privilege); tables prefixed `local_cashback_`. Measured on %s%s.\n\n",
        $server['version'] ?? '?', $server['innodb_flush_log_at_trx_commit'] ?? '?', $server['innodb_doublewrite'] ?? '?', $server['innodb_flush_method'] ?? '?',
        isset($server['innodb_buffer_pool_size']) ? $num($server['innodb_buffer_pool_size'] / 1048576) : '?',
        isset($server['innodb_log_file_size']) ? $num($server['innodb_log_file_size'] / 1048576) : '?', ($server['log_bin'] ?? '') === 'OFF' ? 'off' : ($server['log_bin'] ?? '?'),
        $mariadbSettings['date'] ?? $machine['date'] ?? '?',
        isset($mariadbBatch['load']) ? sprintf(' (load average %s at the start of the batch rounds, %s at their end, on %s CPUs)',
            $mariadbBatch['load']['before'], $mariadbBatch['load']['after'], $machine['nproc'] ?? $mariadbSettings['nproc'] ?? '?') : '');
    $mariadbSection .= $table(['Target', 'Measured', 'Goal', 'Result'], $mariadbTargets);
    if ($mariadbBatch !== null) {
        $rows = [];
        $engineLabels = [
            'ext' => 'Extension (`CashbackLedger::applyBatch` on a `mysql://` URL: one transaction)',
            'php' => 'Pure PHP on PDO MySQL, the brief\'s controller: check, then a transaction per item (bench/php/lib/PureMysqlLedger.php)',
            'php_tx' => 'The same PHP in one transaction per batch, a savepoint per item (for comparison)',
            'raw' => 'Raw limit: the rows the extension wrote, multi-row INSERTs of ' . $num((float) $mariadbBatch['raw_chunk']) . ' rows via PDO, one transaction',
        ];
        foreach ($engineLabels as $engine => $label) {
            if (isset($mb["{$engine}_items_per_s"])) {
                $rows[] = [$label, $num($mb["{$engine}_items_per_s"]), $ms($mb["{$engine}_seconds"] * 1e6)];
            }
        }
        foreach (['ext_vs_php' => '**Extension / pure PHP (per item)**', 'ext_vs_php_tx' => 'Extension / pure PHP (one transaction)',
            'ext_fraction_of_raw' => '**Extension / raw limit**'] as $key => $label) {
            if (isset($mb[$key])) {
                $rows[] = [$label, $x($mb[$key], $mb[$key] >= 10 ? 1 : 2), '–'];
            }
        }
        $mariadbSection .= sprintf("\n### The batch\n\nThe batch of section 2–3 (same generator, same mix, same yesterday/today split): %s items after %s (not timed), "
            . "%s rounds, each engine on a fresh database per round (a copy of a base ledger that bench/php/setup.php made through the extension) "
            . "and in a PHP process of its own; per-round ratios, then their median. One INSERT + COMMIT of one row on this server took %s (median of the "
            . "rounds; a `SELECT 1` round trip %s), and the extension accepted %s items per round.\n\n",
            $num((float) $mariadbBatch['size']), $num((float) $mariadbBatch['yesterday']), $num((float) count($mariadbBatch['rounds'])),
            $num($mb['commit_ms'], 2) . ' ms', $num($mb['round_trip_ms'], 3) . ' ms', $num($mb['accepted'] ?? null));
        $mariadbSection .= $table(['', 'Items/s (median)', 'Time (median)'], $rows);
        $perRound = array_map(static fn (array $r): string => sprintf('%s / %s', $x($r['ext_vs_php'] ?? null, 1), $x($r['ext_fraction_of_raw'] ?? null)), $mariadbBatch['rounds']);
        $mariadbSection .= "\nPer round (extension / pure PHP, extension / raw limit): " . implode('; ', $perRound) . ".\n";
        $mariadbSection .= "\nThe extension's and the references' results were compared item by item (everything but messages) and their entries and "
            . "balances table by table, and the raw limit's rows against the extension's: "
            . (($mariadbBatch['mismatches'] ?? 1) === 0 ? 'no difference in this run' : "**{$mariadbBatch['mismatches']} differences in this run**")
            . '. Outcomes: ' . implode(', ', array_map(static fn (string $k, int $v): string => "`$k` " . number_format($v), array_keys($mariadbBatch['mix']), $mariadbBatch['mix'])) . ".\n";
    }
    if ($mh !== null && $mhMaria !== null) {
        $s = $mh['settings'];
        $mariadbSection .= sprintf("\n### HTTP: the same pool on SQLite and on MariaDB\n\nOne nginx + php-fpm stack (section 4's templates), the site rendered twice: "
            . "a settings file naming a fresh SQLite ledger and one naming a MariaDB ledger (`'database' => 'mysql://…'`), measured one right after the "
            . "other in every round (%d rounds, wrk: %d connections over %d threads or one connection, %d s per run). Ratios: MariaDB / SQLite per round, then the median.\n\n",
            count($mh['rounds']), $s['connections'], $s['threads'], $s['duration_s']);
        $rows = [];
        foreach (['SQLite' => $mh, 'MariaDB' => $mhMaria] as $label => $h) {
            foreach (['bare', 'balance', 'post'] as $endpoint) {
                $f = $h['median']['load'][$endpoint] ?? null;
                $single = $h['median']['single'][$endpoint] ?? null;
                if ($f === null && $single === null) {
                    continue;
                }
                if ($endpoint === 'bare' && $label === 'MariaDB') {
                    continue; // measured once per round for both
                }
                $vs = $endpoint === 'bare' || $label === 'SQLite' ? '–' : $x($mh['second_vs_first']['load'][$endpoint]['rps'] ?? null);
                $vs1 = $endpoint === 'bare' || $label === 'SQLite' ? '–' : $x($mh['second_vs_first']['single'][$endpoint]['p50_us'] ?? null);
                $rows[] = [$endpoint === 'bare' ? '–' : $label, "`$endpoint`", $f ? $num($f['rps']) : '–', $f ? $ms($f['p50_us']) : '–', $f ? $ms($f['p99_us']) : '–',
                    $single ? $ms($single['p50_us']) : '–', $single ? $ms($single['p99_us']) : '–', $vs, $vs1];
            }
        }
        $mariadbSection .= $table(['Ledger', 'Endpoint', 'Requests/s (load)', 'p50 (load)', 'p99 (load)', 'p50 (one conn.)', 'p99 (one conn.)',
            'rps MariaDB / SQLite (load)', 'p50 MariaDB / SQLite (one conn.)'], $rows);
        $commit = $mhMaria['commit'] ?? null;
        $mariadbSection .= sprintf("\nPOST one transaction on one connection, MariaDB: p50 %s; bare p50 %s plus one INSERT + COMMIT of one row on the server %s "
            . "(PDO, measured beside each round; a `SELECT 1` round trip %s): the POST takes %s that sum (median of the per-round quotients; target ≤ 2x), "
            . "%s the INSERT + COMMIT alone.\n",
            $ms($mhMaria['median']['single']['post']['p50_us'] ?? null), $ms($mh['median']['single']['bare']['p50_us'] ?? null),
            $commit ? $num($commit['median'] * 1e3, 2) . ' ms' : '–', $commit ? $num($commit['round_trip'] * 1e3, 3) . ' ms' : '–', $x($mariaPost),
            $x($mhMaria['median']['ratios']['post_single_p50_vs_commit'] ?? null));
    }
}
if ($o['section'] === 'mariadb') {
    echo ltrim($mariadbSection);
    exit(0);
}
if ($mariadbBatch !== null || $mh !== null) {
    array_push($targets, ...$mariadbTargets);
}

// ------------------------------------------------------------ document
$md = "# Benchmarks\n\n";
$md .= "Generated by `make bench` (`bench/run.sh`) on " . ($machine['date'] ?? '?') . ' in ' . ($settings['total_seconds'] ?? '?') . " s.\n";
$md .= "Every figure is the **median of $rounds rounds**; every ratio is taken **within a round**, between runs made one\n"
    . "right after the other on the same machine, and the median of those per-round ratios is shown. The raw JSON of this run\n"
    . "is in `target/bench-results/` (not committed). This machine is shared with other test runs: absolute figures are\n"
    . "noisy, the ratios less so.\n\n";

$md .= "## Machine\n\n";
$md .= $table(['', ''], [
    ['CPUs (`nproc`)', $machine['nproc'] ?? '?'],
    ['CPU model', $machine['cpu'] ?? '?'],
    ['Kernel', $machine['kernel'] ?? '?'],
    ['OS', $machine['os'] ?? '?'],
    ['Memory', $machine['memory'] ?? '?'],
    ['Disk (databases)', $machine['disk'] ?? '?'],
    ['One fsync (4 KiB append + fsync(), median / p90)', $fsyncMs === null ? '?' : $num($fsyncMs, 2) . ' ms / ' . $num($machine['fsync']['p90'] * 1e3, 2) . ' ms'],
    ['PHP', $machine['php'] ?? '?'],
    ['Rust', $machine['rustc'] ?? '?'],
    ['SQLite in the extension (rusqlite, bundled)', $sqlite['sqlite'] ?? '?'],
    ['SQLite in PHP (pdo_sqlite, Debian)', $machine['pdo_sqlite'] ?? '?'],
    ['nginx / wrk', ($machine['nginx'] ?? '?') . ' / ' . ($machine['wrk'] ?? '?')],
    ['Extension (CashbackLedger::version())', $machine['extension'] ?? '?'],
    ['Source tree', $machine['tree'] ?? '?'],
]);

$md .= "\n## Targets\n\n";
$md .= $table(['Target', 'Measured', 'Goal', 'Result'], $targets);
if (isset($r['shell_rps_vs_bare'], $r['balance_rps_vs_bare'])) {
    $md .= sprintf("\nWhere GET balance's requests/s go (same rounds): the API's PHP classes alone (`shell`, no ledger call) run at %s "
        . "the bare endpoint; the ledger calls (authenticate, balance, the queued log row) take GET balance to %s the shell endpoint.\n",
        $x($r['shell_rps_vs_bare']), $x($r['balance_rps_vs_bare'] / $r['shell_rps_vs_bare']));
}

$md .= "\n## 1. Core (Rust, criterion)\n\n";
$critRows = [];
foreach (glob("$dir/criterion/core/*/new/estimates.json") ?: [] as $file) {
    $estimates = json_decode((string) file_get_contents($file), true);
    $meta = json_decode((string) @file_get_contents(dirname($file) . '/benchmark.json'), true) ?? [];
    $ns = $estimates['median']['point_estimate'];
    $elements = $meta['throughput']['Elements'] ?? 1;
    $time = $ns >= 1e6 ? $num($ns / 1e6, 2) . ' ms' : ($ns >= 1e3 ? $num($ns / 1e3, 2) . ' µs' : $num($ns, 1) . ' ns');
    $critRows[] = ['`' . ($meta['function_id'] ?? basename(dirname($file, 2))) . '`', $time, $num($elements / ($ns / 1e9)) . ' /s', $num($elements)];
}
$md .= $critRows === [] ? "_not run_\n" : $table(['Benchmark', 'Median time per iteration', 'Throughput', 'Items per iteration'], $critRows)
    . "\n`apply_one` and `apply_batch_*` commit to a file on the disk above, so each includes one fsync; `balance_by_phone` reads;\n"
    . "`normalize_phone_x5` normalizes five numbers in different national and international forms.\n";
if ($storageCore !== null) {
    $md .= sprintf("\nWithout PHP, the core applies the batch at %s items/s against %s items/s for the raw writer (bench/storage_limit.rs): %s of the storage limit.\n",
        $num($storageCore['ledger_core_items_per_s']), $num($storageCore['storage_items_per_s']), $x($storageCore['core_fraction_of_storage']));
}

$md .= "\n## 2–3. The batch: extension vs pure PHP vs storage limit\n\n";
$md .= 'One batch of ' . $num((float) ($batch['size'] ?? $settings['batch'] ?? 0)) . ' items over 1,000 customers, after a "yesterday" batch of '
    . $num((float) ($batch['yesterday'] ?? 0)) . " items (not timed). Timed: the `applyBatch()` call alone, each engine in a PHP process of its own,\n"
    . "on the same batch. Empty ledger: a fresh copy per engine and round. 10M-entry ledger: both engines write into the same copy of it,\n"
    . "in the same rounds as the empty one.\n\n";
$batchRow = static function (string $label, ?array $empty, ?array $scale, string $key, callable $format): array {
    return [$label, $format($empty['median'][$key] ?? null), $format($scale['median'][$key] ?? null)];
};
$md .= $table(['', 'Empty ledger', '10M-entry ledger'], [
    $batchRow('Extension (`CashbackLedger::applyBatch`), items/s', $batchEmpty, $batchScale, 'ext_items_per_s', $num),
    $batchRow('Pure PHP on PDO SQLite (bench/php/lib/PureLedger.php), items/s', $batchEmpty, $batchScale, 'php_items_per_s', $num),
    $batchRow('Storage limit: the same rows, raw rusqlite, one transaction, items/s', $batchEmpty, $batchScale, 'storage_items_per_s', $num),
    $batchRow('**Extension / pure PHP**', $batchEmpty, $batchScale, 'ext_vs_php', $x),
    $batchRow('**Extension / storage limit**', $batchEmpty, $batchScale, 'ext_fraction_of_storage', $x),
]);
if (isset($batchEmpty['mix'])) {
    $md .= "\nOutcomes of the batch (identical for both implementations, asserted item by item and table by table on the fresh copies"
        . ' — ' . (($batch['mismatches'] ?? 1) === 0 ? 'no difference in this run' : "**{$batch['mismatches']} differences in this run**") . "):\n\n";
    $md .= $table(['Outcome', 'Items'], array_map(null, array_map(static fn (string $k): string => "`$k`", array_keys($batchEmpty['mix'])), array_map($num, array_values($batchEmpty['mix']))));
}

$md .= "\n## 4. HTTP through nginx + php-fpm (php/server templates)\n\n";
if ($httpEmpty !== null) {
    $s = $httpEmpty['settings'];
    $md .= sprintf("wrk on loopback. *Load*: %d connections over %d threads, %d s per run; *one connection*: 1 connection, %d s. "
        . "`bare` is bench/http/bare.php in the same pool (a fixed JSON body: the floor of a PHP request); `shell` is bench/http/shell.php, "
        . "the API's own PHP for a balance request (autoloader, settings, request and response classes) answering a fixed body without calling the ledger, "
        . "so `balance` against `shell` is the share of the ledger calls. The batch is %s items per request.\n\n",
        $s['connections'], $s['threads'], $s['duration_s'], $s['duration_s'], $num((float) $s['batch_items']));
    $rows = [];
    foreach (['empty' => $httpEmpty, '10M' => $httpScale] as $label => $h) {
        if ($h === null) {
            continue;
        }
        $bare = $h['median']['load']['bare'] ?? null;
        foreach ($h['median']['load'] as $endpoint => $f) {
            $single = $h['median']['single'][$endpoint] ?? null;
            $rows[] = [$label, "`$endpoint`", $num($f['rps']), $ms($f['p50_us']), $ms($f['p99_us']), $single ? $ms($single['p50_us']) : '–', $single ? $ms($single['p99_us']) : '–',
                $endpoint === 'bare' ? '1' : $x($h['median']['ratios']["{$endpoint}_rps_vs_bare"] ?? null), $endpoint === 'bare' ? '1' : $x($h['median']['ratios']["{$endpoint}_p50_vs_bare"] ?? null, 1)];
        }
    }
    $md .= $table(['Ledger', 'Endpoint', 'Requests/s (load)', 'p50 (load)', 'p99 (load)', 'p50 (one conn.)', 'p99 (one conn.)', 'rps vs bare', 'p50 vs bare (load)'], $rows);
    $md .= sprintf("\nThe batch endpoint applies %s items/s over HTTP (empty ledger). POST one transaction on one connection: p50 %s; bare p50 %s plus one fsync %s (measured beside each round): the POST takes %s that sum (median of the per-round quotients; target ≤ 2x).\n",
        $num($r['batch_items_per_s'] ?? null), $ms($httpEmpty['median']['single']['post']['p50_us'] ?? null), $ms($httpEmpty['median']['single']['bare']['p50_us'] ?? null),
        $num(($httpEmpty['fsync']['median'] ?? NAN) * 1e3, 2) . ' ms', $x($postBudget));
} else {
    $md .= "_not run_\n";
}

$md .= "\n## 5. Scale: 1,000,000 customers and 10,000,000 entries against an empty ledger\n\n";
if ($scaleMeta !== null) {
    $md .= sprintf("The ledger was generated by `bench/gen_db.rs` (%s customers, %s entries, direct inserts in one transaction) in %s s and\n"
        . "checked by the ledger's own `verify()` in %s s (%s). The benchmarks ran on a copy; the generated file is kept in `target/bench-data/`.\n\n",
        $num((float) $scaleMeta['customers']), $num((float) $scaleMeta['entries']), $num($scaleMeta['generate_seconds'], 0), $num($scaleMeta['verify_seconds'], 0),
        $scaleMeta['verify_ok'] ? 'ok' : '**FAILED**');
}
$md .= $scaleRows === [] ? "_not run_\n" : "Both ledgers were measured in every round, one right after the other; \"worse by\" is the median of the per-round factors\n"
    . "(throughput: empty / 10M; latency: 10M / empty), so it can differ from the quotient of the two medians.\n\n"
    . $table(['Figure', 'Empty (median)', '10M entries (median)', 'Worse by', 'Within 2x'], $scaleRows);

$md .= "\n## 6. Memory\n\n";
if ($memory !== null) {
    $md .= sprintf("FPM pool as shipped except `pm = static`, 2 workers and `pm.max_requests = 0` (the shipped pool recycles a worker every 1,000 requests,\n"
        . "which bounds any leak; here each worker lives through the whole run). Requests: bench/http/mixed.lua, 4 balance reads to 1 accrual, %s in %s s,\n"
        . "on a ledger in /dev/shm (fsync latency does not change what a worker allocates, and 100,000 requests fit the time budget only without it).\n\n",
        $num((float) $memory['served']), $num($memory['seconds']));
    $md .= $table(['Worker', 'Requests served', 'VmRSS after warm-up', 'VmRSS after', 'Growth'], array_map(static fn (array $w): array => [
        (string) $w['pid'], $w['requests'] === null ? 'recycled' : $num((float) $w['requests']), $num($w['rss_before_kib'] / 1024, 1) . ' MB', $w['rss_after_kib'] === null ? 'gone' : $num($w['rss_after_kib'] / 1024, 1) . ' MB',
        $w['growth_kib'] === null ? '–' : $num($w['growth_kib'] / 1024, 2) . ' MB'], $memory['workers']));
}
if ($scaleMeta !== null) {
    $md .= sprintf("\nDatabase size: %s MB per million entries (the generated ledger: %s MB for %s entries with %s customers' phones and balances, sync log empty).\n",
        $num($scaleMeta['bytes_per_million_entries'] / 1e6, 1), $num($scaleMeta['bytes'] / 1e6, 0), $num((float) $scaleMeta['entries']), $num((float) $scaleMeta['customers']));
}

$md .= "\n## 7. Catch-up after a store's offline day\n\n";
if ($catchup !== null) {
    $md .= sprintf("%s operations (purchases' accruals and some redemptions, as the 1C queue holds them) sent as `POST transactions/batch` of %d items,\n"
        . "one after the other as the 1C queue sender does, on the empty ledger of section 4: **%s s** (median) from the first request to the last answer;\n"
        . "every operation was then found in the ledger: %s.\n",
        $num((float) $catchup['receipts']), $catchup['batch_size'], $num($catchSeconds, 2), $catchup['complete'] ? 'yes' : '**no**');
}

$md .= $mariadbSection;

$md .= <<<'MD'

## How to reproduce

```sh
make bench-deps      # apt-get install -y php8.2-sqlite3 php8.2-fpm nginx-light wrk curl jq (what is missing)
make bench           # everything above, then this file (about 8-11 minutes with the generated ledger cached in
                     # target/bench-data, of which the MariaDB section 3-6; generating it and its verify() add 4-5 minutes once)
make bench-quick     # about 60-90 s: smaller batch comparisons (SQLite and MariaDB) and HTTP runs, one line per ratio
bash bench/mariadb.sh  # section 8 alone (its own private MariaDB server), printed as markdown
bash bench/smoke.sh  # every bench program at tiny sizes with the equivalence assertions (a few seconds after the build)
bash bench/profile.sh  # perf profiles of the batch through the extension and of GET balance under load
```

Knobs: `BENCH_ROUNDS` (5), `BENCH_HTTP_SECONDS` (2), `BENCH_BATCH` (10000), `BENCH_SCALE_CUSTOMERS` (1000000),
`BENCH_SCALE_ENTRIES` (10000000; e.g. 1000000 for a quicker first run), `BENCH_MEMORY_REQUESTS` (100000), `BENCH_SKIP`
(any of `core storage batch http scale memory mariadb`), `BENCH_MARIADB_ROUNDS` (3 rounds of the MariaDB batch: its
per-item reference takes 20-60 s a round here), `BENCH_MARIADB_ENGINES` (`ext,php,php_tx,raw`), `BENCH_MARIADB_DIR` /
`BENCH_MARIADB_PORT` (`var/mariadb-bench`, 13350). Single programs:

```sh
CARGO_TARGET_DIR=target/bench cargo bench --bench core             # criterion
CARGO_TARGET_DIR=target/bench cargo bench --bench storage_limit    # core vs raw rusqlite, no PHP
CARGO_TARGET_DIR=target/bench cargo bench --bench gen_db -- --out /path/scale.db --entries 10000000
php -d extension=target/release/libcashback.so bench/php/setup.php --db /tmp/base.db
php -d extension=target/release/libcashback.so bench/php/batch_bench.php --base /tmp/base.db --work /tmp/w --check
tests/mariadb/server.sh start var/mariadb-bench 13350; APP=$(tests/mariadb/server.sh app-url var/mariadb-bench)
php -d extension=target/release/libcashback.so bench/php/setup.php --db "${APP}cb_base"    # the user may create cb_* databases
php bench/php/mysql_batch_bench.php --server "$APP" --base cb_base --rounds 1 --check
```

## Method

- **Batch** (bench/php/lib/Batch.php, the same generator in bench/common/mod.rs): 48% accruals (amounts as decimal strings,
  integers and floats), 20% debits (some beyond the balance), releases of earlier debits (some too large or another
  customer's), reversals of earlier accruals, 10% exact resends, 3% resends with another amount, 11% rejects (bad phone,
  unknown or ambiguous phone, bad amount, missing type, unknown field, bad date); phones in 1C's forms or user ids.
- **Pure-PHP reference** (bench/php/lib/PureLedger.php): the ledger's semantics on PDO SQLite as a competent PHP developer
  writes them: the schema from crates/cashback-sqlite/migrations, WAL and synchronous=FULL and the ledger's other pragmas, one
  `BEGIN IMMEDIATE` and one commit per batch with a savepoint per item, prepared statements reused, amounts parsed from
  decimal text without floats, phone normalization, duplicates and conflicts by external_id, balances, releases and
  reversals against what remains of their originals. On the empty ledger its results and tables must equal the
  extension's (everything but the human-readable messages), or the run fails.
- **Storage limit** (bench/storage_limit.rs): the rows the extension wrote in the same round, rewritten by a minimal Rust
  program (prepared single-row INSERTs, the same bundled SQLite, schema, pragmas, one transaction, no reads, no checks).
- **HTTP**: the production templates rendered as tests/fpm/run.sh does, plus a second server block for the bare endpoint
  in the same pool. Each wrk run is a fresh 2 s window after a warm-up; POSTs never repeat an external_id.
- **Scale**: the generated ledger is consistent (`verify()` passes): debits never overdraw, releases and reversals stay
  within their originals, entries spread over customers and over a year.
- **MariaDB** (bench/mariadb.sh, bench/php/mysql_batch_bench.php): the pure-PHP reference
  (bench/php/lib/PureMysqlLedger.php) is the brief's controller for each item: validation (the same rules as
  PureLedger), `existsByExternalId` before the transaction (a resend: duplicate or conflict), the customer by phone,
  then one transaction per item: the writers' lock row (as the extension, so ids and balances stay right with several
  writers), the original of a release or reversal, the balance `FOR UPDATE`, the entry (id = MAX(id) + 1, as the
  ledger assigns them), the balance; COMMIT. PDO defaults (emulated prepares), statements prepared once. `php_tx`
  runs the same code in one transaction per batch with a savepoint per item, for comparison. The raw limit reads the
  rows the extension wrote in the round (entries and its customers' balances) before its clock starts and writes them
  into a fresh database by multi-row INSERTs in one transaction. Every engine starts from a fresh copy of the same
  base database each round; results and tables must equal the extension's, or the run fails. The POST budget on
  MariaDB is the bare request plus one single-row INSERT and COMMIT through PDO on the same server (two round trips
  and one redo-log flush), measured in every round.

MD;

$findings = dirname(__DIR__) . '/findings.md';
if (is_file($findings)) {
    $md .= "\n" . trim((string) file_get_contents($findings)) . "\n";
}

$o['out'] === '-' ? print($md) : file_put_contents($o['out'], $md);
