--TEST--
MySQL: a connection the server killed between two calls is reopened on the next call, read or write, without an error and without applying anything twice
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
[$database, $admin] = cashback_test_mysql_target($db);

/** The ids of the ledger user's connections to this test's database. */
function connections(): array {
    global $admin, $database;
    $rows = $admin->execute_query("SELECT id FROM information_schema.processlist WHERE user = 'cashback_app' AND db = ?", [$database])->fetch_all();
    return array_map('intval', array_column($rows, 0));
}
/** Kills the ledger's connection as an operator (or wait_timeout, or a failover) would; returns its id. */
function kill_ledger_connection(): int {
    global $admin;
    $ids = connections();
    if (count($ids) !== 1) { echo 'expected one ledger connection, found ', json_encode($ids), "\n"; return 0; }
    $admin->query("KILL CONNECTION {$ids[0]}");
    return $ids[0];
}

$l = new CashbackLedger($db);
$l->linkPhone(1, '+7 900 123-45-67');
$l->apply(['external_id' => 'seed', 'type' => 'accrual', 'amount' => 100, 'user_id' => 1]);
/** A new external_id (or key name) for each write: an arrow function would capture a counter by value. */
function next_id(string $prefix): string { static $n = 0; return $prefix . ++$n; }
$calls = [
    'balance'        => fn () => $l->balance(1)['balance'],
    'balanceByPhone' => fn () => $l->balanceByPhone('89001234567')['balance'],
    'history'        => fn () => count($l->history(1)['items']),
    'verify'         => fn () => $l->verify()['ok'],
    'syncLog'        => fn () => count($l->syncLog()['items']),
    'apply'          => fn () => $l->apply(['external_id' => next_id('k-'), 'type' => 'accrual', 'amount' => 1, 'user_id' => 1])['balance'],
    'applyBatch'     => fn () => array_column($l->applyBatch([
        ['external_id' => next_id('k-'), 'type' => 'accrual', 'amount' => 1, 'user_id' => 1],
        ['external_id' => next_id('k-'), 'type' => 'debit', 'amount' => 2, 'user_id' => 1],
    ], ['endpoint' => 'transactions/batch']), 'status'),
    'logSync'        => fn () => $l->logSync(['endpoint' => 'balance', 'status' => 'success']),
    'linkPhone'      => fn () => $l->linkPhone(2, '+7 900 765-43-21'),
    'createApiKey'   => fn () => $l->createApiKey(next_id('key-'))['name'],
];
// Killed right after the previous call: the session was used within the last second, so it is not
// pinged first and the call itself meets the dead connection (health() on that path: 048, a known bug).
// Killed after a second of idleness: the session is pinged before use, the same path for every call,
// so a read, a write and health() stand for all.
$rounds = [
    [0, $calls],
    [1.1, ['balance' => $calls['balance'], 'apply' => $calls['apply'], 'health' => fn () => $l->health()['writable']]],
];
foreach ($rounds as [$idle, $some]) {
    foreach ($some as $name => $call) {
        $call();
        $killed = kill_ledger_connection();
        usleep((int) ($idle * 1e6));
        try {
            $result = json_encode($call());
        } catch (CashbackException $e) {
            $result = 'FAILED ' . $e->getErrorCode() . ' | ' . $e->getMessage();
        }
        $now = connections();
        $reopened = $killed !== 0 && count($now) === 1 && $now[0] !== $killed ? 'reopened' : 'NOT REOPENED ' . json_encode([$killed, $now]);
        echo "idle $idle s, $name: $result ($reopened)\n";
    }
}
// Each write landed exactly once: 100 + (1 + 1 + 1 - 2 + 1 - 2) + (1 + 1) on the balance, 1 + 6 + 2 entries.
echo 'balance: ', $l->balance(1)['balance'], ' entries: ', $l->health()['entries'], ' verify: ', json_encode($l->verify()['ok']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
idle 0 s, balance: 100 (reopened)
idle 0 s, balanceByPhone: 100 (reopened)
idle 0 s, history: 1 (reopened)
idle 0 s, verify: true (reopened)
idle 0 s, syncLog: 0 (reopened)
idle 0 s, apply: 102 (reopened)
idle 0 s, applyBatch: ["success","success"] (reopened)
idle 0 s, logSync: null (reopened)
idle 0 s, linkPhone: "79007654321" (reopened)
idle 0 s, createApiKey: "key-8" (reopened)
idle 1.1 s, balance: 100 (reopened)
idle 1.1 s, apply: 102 (reopened)
idle 1.1 s, health: true (reopened)
balance: 102 entries: 9 verify: true
