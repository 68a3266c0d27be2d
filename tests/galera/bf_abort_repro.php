<?php
// Reproducer (not a test): on MariaDB 10.11 + Galera 4, a transaction that a
// replicated write-set aborts (BF abort) while its client is between two
// statements loses its ER_LOCK_DEADLOCK when the client's next command is a
// COM_STMT_PREPARE: the prepare succeeds, the transaction is gone, and every
// later statement runs in autocommit mode, so COMMIT "succeeds" on writes that
// were never serialized. The extension prepares a statement inside its write
// transaction whenever the session has not cached it yet (a new php-fpm
// worker, a batch of a new size).
//
// Each writer runs the ledger's write transaction in miniature: take the
// writers' lock (UPDATE w), read the balance, write balance + 1, COMMIT, and
// run it again on 1213. Two writers on node 1, two on node 2. A correct run
// ends with w.c = acc.v = commits acknowledged.
//
//   php tests/galera/bf_abort_repro.php GALERA_DIR [MODE] [SECONDS]
//   MODE  prepare  the read is prepared inside the transaction (default: breaks)
//         text     the same statements over the text protocol (COM_QUERY): correct
//         guarded  prepare, with autocommit = 0 and the lock row's token checked before COMMIT: correct
// GALERA_DIR is a cluster started by tests/mariadb/galera.sh (admin user cashback_test). Exit 1 on an anomaly.

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

function connect(int $port, string $password): mysqli
{
    $db = new mysqli('127.0.0.1', 'cashback_test', $password, 'cb_repro_bf_abort', $port);
    $db->query('SET SESSION wsrep_sync_wait = 1');
    return $db;
}

if (($argv[1] ?? '') === '--worker') {
    [, , $port, $password, $seconds, $mode] = $argv;
    $db = connect((int) $port, $password);
    if ($mode === 'guarded') {
        $db->query('SET SESSION autocommit = 0');
    }
    $ok = $retries = $left = $caught = 0;
    $deadline = microtime(true) + (float) $seconds;
    while (microtime(true) < $deadline) {
        try {
            $db->query('START TRANSACTION');
            $token = bin2hex(random_bytes(8));
            $db->query("UPDATE w SET c = c + 1, token = '$token' WHERE id = 1");
            usleep(random_int(0, 1500));  // the client works between two statements
            $read = 'SELECT v FROM acc WHERE id = 1 AND ' . random_int(1, PHP_INT_MAX) . ' > 0';  // a new statement
            if ($mode === 'text') {
                $v = (int) $db->query($read)->fetch_row()[0];
            } else {
                $statement = $db->prepare($read);
                $statement->execute();
                $v = (int) $statement->get_result()->fetch_row()[0];
                $statement->close();
            }
            if ($mode !== 'guarded' && (int) $db->query('SELECT @@in_transaction')->fetch_row()[0] !== 1) {
                $left++;  // the transaction is gone, and nothing said so
            }
            usleep(random_int(0, 1500));
            $db->query('UPDATE acc SET v = ' . ($v + 1) . ' WHERE id = 1');
            if ($mode === 'guarded' && $db->query('SELECT token FROM w WHERE id = 1')->fetch_row()[0] !== $token) {
                $db->query('ROLLBACK');  // not the transaction that took the lock: run it again
                $caught++;
                continue;
            }
            $db->query('COMMIT');
            $ok++;
        } catch (mysqli_sql_exception $e) {
            if ($e->getCode() !== 1213) {
                throw $e;
            }
            try {
                $db->query('ROLLBACK');
            } catch (mysqli_sql_exception) {
            }
            $retries++;
        }
    }
    echo json_encode(['port' => (int) $port, 'acknowledged' => $ok, 'retried' => $retries,
        'left_transaction_silently' => $left, 'caught_by_token' => $caught]), "\n";
    exit(0);
}

$dir = $argv[1] ?? exit("usage: php bf_abort_repro.php GALERA_DIR [prepare|text|guarded] [SECONDS]\n");
$mode = $argv[2] ?? 'prepare';
$seconds = (int) ($argv[3] ?? 20);
in_array($mode, ['prepare', 'text', 'guarded'], true) || exit("unknown mode $mode\n");
$password = trim(file_get_contents("$dir/password"));
$base = (int) trim(file_get_contents("$dir/base_port"));

$admin = new mysqli('127.0.0.1', 'cashback_test', $password, '', $base);
$admin->query('DROP DATABASE IF EXISTS cb_repro_bf_abort');
$admin->query('CREATE DATABASE cb_repro_bf_abort');
$admin->select_db('cb_repro_bf_abort');
$admin->query('CREATE TABLE w (id INT PRIMARY KEY, c BIGINT NOT NULL, token VARCHAR(16) NULL) ENGINE = InnoDB');
$admin->query('CREATE TABLE acc (id INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE = InnoDB');
$admin->query('INSERT INTO w VALUES (1, 0, NULL)');
$admin->query('INSERT INTO acc VALUES (1, 0)');

$workers = [];
foreach ([$base, $base, $base + 10, $base + 10] as $port) {
    $command = [PHP_BINARY, __FILE__, '--worker', (string) $port, $password, (string) $seconds, $mode];
    $workers[] = proc_open($command, [1 => ['pipe', 'w'], 2 => STDERR], $pipes) ?: exit("cannot start a worker\n");
    $outputs[] = $pipes[1];
}
$acknowledged = 0;
foreach ($workers as $i => $worker) {
    $line = stream_get_contents($outputs[$i]);
    proc_close($worker);
    echo $line;
    $acknowledged += json_decode($line, true, 512, JSON_THROW_ON_ERROR)['acknowledged'];
}
$admin->query('SET SESSION wsrep_sync_wait = 1');
[$c, $v] = array_map('intval', $admin->query('SELECT (SELECT c FROM w), (SELECT v FROM acc)')->fetch_row());
printf("mode %s: %d commits acknowledged, writers' lock row %d, value %d\n", $mode, $acknowledged, $c, $v);
if ($c !== $acknowledged || $v !== $acknowledged) {
    printf("ANOMALY: %d acknowledged commits did not take the lock, %d increments were lost\n", $acknowledged - $c, $acknowledged - $v);
    exit(1);
}
echo "serialized: every acknowledged commit took the lock and no increment was lost\n";
