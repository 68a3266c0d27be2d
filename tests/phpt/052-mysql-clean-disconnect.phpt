--TEST--
MySQL: a PHP process that ends closes its sessions with the server's goodbye, so the server counts no aborted client and logs no "Aborted connection" (php-fpm recycles workers all day)
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
[$database, $admin] = cashback_test_mysql_target($db);
(new CashbackLedger($db))->health(); // the tables exist before the children run

function aborted_clients(mysqli $admin): int {
    return (int) $admin->query("SHOW GLOBAL STATUS LIKE 'Aborted_clients'")->fetch_row()[1];
}

$before = aborted_clients($admin);
foreach (['a write' => 'apply', 'a read' => 'balance'] as $label => $call) {
    $code = $call === 'apply'
        ? '(new CashbackLedger($argv[1]))->apply(["external_id" => "c-1", "type" => "accrual", "amount" => 1, "user_id" => 1]);'
        : 'echo (new CashbackLedger($argv[1]))->balance(1)["balance"], "\n";';
    [$output, $status] = cashback_test_child_php(['-r', $code, $db]);
    echo "$label: exit $status, ", trim($output) === '' ? 'no output' : trim($output), "\n";
}
// The server counts an abort once it notices the closed socket: give it the moment a read takes.
usleep(200_000);
echo 'aborted clients: ', aborted_clients($admin) - $before, "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
a write: exit 0, no output
a read: exit 0, 1
aborted clients: 0
