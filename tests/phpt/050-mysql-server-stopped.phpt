--TEST--
MySQL: with the server stopped every call is database_unavailable without the password; started again, the same CashbackLedger object reconnects and works
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
// The test stops its server: the private one (var/mariadb-phpt, port 13320), never the shared one.
$server = cashback_test_private_server();
$db = cashback_test_database_on($server, __FILE__);
$location = cashback_test_location($db);

function fails(string $label, callable $f): void {
    global $server, $location;
    try {
        $r = $f();
        echo "$label: NO EXCEPTION, got ", json_encode($r), "\n";
    } catch (CashbackException $e) {
        $message = $e->getMessage();
        echo "$label: ", $e->getErrorCode(),
            str_starts_with($message, "cannot connect to $location: ") ? ' | names the database' : " | $message",
            str_contains($message, $server['password']) ? ' | HOLDS THE PASSWORD' : ' | no password', "\n";
    }
}

$l = new CashbackLedger($db);
$l->apply(['external_id' => 'a-1', 'type' => 'accrual', 'amount' => 100, 'user_id' => 1]);
$l->linkPhone(1, '+7 900 123-45-67');

cashback_test_server_sh('stop', $server['dir']);
$accrual = ['external_id' => 'a-2', 'type' => 'accrual', 'amount' => 50, 'user_id' => 1];
fails('apply', fn () => $l->apply($accrual));
fails('applyBatch', fn () => $l->applyBatch([$accrual]));
fails('balance', fn () => $l->balance(1));
fails('balanceByPhone', fn () => $l->balanceByPhone('89001234567'));
fails('health', fn () => $l->health());
fails('a new ledger', fn () => new CashbackLedger($db));

cashback_test_server_sh('start', $server['dir'], (string) $server['port']);
// The same object: no call above landed, and the connection is opened again.
echo 'balance: ', $l->balance(1)['balance'], "\n";
$r = $l->apply($accrual);
echo 'apply: ', $r['status'], ' ', $r['balance'], "\n";
echo 'applyBatch: ', json_encode(array_column($l->applyBatch([['external_id' => 'd-1', 'type' => 'debit', 'amount' => 30, 'user_id' => 1]]), 'status')), "\n";
$h = $l->health();
echo 'health: ', json_encode([$h['writable'], $h['readable'], $h['entries']]), "\n";
echo 'phone: ', $l->findUserByPhone('89001234567'), ' balance: ', $l->balance(1)['balance'], "\n";
?>
--EXPECT--
apply: database_unavailable | names the database | no password
applyBatch: database_unavailable | names the database | no password
balance: database_unavailable | names the database | no password
balanceByPhone: database_unavailable | names the database | no password
health: database_unavailable | names the database | no password
a new ledger: database_unavailable | names the database | no password
balance: 100
apply: success 150
applyBatch: ["success"]
health: [true,true,3]
phone: 1 balance: 120
