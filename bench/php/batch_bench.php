<?php

declare(strict_types=1);

// Items 2 and 3 of the benchmarks: the same batch through the extension
// (CashbackLedger::applyBatch), through the pure-PHP reference
// (bench/php/lib/PureLedger.php) and, when --storage names the storage_limit
// program, the rows the extension wrote rewritten by raw rusqlite. All three
// run in every round, side by side; the ratios are per round, then the median.
//
//   php bench/php/batch_bench.php --work DIR [--base BASE.db] [--target SCALE.db] [--ext libcashback.so]
//       [--size 10000] [--yesterday 1000] [--rounds 5] [--storage path/to/storage_limit] [--out results.json] [--check]
//
// --base ("empty" in the results): every engine gets a fresh copy of BASE per
//   round (phones only, or any ledger small enough to copy).
// --target ("scale"): every engine writes into TARGET (the generated ledger),
//   with its own external_id prefix, so nothing is copied; the two engines
//   then start from slightly different balances and are not compared.
// With both, every round runs both, one right after the other.
// Each engine runs in its own PHP process per round (the extension loaded there
// with -d extension=--ext); it first applies "yesterday" (untimed), then times
// today's batch. On fresh copies the extension's and the reference's
// per-item results must be identical (mismatches are counted and shown); with
// --check the final tables must be too, and any difference exits 1.

use CashbackBench\Batch;
use CashbackBench\Bench;
use CashbackBench\PureLedger;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, [
    'base' => '', 'work' => '', 'target' => '', 'size' => 10000, 'yesterday' => 1000,
    'rounds' => 5, 'storage' => '', 'out' => '-', 'check' => false, 'tag' => '', 'engines' => 'ext,php,storage',
    'ext' => getenv('CASHBACK_EXTENSION') ?: dirname(__DIR__, 2) . '/target/release/libcashback.so',
    'worker' => '', 'db' => '', 'prefix' => '', 'round' => 0,
]);
if ($o['worker'] !== '') {
    // One engine, one round, in this process: yesterday (not timed), then today's batch (timed).
    [$yesterday, $today] = Batch::generate($o['prefix'], $o['round'], $o['yesterday'], $o['size']);
    $ledger = $o['worker'] === 'ext' ? new CashbackLedger($o['db']) : new PureLedger($o['db']);
    $ledger->applyBatch($yesterday);
    $started = hrtime(true);
    $results = $ledger->applyBatch($today);
    $seconds = (hrtime(true) - $started) / 1e9;
    file_put_contents($o['out'], serialize(['seconds' => $seconds, 'results' => $results]));
    exit(0);
}
if (!is_file($o['ext'])) {
    fwrite(STDERR, "no extension at {$o['ext']} (--ext or CASHBACK_EXTENSION)\n");
    exit(1);
}
if ($o['work'] === '' || ($o['base'] === '' && $o['target'] === '')) {
    fwrite(STDERR, "need --work, and --base (fresh copies) and/or --target (a shared ledger)\n");
    exit(64);
}
@mkdir($o['work'], 0777, true);
$engines = array_values(array_intersect(['ext', 'php', 'storage'], explode(',', $o['engines'])));
if ($o['storage'] === '') {
    $engines = array_values(array_diff($engines, ['storage']));
}
$tag = $o['tag'] !== '' ? $o['tag'] : 'b' . dechex(time()) . dechex(getmypid());

$kinds = array_keys(array_filter(['empty' => $o['base'] !== '', 'scale' => $o['target'] !== '']));
$rounds = array_fill_keys($kinds, []);
$mismatches = 0;
$mix = [];
for ($round = 1; $round <= $o['rounds']; $round++) {
    // Both ledgers in every round, one right after the other, so that "10M vs empty" is side by side too.
    foreach ($kinds as $kind) {
        $shared = $kind === 'scale';
        // Alternate who goes first; storage always follows the extension (it copies its rows).
        $order = $round % 2 === 1 ? $engines : array_merge(array_diff($engines, ['ext', 'storage']), array_intersect(['ext', 'storage'], $engines));
        $times = [];
        $results = [];
        $dbs = [];
        $written = null;
        foreach ($order as $engine) {
            $prefix = $shared ? "$tag-r$round$engine" : "r$round";
            $db = $shared ? $o['target'] : "{$o['work']}/r$round-$engine.db";
            $dbs[$engine] = $db;
            if ($engine === 'storage') {
                if ($written === null) {
                    continue; // the extension wrote nothing to copy
                }
                if (!$shared) {
                    Bench::removeDb($db);
                }
                $out = json_decode(Bench::run([$o['storage'], 'write', '--source', $dbs['ext'], '--after-id', (string) $written[0],
                    '--through-id', (string) $written[1], '--target', $db, '--tag', "s$tag-$round-"]), true, 512, JSON_THROW_ON_ERROR);
                $times[$engine] = $out['seconds'];
                continue;
            }
            if (!$shared) {
                Bench::copyDb($o['base'], $db);
            }
            // Each engine runs in a process of its own: the extension's SQLite (bundled) and pdo_sqlite's (Debian's)
            // are two copies of the library, and two copies in one process break each other's locks on a shared file.
            $resultFile = "{$o['work']}/result-$round-$engine.ser";
            Bench::run([PHP_BINARY, '-d', "extension={$o['ext']}", __FILE__, '--worker', $engine, '--db', $db, '--prefix', $prefix,
                '--round', (string) $round, '--size', (string) $o['size'], '--yesterday', (string) $o['yesterday'], '--out', $resultFile]);
            ['seconds' => $times[$engine], 'results' => $results[$engine]] = unserialize((string) file_get_contents($resultFile));
            unlink($resultFile);
            if ($engine === 'ext') {
                $ids = array_column(array_filter($results['ext'], static fn (array $r): bool => $r['status'] === 'success'), 'transaction_id');
                $written = $ids === [] ? null : [min($ids) - 1, max($ids)];
            }
        }
        if ($round === 1 && isset($results['ext']) && !isset($mix[$kind])) {
            foreach ($results['ext'] as $result) {
                $key = $result['status'] === 'error' ? 'error:' . $result['error'] : $result['status'];
                $mix[$kind][$key] = ($mix[$kind][$key] ?? 0) + 1;
            }
            ksort($mix[$kind]);
        }
        // The extension and the reference must agree on every item (statuses, codes, ids, balances), given the
        // same starting ledger: only with fresh copies (on a shared ledger each engine sees the other's writes).
        if (!$shared && isset($results['ext'], $results['php'])) {
            foreach ($results['ext'] as $i => $ext) {
                if (Bench::comparable($ext) !== Bench::comparable($results['php'][$i])) {
                    if ($mismatches++ < 5) {
                        Bench::progress("MISMATCH item $i: ext " . json_encode($ext) . ' php ' . json_encode($results['php'][$i]));
                    }
                }
            }
            if ($o['check']) {
                $mismatches += compareTables($dbs['ext'], $dbs['php']);
            }
        }
        $row = ['round' => $round];
        foreach ($times as $engine => $seconds) {
            $row[$engine . '_seconds'] = $seconds;
            $row[$engine . '_items_per_s'] = $o['size'] / $seconds;
        }
        if (isset($times['ext'], $times['php'])) {
            $row['ext_vs_php'] = $times['php'] / $times['ext'];
        }
        if (isset($times['ext'], $times['storage'])) {
            $row['ext_fraction_of_storage'] = $times['storage'] / $times['ext'];
        }
        $rounds[$kind][] = $row;
        Bench::progress(sprintf(
            '  %s round %d/%d: %s',
            $kind,
            $round,
            $o['rounds'],
            implode(', ', array_map(static fn (string $e): string => sprintf('%s %.0f items/s (%.1f ms)', $e, $row[$e . '_items_per_s'], 1e3 * $row[$e . '_seconds']), array_keys($times)))
                . (isset($row['ext_vs_php']) ? sprintf('; ext/php %.1fx', $row['ext_vs_php']) : '')
                . (isset($row['ext_fraction_of_storage']) ? sprintf('; ext/storage %.2f', $row['ext_fraction_of_storage']) : ''),
        ));
        if (!$shared) {
            foreach ($dbs as $db) {
                Bench::removeDb($db);
            }
        }
    }
}

$medians = static function (array $rows): array {
    $medians = [];
    foreach (['ext_items_per_s', 'php_items_per_s', 'storage_items_per_s', 'ext_vs_php', 'ext_fraction_of_storage', 'ext_seconds', 'php_seconds', 'storage_seconds'] as $key) {
        $values = array_column($rows, $key);
        if ($values !== []) {
            $medians[$key] = Bench::median($values);
        }
    }
    return $medians;
};
$report = ['size' => $o['size'], 'yesterday' => $o['yesterday'], 'mismatches' => $mismatches];
foreach ($kinds as $kind) {
    $report[$kind] = ['rounds' => $rounds[$kind], 'median' => $medians($rounds[$kind]), 'mix' => $mix[$kind] ?? []];
}
if (count($kinds) === 2) {
    // How much slower each engine is on the large ledger, per round (empty / scale items/s), then the median.
    foreach (['ext', 'php', 'storage'] as $engine) {
        $factors = [];
        foreach ($rounds['empty'] as $i => $row) {
            if (isset($row["{$engine}_items_per_s"], $rounds['scale'][$i]["{$engine}_items_per_s"])) {
                $factors[] = $row["{$engine}_items_per_s"] / $rounds['scale'][$i]["{$engine}_items_per_s"];
            }
        }
        if ($factors !== []) {
            $report['scale_slower_by'][$engine] = Bench::median($factors);
        }
    }
}
Bench::writeJson($o['out'], $report);
exit($o['check'] && $mismatches > 0 ? 1 : 0);

/** Differences between the two ledgers' tables (entries without recorded_at, accounts without updated_at). */
function compareTables(string $a, string $b): int
{
    $read = static function (string $file): array {
        $db = new PDO('sqlite:' . $file, null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        return [
            // created_at defaults to "now" (each engine's own clock) for items without one.
            $db->query("SELECT id, external_id, user_id, phone, kind, amount, original_id, source, store_id, description,
                               CASE WHEN abs(created_at - recorded_at / 1000) < 60 THEN 'now' ELSE created_at END
                        FROM entries ORDER BY id")->fetchAll(PDO::FETCH_NUM),
            $db->query('SELECT user_id, balance FROM accounts ORDER BY user_id')->fetchAll(PDO::FETCH_NUM),
        ];
    };
    [$entriesA, $accountsA] = $read($a);
    [$entriesB, $accountsB] = $read($b);
    $problems = 0;
    foreach ([['entries', $entriesA, $entriesB], ['accounts', $accountsA, $accountsB]] as [$table, $x, $y]) {
        if ($x !== $y) {
            $problems++;
            $diff = array_udiff_assoc($x, $y, static fn ($p, $q): int => $p === $q ? 0 : 1);
            Bench::progress("MISMATCH $table: " . count($x) . ' vs ' . count($y) . ' rows; first difference: ' . json_encode(array_slice($diff, 0, 1, true)));
        }
    }
    return $problems;
}
