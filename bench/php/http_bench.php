<?php

declare(strict_types=1);

// Item 4 of the benchmarks: wrk against the running nginx + php-fpm stack
// (bench/http/stack.sh): GET balance, POST one transaction (a unique
// external_id per request), POST a batch of --batch-items, the bare
// endpoint that returns a fixed JSON body, and the shell endpoint (the API's
// PHP classes answering a fixed body without the ledger). Every round runs all
// of them one after the other, so the ratios are taken side by side; the
// report is the median of the rounds.
//
// Two loads per endpoint: "load" (--connections over --threads: throughput
// and its latency), and "single" (one connection: the latency of one request
// on an idle server, for the fsync budget).
//
//   php bench/php/http_bench.php --api URL --bare URL --key KEY [--rounds 5] [--duration 2] [--out F]
//       [--label empty --api2 URL --key2 KEY --label2 scale]   a second ledger, measured in the same rounds
//       [--endpoints2 LIST --single2 LIST]                    what to measure on the second ledger (default: the same)
//       [--commit-probe2 mysql://…/DATABASE]                  the second ledger is on MariaDB/MySQL: one INSERT +
//                                                             COMMIT on that server, measured in every round, is the
//                                                             POST's budget there (post_single_p50_vs_bare_plus_commit)

use CashbackBench\Bench;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, [
    'api' => '', 'bare' => '', 'key' => '', 'rounds' => 5, 'duration' => 2, 'connections' => 8, 'threads' => 2,
    'batch-items' => 1000, 'users' => 1000, 'out' => '-', 'fsync-dir' => '', 'label' => 'http', 'single' => 'bare,balance,post',
    'endpoints' => 'bare,shell,balance,post,batch', 'warmup' => 1, 'api2' => '', 'label2' => 'scale', 'key2' => '',
    'endpoints2' => '', 'single2' => '', 'commit-probe2' => '',
]);
if ($o['api'] === '' || $o['bare'] === '' || $o['key'] === '') {
    fwrite(STDERR, "need --api, --bare and --key\n");
    exit(64);
}
$dir = dirname(__DIR__) . '/http';
$endpoints = explode(',', $o['endpoints']);
$single = array_values(array_filter(explode(",", $o["single"])));
// The second ledger's lists (the bare endpoint is measured once per round for both).
$endpoints2 = $o['endpoints2'] !== '' ? array_values(array_unique(['bare', ...explode(',', $o['endpoints2'])])) : $endpoints;
$single2 = $o['single2'] !== '' ? array_values(array_filter(explode(',', $o['single2']))) : $single;

// The ledgers to measure (a second one, e.g. the 10M-entry ledger, is measured in the same rounds).
$targets = [$o['label'] => $o['api']] + ($o['api2'] !== '' ? [$o['label2'] => $o['api2']] : []);
$keys = [$o['api'] => $o['key'], $o['api2'] => $o['key2'] !== '' ? $o['key2'] : $o['key']];
$lists = [$o['label'] => [$endpoints, $single], $o['label2'] => [$endpoints2, $single2]];

/** One wrk run; returns its JSON figures plus rps. */
$wrk = static function (string $endpoint, int $connections, int $threads, float $seconds, string $api = '') use ($o, $dir, $keys): array {
    static $run = 0;
    $run++;
    $url = match ($endpoint) {
        'bare' => $o['bare'] . '/',
        'shell' => $o['bare'],
        default => $api !== '' ? $api : $o['api'],
    };
    $env = [
        // The shell endpoint takes the balance request on another path.
        'BENCH_BALANCE_PATH' => $endpoint === 'shell' ? '/shell' : '/local/api/cashback/v1/balance',
        'BENCH_HTTP_DIR' => $dir, 'BENCH_API_KEY' => $keys[$api] ?? $o['key'], 'BENCH_USERS' => (string) $o['users'],
        'BENCH_BATCH_ITEMS' => (string) $o['batch-items'],
        'BENCH_RUN_TAG' => sprintf('%s-%x-%d-%d', $o['label'], time(), getmypid(), $run),
        'PATH' => getenv('PATH'),
    ];
    $command = ['wrk', '-t', (string) $threads, '-c', (string) $connections, '-d', sprintf('%.0fs', $seconds),
        '--timeout', '30s', '-s', $dir . '/' . ($endpoint === 'shell' ? 'balance' : $endpoint) . '.lua', $url];
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    if (proc_close($process) !== 0 || !preg_match('/^\{"requests".*$/m', $out, $m)) {
        throw new RuntimeException("wrk failed for $endpoint: $out $err");
    }
    $figures = json_decode($m[0], true, 512, JSON_THROW_ON_ERROR);
    $figures['rps'] = $figures['requests'] / ($figures['duration_us'] / 1e6);
    if ($figures['errors'] > 0) {
        Bench::progress("  warning: $endpoint: {$figures['errors']} errors ({$figures['status_errors']} non-2xx/3xx) of {$figures['requests']}");
    }
    return $figures;
};

$fsyncDir = $o['fsync-dir'] !== '' ? $o['fsync-dir'] : sys_get_temp_dir();

// Warm-up: FPM spawns its workers, opcache compiles, every worker opens its connections.
foreach ($o['warmup'] > 0 ? $targets : [] as $label => $api) {
    foreach ($lists[$label][0] as $endpoint) {
        $wrk($endpoint, $o['connections'], $o['threads'], $o['warmup'], $api);
    }
}

$rounds = array_fill_keys(array_keys($targets), []);
for ($round = 1; $round <= $o['rounds']; $round++) {
    // One fsync on the database's disk, measured in every round beside the requests it budgets.
    $fsync = Bench::fsyncSeconds($fsyncDir, 50);
    // On MariaDB the commit is the server's: its own INSERT + COMMIT, beside the requests it budgets.
    $commit = $o['commit-probe2'] !== '' ? CashbackBench\Mysql::commitSeconds($o['commit-probe2'], 50) : null;
    // The bare endpoint once per round, then every ledger one right after the other.
    $bare = ['load' => in_array('bare', $endpoints, true) ? $wrk('bare', $o['connections'], $o['threads'], $o['duration']) : null];
    $rows = [];
    foreach ($targets as $label => $api) {
        $rows[$label] = ['round' => $round, 'fsync' => $fsync, 'load' => array_filter(['bare' => $bare['load']])]
            + ($commit !== null && $label === $o['label2'] ? ['commit' => $commit] : []);
        foreach (array_diff($lists[$label][0], ['bare']) as $endpoint) {
            $rows[$label]['load'][$endpoint] = $wrk($endpoint, $o['connections'], $o['threads'], $o['duration'], $api);
        }
    }
    $bare['single'] = in_array('bare', $single, true) ? $wrk('bare', 1, 1, $o['duration']) : null;
    foreach ($targets as $label => $api) {
        $rows[$label]['single'] = array_filter(['bare' => $bare['single']]);
        foreach (array_diff($lists[$label][1], ['bare']) as $endpoint) {
            $rows[$label]['single'][$endpoint] = $wrk($endpoint, 1, 1, $o['duration'], $api);
        }
    }
    foreach ($rows as $label => $row) {
        $load = $row['load'];
        $ratios = [];
        foreach (['shell', 'balance', 'post', 'batch'] as $endpoint) {
            if (isset($load[$endpoint], $load['bare'])) {
                $ratios["{$endpoint}_rps_vs_bare"] = $load[$endpoint]['rps'] / $load['bare']['rps'];
                $ratios["{$endpoint}_p50_vs_bare"] = $load[$endpoint]['p50_us'] / $load['bare']['p50_us'];
            }
            if (isset($row['single'][$endpoint], $row['single']['bare'])) {
                $ratios["{$endpoint}_single_p50_vs_bare"] = $row['single'][$endpoint]['p50_us'] / $row['single']['bare']['p50_us'];
            }
        }
        if (isset($row['single']['post'], $row['single']['bare'])) {
            // The target: one POST within 2x of (the bare request + one fsync).
            $ratios['post_single_p50_vs_bare_plus_fsync'] = $row['single']['post']['p50_us'] / ($row['single']['bare']['p50_us'] + $fsync['median'] * 1e6);
            if (isset($row['commit'])) {
                // MariaDB: the POST within 2x of (the bare request + one INSERT and COMMIT on the server).
                $ratios['post_single_p50_vs_bare_plus_commit'] = $row['single']['post']['p50_us'] / ($row['single']['bare']['p50_us'] + $row['commit']['commit'] * 1e6);
                $ratios['post_single_p50_vs_commit'] = $row['single']['post']['p50_us'] / ($row['commit']['commit'] * 1e6);
            }
        }
        if (isset($load['batch'])) {
            $ratios['batch_items_per_s'] = $load['batch']['rps'] * $o['batch-items'];
        }
        $row['ratios'] = $ratios;
        $rounds[$label][] = $row;
        Bench::progress(sprintf(
            '  %s round %d/%d: %s %.2f ms; %s%s',
            $label,
            $round,
            $o['rounds'],
            isset($row['commit']) ? 'insert+commit' : 'fsync',
            (isset($row['commit']) ? $row['commit']['commit'] : $fsync['median']) * 1e3,
            implode(', ', array_map(static fn (string $e): string => sprintf('%s %.0f rps p50 %.1f ms', $e, $load[$e]['rps'], $load[$e]['p50_us'] / 1e3), array_keys($load))),
            isset($ratios['balance_rps_vs_bare']) ? sprintf('; balance/bare %.2f', $ratios['balance_rps_vs_bare']) : '',
        ));
    }
}

/** Medians of every figure over the rounds of one ledger. */
$summary = static function (array $rounds): array {
    $median = [];
    foreach (['load', 'single'] as $mode) {
        foreach ($rounds[0][$mode] ?? [] as $endpoint => $_) {
            foreach (['rps', 'p50_us', 'p90_us', 'p99_us', 'errors', 'requests'] as $figure) {
                $median[$mode][$endpoint][$figure] = Bench::median(array_map(static fn (array $r): float => (float) $r[$mode][$endpoint][$figure], $rounds));
            }
        }
    }
    foreach ($rounds[0]['ratios'] as $name => $_) {
        $median['ratios'][$name] = Bench::median(array_column(array_column($rounds, 'ratios'), $name));
    }
    return $median;
};
$labels = array_keys($targets);
$first = $labels[0];
$report = [
    'label' => $first, 'rounds' => $rounds[$first], 'median' => $summary($rounds[$first]),
    'fsync' => ['median' => Bench::median(array_map(static fn (array $r): float => $r['fsync']['median'], $rounds[$first]))],
    'settings' => ['duration_s' => $o['duration'], 'connections' => $o['connections'], 'threads' => $o['threads'], 'batch_items' => $o['batch-items']],
];
if (isset($labels[1])) {
    $second = $labels[1];
    $report['second'] = ['label' => $second, 'rounds' => $rounds[$second], 'median' => $summary($rounds[$second])];
    if (isset($rounds[$second][0]['commit'])) {
        $report['second']['commit'] = [
            'median' => Bench::median(array_map(static fn (array $r): float => $r['commit']['commit'], $rounds[$second])),
            'round_trip' => Bench::median(array_map(static fn (array $r): float => $r['commit']['round_trip'], $rounds[$second])),
        ];
    }
    // How much worse every figure is on the second ledger, per round (throughput: first/second; latency: second/first),
    // and the plain quotients second / first (second_vs_first), both as medians of the per-round figures.
    foreach (['load', 'single'] as $mode) {
        foreach ($rounds[$first][0][$mode] ?? [] as $endpoint => $_) {
            if ($endpoint === 'bare' || !isset($rounds[$second][0][$mode][$endpoint])) {
                continue;
            }
            foreach (['rps', 'p50_us', 'p99_us'] as $figure) {
                $report['second_vs_first'][$mode][$endpoint][$figure] = Bench::median(array_map(
                    static fn (array $a, array $b): float => $b[$mode][$endpoint][$figure] / $a[$mode][$endpoint][$figure],
                    $rounds[$first],
                    $rounds[$second],
                ));
            }
            $factor = static fn (string $figure, bool $higherIsBetter): float => Bench::median(array_map(
                static function (array $a, array $b) use ($mode, $endpoint, $figure, $higherIsBetter): float {
                    [$x, $y] = [$a[$mode][$endpoint][$figure], $b[$mode][$endpoint][$figure]];
                    return $higherIsBetter ? $x / $y : $y / $x;
                },
                $rounds[$first],
                $rounds[$second],
            ));
            $report['second_worse_by'][$mode][$endpoint] = ['rps' => $factor('rps', true), 'p50_us' => $factor('p50_us', false), 'p99_us' => $factor('p99_us', false)];
        }
    }
}
Bench::writeJson($o['out'], $report);
