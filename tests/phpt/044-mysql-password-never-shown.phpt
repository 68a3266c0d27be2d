--TEST--
MySQL: the password of a URL never shows: not in health(), describeDatabase(), the message of a failed connection, php --ri or phpinfo()
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$location = cashback_test_location($db);
$url = parse_url($db);
$password = rawurldecode($url['pass']);
$database = ltrim($url['path'], '/');
// A wrong password with characters a URL must encode: neither its decoded nor its encoded form may show.
$wrong = 'Wr0ng-p@ss:w/rd%';
$secrets = [$password, rawurlencode($password), $wrong, rawurlencode($wrong)];
$withPassword = fn (string $pass) => "mysql://cashback_app:" . rawurlencode($pass) . "@127.0.0.1:{$url['port']}/$database";

/** 'no password', or which secret $text holds. */
function leaks(string $text): string {
    global $secrets;
    foreach ($secrets as $i => $secret) {
        if (str_contains($text, $secret)) { return "LEAKS secret $i"; }
    }
    return 'no password';
}
/** $text with this run's port, database and location made constant. */
function constant_text(string $text): string {
    global $location, $url, $database;
    return str_replace([$location, ":{$url['port']}/", $database], ['LOCATION', ':PORT/', 'DB'], $text);
}
function failure(string $label, callable $f): void {
    try {
        $f();
        echo "$label: NO EXCEPTION\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', constant_text($e->getMessage()), ' | ', leaks($e->getMessage()), "\n";
    }
}

// health() names the database by its URL without the password.
$ledger = new CashbackLedger($db);
$health = $ledger->health();
echo 'health path: ', constant_text($health['path']), ' | ', leaks(json_encode($health)), "\n";

// describeDatabase(): the backend, and the setting as it may be shown.
foreach ([
    'app URL'          => $db,
    'encoded password' => $withPassword($wrong),
    'socket, prefix'   => 'mariadb://cashback_app:' . rawurlencode($wrong) . '@localhost/shop?socket=/run/mysqld/mysqld.sock&table_prefix=shop_',
    'unparsable URL'   => "mysql://cashback_app:$password@127.0.0.1:notaport/$database",
    'SQLite file'      => '/var/lib/cashback/cashback.db',
] as $label => $setting) {
    $described = CashbackLedger::describeDatabase($setting);
    echo "describe $label: ", constant_text(json_encode($described, JSON_UNESCAPED_SLASHES)), ' | ', leaks(json_encode($described)), "\n";
}

// Failed connections: the message names where, and why, but not the password.
failure('wrong port', fn () => new CashbackLedger(str_replace(":{$url['port']}/", ':1/', $db)));
failure('wrong password', fn () => new CashbackLedger($withPassword($wrong)));
failure('unparsable URL', fn () => new CashbackLedger("mysql://cashback_app:$password@127.0.0.1:notaport/$database"));
failure('unknown parameter', fn () => new CashbackLedger("$db?sockte=/tmp/x"));
// The whole exception as PHP prints it (run-tests shortens string arguments in traces to 15 characters).
try {
    new CashbackLedger($withPassword($wrong));
} catch (CashbackException $e) {
    echo 'exception as a string: ', leaks((string) $e), "\n";
}

// php --ri cashback, with the URL in cashback.database (as in php.ini).
[$info, $status] = cashback_test_child_php(['-d', "cashback.database=$db", '--ri', 'cashback']);
preg_match_all('/^cashback\.database => .*$/m', $info, $lines);
echo 'php --ri: exit ', $status, ' | ', constant_text(implode("\n", $lines[0])), ' | ', leaks($info), "\n";
[$info] = cashback_test_child_php(['-d', "cashback.database=mysql://cashback_app:$password@127.0.0.1:notaport/x", '--ri', 'cashback']);
preg_match_all('/^cashback\.database => .*$/m', $info, $lines);
echo 'php --ri, unparsable: ', implode("\n", $lines[0]), ' | ', leaks($info), "\n";

// phpinfo() after ini_set: the local value, and the master value beside it.
ini_set('cashback.database', $withPassword($wrong));
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
preg_match_all('/^cashback\.database => .*$/m', $info, $lines);
echo 'phpinfo: ', constant_text(implode("\n", $lines[0])), ' | ', leaks($info), "\n";
// The setting itself keeps the password: it is what the ledger connects with.
var_dump(ini_get('cashback.database') === $withPassword($wrong));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
health path: LOCATION | no password
describe app URL: {"backend":"mysql","location":"LOCATION"} | no password
describe encoded password: {"backend":"mysql","location":"LOCATION"} | no password
describe socket, prefix: {"backend":"mysql","location":"mariadb://cashback_app@localhost/shop?socket=/run/mysqld/mysqld.sock&table_prefix=shop_"} | no password
describe unparsable URL: {"backend":"mysql","location":"mysql://(a URL that does not parse)"} | no password
describe SQLite file: {"backend":"sqlite","location":"/var/lib/cashback/cashback.db"} | no password
wrong port: database_unavailable | cannot connect to mysql://cashback_app@127.0.0.1:1/DB: DriverError { Could not connect to address `127.0.0.1:1': Connection refused (os error 111) } | no password
wrong password: database_unavailable | cannot connect to LOCATION: MySqlError { ERROR 1045 (28000): Access denied for user 'cashback_app'@'127.0.0.1' (using password: YES) } | no password
unparsable URL: invalid_path | database URL: invalid port number | no password
unknown parameter: invalid_path | database URL: unknown parameter "sockte" (known: socket, table_prefix) | no password
exception as a string: no password
php --ri: exit 0 | cashback.database => LOCATION => LOCATION | no password
php --ri, unparsable: cashback.database => mysql://(a URL that does not parse) => mysql://(a URL that does not parse) | no password
phpinfo: cashback.database => LOCATION => no value | no password
bool(true)
