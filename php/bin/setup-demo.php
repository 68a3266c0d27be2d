<?php

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

// Prepares the standalone host for `make run`: var/config.php, the demo
// ledger with a few customers, a demo API key and an admin password. Runs on
// every `make run` and changes nothing that exists already, except that a
// saved key the database does not know (the database was deleted to start
// afresh) is replaced, with the demo customers put back.

$var = $argv[1] ?? dirname(__DIR__, 2) . '/var';
$port = $argv[2] ?? '8080';
// A new config's database: var/cashback.db, or the one named (a mysql:// URL for a MariaDB ledger).
$database = $argv[3] ?? '';
@mkdir($var, 0700, true);
$config = "$var/config.php";
$keyFile = "$var/demo-api-key";
$passwordFile = "$var/admin-password";

if (!is_file($config)) {
    $password = bin2hex(random_bytes(8));
    file_put_contents($passwordFile, $password . "\n");
    chmod($passwordFile, 0600);
    $settings = [
        'database' => $database !== '' ? $database : "$var/cashback.db",
        'admin_password_hash' => password_hash($password, PASSWORD_DEFAULT),
    ];
    file_put_contents($config, "<?php\n\n// Standalone host settings (see php/src/Settings.php for every key).\nreturn " . var_export($settings, true) . ";\n");
}
$settings = Cashback\Settings::fromFile($config);
$ledger = $settings->openLedger(create: true);
$key = is_file($keyFile) ? trim((string) file_get_contents($keyFile)) : '';

if ($key === '' || $ledger->verifyApiKey($key) === null) {
    foreach ([[42, '+7 (900) 123-45-67'], [43, '8 912 000-11-22'], [44, '+375 29 123-45-67']] as [$userId, $phone]) {
        $ledger->linkPhone($userId, $phone, true);
    }
    $ledger->registerStore('store-1', 'Moscow, Tverskaya 1');
    $ledger->registerStore('store-2', 'Kazan, Baumana 5');
    // Ids of their own: the README's examples send the brief's Accrual_0001_20261127 to this ledger.
    $ledger->applyBatch([
        ['type' => 'accrual', 'amount' => '1250.50', 'external_id' => 'Demo_0001_20261127', 'user_phone' => '79001234567',
         'store_id' => 'store-1', 'description' => 'Moscow, Tverskaya 1, register 2', 'created_at' => '2026-11-27T10:15:00'],
        ['type' => 'accrual', 'amount' => 300, 'external_id' => 'Demo_0002_20261127', 'user_phone' => '89120001122',
         'store_id' => 'store-2', 'description' => 'Kazan, Baumana 5, register 1', 'created_at' => '2026-11-27T11:00:00'],
    ], ['endpoint' => 'demo', 'client' => 'demo']);
    $key = $ledger->createApiKey('demo', 'store-1')['key'];
    file_put_contents($keyFile, $key . "\n");
    chmod($keyFile, 0600);
}

$password = is_file($passwordFile) ? trim((string) file_get_contents($passwordFile)) : '(set in var/config.php)';
$shown = CashbackLedger::describeDatabase($settings->database())['location'];
echo <<<TEXT

Cashback API on http://127.0.0.1:$port/local/api/cashback/v1/ (database $shown)

  curl -s -H 'X-API-Key: $key' 'http://127.0.0.1:$port/local/api/cashback/v1/balance?user_phone=79001234567'

Admin page: http://127.0.0.1:$port/admin/  (password: $password)
Stop with Ctrl+C.


TEXT;
