<?php

declare(strict_types=1);

// The batch on MariaDB/MySQL (section 8 of docs/benchmarks.md): the same batch
// as bench/php/batch_bench.php (bench/php/lib/Batch.php: same mix, same
// yesterday/today split), side by side in every round, through
//
//   ext     CashbackLedger::applyBatch() on a mysql:// URL (one transaction for the batch);
//   php     the pure-PHP PDO reference shaped like the brief's controller
//           (bench/php/lib/PureMysqlLedger.php: check, then a transaction per item);
//   php_tx  (optional) the same PHP in one transaction per batch, a savepoint per item;
//   raw     the raw limit: the rows the extension wrote in this round (entries and
//           its customers' balances) rewritten into a fresh database by PDO,
//           multi-row INSERTs in one transaction, no reads, no checks.
//
// Every engine gets a fresh database per round: a copy (CREATE TABLE ... LIKE,
// INSERT ... SELECT) of --base, which bench/php/setup.php made through the
// extension (its schema, the benchmark customers' phones, the stores). Each
// engine runs in a PHP process of its own; it applies "yesterday" (not timed)
// and then today's batch (timed: the applyBatch() call, or for raw the
// transaction from START TRANSACTION to the end of COMMIT). The extension's and
// the reference's per-item results must be identical (messages aside), and with
// --check their final entries and balances too; any difference exits 1.
//
//   php bench/php/mysql_batch_bench.php --server URL --base DATABASE [--admin URL] [--ext libcashback.so]
//       [--size 10000] [--yesterday 1000] [--rounds 5] [--engines ext,php,raw] [--check] [--out results.json]
//
// --server: the ledger user's URL without a database (tests/mariadb/server.sh app-url);
// --admin: a user that may create and drop the round's databases (default --server).

use CashbackBench\Batch;
use CashbackBench\Bench;
use CashbackBench\Mysql;
use CashbackBench\PureMysqlLedger;

require __DIR__ . '/lib/bootstrap.php';

/** Rows per multi-row INSERT of the raw limit (--raw-chunk). */
const RAW_CHUNK = 1000;
const PREFIX = 'local_cashback_';

$o = Bench::options($argv, [
    'server' => '', 'admin' => '', 'base' => '', 'size' => 10000, 'yesterday' => 1000, 'rounds' => 5, 'engines' => 'ext,php,raw',
    'check' => false, 'out' => '-', 'tag' => '', 'commit-samples' => 50, 'raw-chunk' => RAW_CHUNK, 'raw-emulate' => 1,
    'ext' => getenv('CASHBACK_EXTENSION') ?: dirname(__DIR__, 2) . '/target/release/libcashback.so',
    'worker' => '', 'url' => '', 'source' => '', 'after-id' => 0, 'through-id' => 0, 'prefix' => '', 'round' => 0,
]);

if ($o['worker'] === 'raw') {
    rawWorker($o['source'], $o['url'], $o['after-id'], $o['through-id'], $o['out'], $o['raw-chunk'], $o['raw-emulate'] === 1);
    exit(0);
}
if ($o['worker'] !== '') {
    // One engine, one round, in this process: yesterday (not timed), then today's batch (timed).
    [$yesterday, $today] = Batch::generate($o['prefix'], $o['round'], $o['yesterday'], $o['size']);
    $ledger = match ($o['worker']) {
        'ext' => new CashbackLedger($o['url']),
        'php' => new PureMysqlLedger($o['url']),
        'php_tx' => new PureMysqlLedger($o['url'], true),
    };
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
if ($o['server'] === '' || $o['base'] === '') {
    fwrite(STDERR, "need --server URL (tests/mariadb/server.sh app-url DIR) and --base DATABASE (made by setup.php)\n");
    exit(64);
}
$admin = Mysql::pdo($o['admin'] !== '' ? $o['admin'] : $o['server']);
$engines = array_values(array_intersect(['ext', 'php', 'php_tx', 'raw'], explode(',', $o['engines'])));
$tag = $o['tag'] !== '' ? $o['tag'] : 'mb' . dechex(time()) . dechex(getmypid());
$work = sys_get_temp_dir() . "/cashback-mysql-bench-$tag";
@mkdir($work, 0700, true);
$probeDb = Mysql::name($tag, 'probe');
$admin->exec("CREATE DATABASE IF NOT EXISTS `$probeDb`");
$created = [$probeDb => true];
$server = Mysql::serverInfo($o['server']);
Bench::progress(sprintf('  MariaDB %s, innodb_flush_log_at_trx_commit=%s, binlog %s', $server['version'],
    $server['innodb_flush_log_at_trx_commit'] ?? '?', $server['log_bin'] ?? '?'));

$loadAverage = static fn (): string => implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3));
$load = ['before' => $loadAverage()];
$rounds = [];
$mismatches = 0;
$mix = [];
try {
    for ($round = 1; $round <= $o['rounds']; $round++) {
        // Alternate who goes first; raw always follows the extension (it copies its rows).
        $order = $round % 2 === 1 ? $engines : array_merge(array_diff($engines, ['ext', 'raw']), array_intersect(['ext', 'raw'], $engines));
        // The server's own floor for one durable write, measured beside the engines in every round.
        $commit = Mysql::commitSeconds(Mysql::withDatabase($o['server'], $probeDb), $o['commit-samples']);
        $times = [];
        $results = [];
        $dbs = [];
        $written = null;
        foreach (array_values($order) as $engine) {
            $db = Mysql::name($tag, "r$round", $engine);
            Mysql::copyDatabase($admin, $o['base'], $db);
            $created[$db] = true;
            $dbs[$engine] = $db;
            $url = Mysql::withDatabase($o['server'], $db);
            $resultFile = "$work/result-$round-$engine.ser";
            if ($engine === 'raw') {
                if ($written === null) {
                    continue; // the extension wrote nothing to copy
                }
                Bench::run([PHP_BINARY, __FILE__, '--worker', 'raw', '--source', Mysql::withDatabase($o['server'], $dbs['ext']), '--url', $url,
                    '--after-id', (string) $written[0], '--through-id', (string) $written[1], '--raw-chunk', (string) $o['raw-chunk'],
                    '--raw-emulate', (string) $o['raw-emulate'], '--out', $resultFile]);
                $times[$engine] = unserialize((string) file_get_contents($resultFile))['seconds'];
                unlink($resultFile);
                continue;
            }
            Bench::run([PHP_BINARY, '-d', "extension={$o['ext']}", __FILE__, '--worker', $engine, '--url', $url, '--prefix', "r$round",
                '--round', (string) $round, '--size', (string) $o['size'], '--yesterday', (string) $o['yesterday'], '--out', $resultFile]);
            ['seconds' => $times[$engine], 'results' => $results[$engine]] = unserialize((string) file_get_contents($resultFile));
            unlink($resultFile);
            if ($engine === 'ext') {
                $ids = array_column(array_filter($results['ext'], static fn (array $r): bool => $r['status'] === 'success'), 'transaction_id');
                $written = $ids === [] ? null : [min($ids) - 1, max($ids)];
            }
        }
        if ($round === 1 && isset($results['ext'])) {
            foreach ($results['ext'] as $result) {
                $key = $result['status'] === 'error' ? 'error:' . $result['error'] : $result['status'];
                $mix[$key] = ($mix[$key] ?? 0) + 1;
            }
            ksort($mix);
        }
        // Every PHP engine must agree with the extension on every item and on the final tables.
        foreach (array_intersect(['php', 'php_tx'], array_keys($results)) as $engine) {
            if (!isset($results['ext'])) {
                break;
            }
            foreach ($results['ext'] as $i => $ext) {
                if (Bench::comparable($ext) !== Bench::comparable($results[$engine][$i])) {
                    if ($mismatches++ < 5) {
                        Bench::progress("MISMATCH $engine item $i: ext " . json_encode($ext) . " $engine " . json_encode($results[$engine][$i]));
                    }
                }
            }
            if ($o['check']) {
                $mismatches += compareTables($admin, $dbs['ext'], $dbs[$engine], $engine);
            }
        }
        if ($o['check'] && isset($times['raw'])) {
            // The raw limit wrote what the extension wrote in this round (the rows after yesterday's), no more, no less.
            $mismatches += compareTables($admin, $dbs['ext'], $dbs['raw'], 'raw', $written[0]);
        }
        $row = ['round' => $round, 'commit' => $commit];
        foreach ($times as $engine => $seconds) {
            $row[$engine . '_seconds'] = $seconds;
            $row[$engine . '_items_per_s'] = $o['size'] / $seconds;
        }
        foreach (['php', 'php_tx'] as $engine) {
            if (isset($times['ext'], $times[$engine])) {
                $row["ext_vs_$engine"] = $times[$engine] / $times['ext'];
            }
        }
        if (isset($times['ext'], $times['raw'])) {
            $row['ext_fraction_of_raw'] = $times['raw'] / $times['ext'];
        }
        if (isset($results['ext'])) {
            $row['accepted'] = count(array_filter($results['ext'], static fn (array $r): bool => $r['status'] === 'success'));
        }
        $rounds[] = $row;
        Bench::progress(sprintf(
            '  mariadb round %d/%d: %s; commit %.2f ms',
            $round,
            $o['rounds'],
            implode(', ', array_map(static fn (string $e): string => sprintf('%s %.0f items/s (%.1f ms)', $e, $row[$e . '_items_per_s'], 1e3 * $row[$e . '_seconds']), array_keys($times)))
                . (isset($row['ext_vs_php']) ? sprintf('; ext/php %.1fx', $row['ext_vs_php']) : '')
                . (isset($row['ext_vs_php_tx']) ? sprintf('; ext/php_tx %.1fx', $row['ext_vs_php_tx']) : '')
                . (isset($row['ext_fraction_of_raw']) ? sprintf('; ext/raw %.2f', $row['ext_fraction_of_raw']) : ''),
            1e3 * $commit['commit'],
        ));
        foreach ($dbs as $db) {
            Mysql::dropDatabase($admin, $db);
            unset($created[$db]);
        }
    }
} finally {
    foreach (array_keys($created) as $db) {
        Mysql::dropDatabase($admin, $db);
    }
    @rmdir($work);
}

$load['after'] = $loadAverage();
$median = [];
foreach (['ext_items_per_s', 'php_items_per_s', 'php_tx_items_per_s', 'raw_items_per_s', 'ext_vs_php', 'ext_vs_php_tx', 'ext_fraction_of_raw',
    'ext_seconds', 'php_seconds', 'php_tx_seconds', 'raw_seconds', 'accepted'] as $key) {
    $values = array_column($rounds, $key);
    if ($values !== []) {
        $median[$key] = Bench::median($values);
    }
}
$median['commit_ms'] = 1e3 * Bench::median(array_map(static fn (array $r): float => $r['commit']['commit'], $rounds));
$median['round_trip_ms'] = 1e3 * Bench::median(array_map(static fn (array $r): float => $r['commit']['round_trip'], $rounds));
Bench::writeJson($o['out'], [
    'size' => $o['size'], 'yesterday' => $o['yesterday'], 'mismatches' => $mismatches, 'engines' => $engines, 'raw_chunk' => $o['raw-chunk'], 'raw_emulated_prepares' => $o['raw-emulate'] === 1,
    'server' => $server, 'load' => $load, 'rounds' => $rounds, 'median' => $median, 'mix' => $mix,
]);
exit($o['check'] && $mismatches > 0 ? 1 : 0);

/**
 * Differences between two ledgers' entries (without recorded_at; a created_at
 * that defaulted to "now" as 'now') and balances (without updated_at). With
 * $afterId, only the entries after it and the balances of their customers (the
 * raw limit's rows).
 */
function compareTables(PDO $admin, string $a, string $b, string $what, ?int $afterId = null): int
{
    $read = static function (string $db) use ($admin, $afterId): array {
        $p = "`$db`." . PREFIX;
        $where = $afterId === null ? '' : 'WHERE id > ' . (int) $afterId;
        $entries = $admin->query("SELECT id, external_id, user_id, phone, kind, amount, original_id, source, store_id, description,
                   CASE WHEN ABS(created_at - recorded_at DIV 1000) < 60 THEN 'now' ELSE created_at END
            FROM {$p}entries $where ORDER BY id")->fetchAll(PDO::FETCH_NUM);
        $users = $afterId === null ? '' : "WHERE user_id IN (SELECT user_id FROM {$p}entries $where)";
        $accounts = $admin->query("SELECT user_id, balance FROM {$p}accounts $users ORDER BY user_id")->fetchAll(PDO::FETCH_NUM);
        return [$entries, $accounts];
    };
    [$entriesA, $accountsA] = $read($a);
    [$entriesB, $accountsB] = $read($b);
    $problems = 0;
    foreach ([['entries', $entriesA, $entriesB], ['accounts', $accountsA, $accountsB]] as [$table, $x, $y]) {
        if ($x !== $y) {
            $problems++;
            $diff = array_udiff_assoc($x, $y, static fn ($p, $q): int => $p === $q ? 0 : 1);
            Bench::progress("MISMATCH ext/$what $table: " . count($x) . ' vs ' . count($y) . ' rows; first difference: ' . json_encode(array_slice($diff, 0, 1, true)));
        }
    }
    return $problems;
}

/** The raw limit: $source's entries in (after, through] and their customers' balances, written into $url in one transaction. */
function rawWorker(string $source, string $url, int $after, int $through, string $out, int $chunkRows, bool $emulate): void
{
    $from = Mysql::pdo($source);
    $entries = $from->query('SELECT id, external_id, user_id, phone, kind, amount, original_id, source, store_id, description, created_at, recorded_at
        FROM ' . PREFIX . "entries WHERE id > $after AND id <= $through ORDER BY id")->fetchAll(PDO::FETCH_NUM);
    $accounts = $from->query('SELECT user_id, balance, updated_at FROM ' . PREFIX . 'accounts WHERE user_id IN
        (SELECT user_id FROM ' . PREFIX . "entries WHERE id > $after AND id <= $through) ORDER BY user_id")->fetchAll(PDO::FETCH_NUM);
    $from = null;
    $db = Mysql::pdo($url, [PDO::ATTR_EMULATE_PREPARES => $emulate]);
    $statements = [];
    $insert = static function (string $head, int $columns, array $rows, string $tail = '') use ($db, &$statements, $chunkRows): void {
        foreach (array_chunk($rows, $chunkRows) as $chunk) {
            $key = $head . count($chunk);
            $statements[$key] ??= $db->prepare($head . implode(', ', array_fill(0, count($chunk), '(' . implode(', ', array_fill(0, $columns, '?')) . ')')) . $tail);
            $statements[$key]->execute(array_merge(...$chunk));
        }
    };
    $started = hrtime(true);
    $db->beginTransaction();
    $insert('INSERT INTO ' . PREFIX . 'entries (id, external_id, user_id, phone, kind, amount, original_id, source, store_id, description, created_at, recorded_at) VALUES ', 12, $entries);
    $insert('INSERT INTO ' . PREFIX . 'accounts (user_id, balance, updated_at) VALUES ', 3, $accounts,
        ' ON DUPLICATE KEY UPDATE balance = VALUES(balance), updated_at = VALUES(updated_at)');
    $db->commit();
    $seconds = (hrtime(true) - $started) / 1e9;
    file_put_contents($out, serialize(['seconds' => $seconds, 'rows' => count($entries), 'accounts' => count($accounts)]));
}
