<?php

declare(strict_types=1);

namespace CashbackBench;

use PDO;

/**
 * Helpers for the MariaDB benchmarks (bench/php/mysql_batch_bench.php,
 * bench/php/http_bench.php's commit probe): PDO connections from the
 * ledger's mysql:// URLs, fresh databases copied from a base one, and the
 * server's own floor for one write (a round trip, an INSERT and a COMMIT).
 */
final class Mysql
{
    /** @return array{host: string, port: int, user: string, password: string, database: string, socket: ?string} */
    public static function parseUrl(string $url): array
    {
        $parts = parse_url($url);
        if ($parts === false || !in_array(strtolower($parts['scheme'] ?? ''), ['mysql', 'mariadb'], true)) {
            throw new \InvalidArgumentException('not a mysql:// URL');
        }
        parse_str($parts['query'] ?? '', $query);
        return [
            'host' => $parts['host'] ?? '127.0.0.1',
            'port' => (int) ($parts['port'] ?? 3306),
            'user' => rawurldecode($parts['user'] ?? ''),
            'password' => rawurldecode($parts['pass'] ?? ''),
            'database' => rawurldecode(ltrim($parts['path'] ?? '', '/')),
            'socket' => isset($query['socket']) ? (string) $query['socket'] : null,
        ];
    }

    /** A server URL (ending in `/`, as tests/mariadb/server.sh prints it) with a database name after it. */
    public static function withDatabase(string $serverUrl, string $database): string
    {
        $parts = parse_url($serverUrl);
        $query = isset($parts['query']) ? '?' . $parts['query'] : '';
        $base = $query === '' ? $serverUrl : substr($serverUrl, 0, -strlen($query));
        return rtrim($base, '/') . '/' . $database . $query;
    }

    /** A PDO connection for a mysql:// URL (its database, or none), exceptions on, PDO's defaults otherwise. */
    public static function pdo(string $url, array $attributes = []): PDO
    {
        $u = self::parseUrl($url);
        $dsn = $u['socket'] !== null ? "mysql:unix_socket={$u['socket']}" : "mysql:host={$u['host']};port={$u['port']}";
        $dsn .= ($u['database'] !== '' ? ";dbname={$u['database']}" : '') . ';charset=utf8mb4';
        return new PDO($dsn, $u['user'], $u['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION] + $attributes);
    }

    /** A database name the benchmark may create: the ledger's user may use `cb_*` only (tests/mariadb/server.sh). */
    public static function name(string ...$parts): string
    {
        $name = 'cb_' . preg_replace('/[^a-z0-9_]/', '_', strtolower(implode('_', $parts)));
        if (strlen($name) > 64) {
            throw new \InvalidArgumentException("database name $name is longer than 64 characters");
        }
        return $name;
    }

    /** Creates $database as a copy of every table (structure and rows) of $base; drops it first if it exists. */
    public static function copyDatabase(PDO $admin, string $base, string $database): void
    {
        self::dropDatabase($admin, $database);
        $admin->exec("CREATE DATABASE `$database` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        foreach ($admin->query("SHOW FULL TABLES FROM `$base` WHERE Table_type = 'BASE TABLE'")->fetchAll(PDO::FETCH_NUM) as [$table]) {
            $admin->exec("CREATE TABLE `$database`.`$table` LIKE `$base`.`$table`");
            $admin->exec("INSERT INTO `$database`.`$table` SELECT * FROM `$base`.`$table`");
        }
    }

    public static function dropDatabase(PDO $admin, string $database): void
    {
        $admin->exec("DROP DATABASE IF EXISTS `$database`");
    }

    /**
     * The server's floor for one durable write, from PHP: the median of $count
     * single-row INSERTs each committed on its own (autocommit off, one
     * INSERT, one COMMIT: two round trips and one redo-log flush), and the
     * median round trip of `SELECT 1`, in seconds. Uses a table of its own
     * in $database (created if missing, emptied after).
     *
     * @return array{commit: float, commit_p90: float, round_trip: float, count: int}
     */
    public static function commitSeconds(string $url, int $count = 100): array
    {
        $db = self::pdo($url);
        $db->exec('CREATE TABLE IF NOT EXISTS bench_commit_probe (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            external_id VARBINARY(512) NOT NULL, amount BIGINT NOT NULL, UNIQUE KEY (external_id)) ENGINE = InnoDB');
        $insert = $db->prepare('INSERT INTO bench_commit_probe (external_id, amount) VALUES (?, ?)');
        $tag = dechex(hrtime(true)) . '-' . getmypid();
        $commits = [];
        $trips = [];
        for ($i = 0; $i < $count; $i++) {
            $started = hrtime(true);
            $db->beginTransaction();
            $insert->execute(["$tag-$i", 15000]);
            $db->commit();
            $commits[] = (hrtime(true) - $started) / 1e9;
            $started = hrtime(true);
            $db->query('SELECT 1')->fetchAll();
            $trips[] = (hrtime(true) - $started) / 1e9;
        }
        $db->exec('DELETE FROM bench_commit_probe');
        sort($commits);
        return [
            'commit' => Bench::median($commits), 'commit_p90' => $commits[(int) floor(0.9 * ($count - 1))],
            'round_trip' => Bench::median($trips), 'count' => $count,
        ];
    }

    /** Server version and the settings that decide what a commit costs. */
    public static function serverInfo(string $url): array
    {
        $db = self::pdo($url);
        $info = ['version' => (string) $db->query('SELECT VERSION()')->fetchColumn()];
        $names = ['innodb_flush_log_at_trx_commit', 'innodb_flush_method', 'innodb_doublewrite', 'innodb_buffer_pool_size',
            'innodb_log_file_size', 'log_bin', 'sync_binlog', 'max_allowed_packet'];
        $list = implode(', ', array_map(static fn (string $n): string => "'$n'", $names));
        foreach ($db->query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ($list)")->fetchAll(PDO::FETCH_NUM) as [$name, $value]) {
            $info[$name] = $value;
        }
        return $info;
    }
}
