<?php

declare(strict_types=1);

// Item 6 of the benchmarks: resident memory (VmRSS) of the FPM workers before
// and after --requests requests (bench/http/mixed.lua: 4 balance reads to 1
// accrual). The pool must be static with pm.max_requests = 0 (bench/run.sh
// starts it so), or workers would be recycled every 1,000 requests as the
// production pool does. "Before" is taken after a warm-up of --warmup
// requests (opcache filled, connection and statements cached).
//
//   php bench/php/memory.php --api URL --key KEY --fpm-pid PID [--requests 100000] [--warmup 2000]

use CashbackBench\Bench;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, ['api' => '', 'key' => '', 'fpm-pid' => 0, 'requests' => 100000, 'warmup' => 2000, 'connections' => 4, 'threads' => 2, 'users' => 1000, 'out' => '-']);
if ($o['api'] === '' || $o['key'] === '' || $o['fpm-pid'] <= 0) {
    fwrite(STDERR, "need --api, --key and --fpm-pid\n");
    exit(64);
}

/** pid => VmRSS in KiB, for the children of the FPM master. */
function workers(int $master): array
{
    $rss = [];
    foreach (glob('/proc/[0-9]*/stat') as $stat) {
        $fields = explode(' ', preg_replace('/^.*\) /', '', (string) @file_get_contents($stat)));
        if ((int) ($fields[1] ?? 0) !== $master) {
            continue;
        }
        $pid = (int) basename(dirname($stat));
        if (preg_match('/^VmRSS:\s+(\d+) kB/m', (string) @file_get_contents("/proc/$pid/status"), $m)) {
            $rss[$pid] = (int) $m[1];
        }
    }
    ksort($rss);
    return $rss;
}

/** Requests served per worker pid, from the pool's status page. */
function served(string $api): array
{
    $status = json_decode((string) @file_get_contents(rtrim($api, '/') . '/fpm-status?json&full'), true);
    $served = [];
    foreach ($status['processes'] ?? [] as $process) {
        $served[(int) $process['pid']] = (int) $process['requests'];
    }
    return $served;
}

/** Total requests the pool has accepted, from its status page. */
function accepted(string $api): int
{
    $status = json_decode((string) @file_get_contents(rtrim($api, '/') . '/fpm-status?json'), true);
    return (int) ($status['accepted conn'] ?? 0);
}

/** Runs bench/http/mixed.lua until the pool has served $requests more requests, then stops wrk (SIGINT). */
$load = static function (int $requests, bool $verbose) use ($o): array {
    $env = [
        'BENCH_HTTP_DIR' => dirname(__DIR__) . '/http', 'BENCH_API_KEY' => $o['key'], 'BENCH_USERS' => (string) $o['users'],
        'BENCH_RUN_TAG' => sprintf('mem-%x-%d-%d', time(), getmypid(), $requests), 'PATH' => getenv('PATH'),
    ];
    $goal = accepted($o['api']) + $requests;
    $started = hrtime(true);
    $process = proc_open(['wrk', '-t', (string) $o['threads'], '-c', (string) $o['connections'], '-d', '1800s', '--timeout', '30s',
        '-s', dirname(__DIR__) . '/http/mixed.lua', rtrim($o['api'], '/') . '/local/api/cashback/v1/'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
    $lastReport = hrtime(true);
    while (($now = accepted($o['api'])) < $goal && proc_get_status($process)['running']) {
        usleep(200000);
        if ($verbose && hrtime(true) - $lastReport > 10e9) {
            $lastReport = hrtime(true);
            $done = $requests - ($goal - $now);
            $rate = $done / ((hrtime(true) - $started) / 1e9);
            Bench::progress(sprintf('  memory: %d/%d requests (%.0f/s, %.0f s left)', $done, $requests, $rate, ($goal - $now) / max($rate, 1)));
        }
    }
    proc_terminate($process, 2);
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($process);
    if (!preg_match('/^\{"requests".*$/m', $out, $m)) {
        throw new RuntimeException("wrk failed: $out");
    }
    return json_decode($m[0], true) + ['seconds' => (hrtime(true) - $started) / 1e9];
};

$load($o['warmup'], false);
$before = workers($o['fpm-pid']);
$servedBefore = served($o['api']);
$acceptedBefore = accepted($o['api']);
Bench::progress(sprintf('  memory: %d workers after %d warm-up requests: %s KiB; now %d requests ...',
    count($before), $o['warmup'], implode(', ', $before), $o['requests']));
$run = $load($o['requests'], true);
$after = workers($o['fpm-pid']);
$servedAfter = served($o['api']);
$acceptedAfter = accepted($o['api']);

$perWorker = [];
foreach ($before as $pid => $rss) {
    $perWorker[] = [
        'pid' => $pid, 'rss_before_kib' => $rss, 'rss_after_kib' => $after[$pid] ?? null,
        'growth_kib' => isset($after[$pid]) ? $after[$pid] - $rss : null,
        'requests' => isset($after[$pid]) ? ($servedAfter[$pid] ?? 0) - ($servedBefore[$pid] ?? 0) : null,
        'same_process' => isset($after[$pid]),
    ];
}
$growth = array_filter(array_column($perWorker, 'growth_kib'), 'is_int');
$result = [
    'requests' => $run['requests'], 'served' => $acceptedAfter - $acceptedBefore, 'seconds' => $run['seconds'], 'errors' => $run['errors'], 'workers' => $perWorker,
    'max_growth_kib' => $growth === [] ? null : max($growth), 'all_workers_survived' => count($growth) === count($before),
];
Bench::progress(sprintf('  memory: %d requests in %.0f s; growth per worker: %s KiB', $result['served'], $run['seconds'], implode(', ', $growth)));
Bench::writeJson($o['out'], $result);
