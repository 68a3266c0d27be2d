--TEST--
MySQL: on a read-only server every write is database_readonly and changes nothing, reads go on, health() throws database_readonly; writable again, writes work
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
// read_only is server-global: on the private server (var/mariadb-phpt, port 13320), never the shared one.
$server = cashback_test_private_server();
$db = cashback_test_database_on($server, __FILE__);
$fresh = cashback_test_database_on($server, __FILE__, 'fresh');
$password = $server['password'];
$admin = cashback_test_admin($server);
[$database] = cashback_test_mysql_target($db);

function fails(string $label, callable $f): void {
    global $password;
    try {
        $r = $f();
        echo "$label: NO EXCEPTION, got ", json_encode($r), "\n";
    } catch (CashbackException $e) {
        // The server's own words (MariaDB and MySQL differ) are in the message; the code is the contract.
        echo "$label: ", $e->getErrorCode(), str_contains($e->getMessage(), $password) ? ' (MESSAGE HOLDS THE PASSWORD)' : '', "\n";
    }
}
/** The ledger's rows as the server holds them, read as admin. */
function rows(): string {
    global $admin, $database;
    $count = fn (string $table) => (int) $admin->query("SELECT COUNT(*) FROM `$database`.local_cashback_$table")->fetch_row()[0];
    return json_encode(['entries' => $count('entries'), 'sync_log' => $count('sync_log'), 'phones' => $count('phones'), 'api_keys' => $count('api_keys')]);
}

$l = new CashbackLedger($db);
$l->apply(['external_id' => 'a-1', 'type' => 'accrual', 'amount' => 100, 'user_id' => 1]);
echo 'before: ', rows(), "\n";

// The site's database user has no privilege to bypass read_only (a replica, or a primary being demoted).
$admin->query('SET GLOBAL read_only = 1');
$accrual = ['external_id' => 'a-2', 'type' => 'accrual', 'amount' => 50, 'user_id' => 1];
fails('apply', fn () => $l->apply($accrual));
fails('apply with a context (logged)', fn () => $l->apply($accrual, ['endpoint' => 'transactions', 'client' => 'store-1']));
fails('applyBatch', fn () => $l->applyBatch([$accrual, ['external_id' => 'd-1', 'type' => 'debit', 'amount' => 10, 'user_id' => 1]]));
fails('logSync', fn () => $l->logSync(['endpoint' => 'balance', 'status' => 'success']));
fails('linkPhone', fn () => $l->linkPhone(1, '+7 900 123-45-67'));
fails('createApiKey', fn () => $l->createApiKey('register-1'));
fails('health', fn () => $l->health());
// A ledger that must create its tables cannot, and says so the same way.
fails('opening a database without tables', fn () => new CashbackLedger($fresh));
echo 'tables made in it: ', json_encode(cashback_test_mysql_tables($fresh)), "\n";
// Reads are served: what the ledger holds is intact.
echo 'balance: ', $l->balance(1)['balance'], ' history: ', json_encode(array_column($l->history(1)['items'], 'external_id')), "\n";
echo 'after the refusals: ', rows(), "\n";

// Writable again: the same object writes (the refused external_id was never recorded, so it is new).
$admin->query('SET GLOBAL read_only = 0');
$r = $l->apply($accrual);
echo 'apply: ', $r['status'], ' ', $r['balance'], "\n";
echo 'applyBatch: ', json_encode(array_column($l->applyBatch([['external_id' => 'd-1', 'type' => 'debit', 'amount' => 10, 'user_id' => 1]]), 'status')), "\n";
echo 'health writable: ', json_encode($l->health()['writable']), "\n";
echo 'balance: ', $l->balance(1)['balance'], "\n";
echo 'at the end: ', rows(), "\n";
?>
--EXPECT--
before: {"entries":1,"sync_log":0,"phones":0,"api_keys":0}
apply: database_readonly
apply with a context (logged): database_readonly
applyBatch: database_readonly
logSync: database_readonly
linkPhone: database_readonly
createApiKey: database_readonly
health: database_readonly
opening a database without tables: database_readonly
tables made in it: []
balance: 100 history: ["a-1"]
after the refusals: {"entries":1,"sync_log":0,"phones":0,"api_keys":0}
apply: success 150
applyBatch: ["success"]
health writable: true
balance: 140
at the end: {"entries":3,"sync_log":0,"phones":0,"api_keys":0}
