--TEST--
MySQL: ledgers with different table prefixes in one database are independent; the option wins over the URL's; a bad prefix is invalid_option and creates nothing
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$location = cashback_test_location($db);
[$database, $admin] = cashback_test_mysql_target($db);

function fails(string $label, callable $f): void {
    try {
        $f();
        echo "$label: NO EXCEPTION\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
    }
}
/** Every table of the test's database. */
function tables(): array {
    global $admin, $database;
    return array_merge([], ...$admin->execute_query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [$database])->fetch_all());
}

// Two shops in one database: one names its prefix as an option, the other in the URL.
$a = new CashbackLedger($db, ['table_prefix' => 'shop_a_']);
$b = new CashbackLedger("$db?table_prefix=shop_b_");
echo 'a at: ', str_replace($location, 'LOCATION', $a->health()['path']), "\n";
echo 'b at: ', str_replace($location, 'LOCATION', $b->health()['path']), "\n";
var_dump(cashback_test_mysql_tables($db, 'shop_a_') === CASHBACK_TEST_MYSQL_TABLES);
var_dump(cashback_test_mysql_tables($db, 'shop_b_') === CASHBACK_TEST_MYSQL_TABLES);
echo 'tables of the default prefix: ', json_encode(cashback_test_mysql_tables($db)), "\n";

// The same external_id, phone and key name in both: each ledger decides on its own tables only.
$tx = fn (string $amount) => ['external_id' => 'order-1', 'type' => 'accrual', 'amount' => $amount, 'user_id' => 7];
echo 'a: ', $a->apply($tx('10'))['status'], ', b: ', $b->apply($tx('25.50'))['status'], "\n";
echo 'b resend: ', $b->apply($tx('25.50'))['status'], ', a with b\'s amount: ', $a->apply($tx('25.50'))['error'], "\n";
echo 'balances: ', json_encode([$a->balance(7)['balance'], $b->balance(7)['balance']]), "\n";
echo 'entries: ', json_encode([$a->health()['entries'], $b->health()['entries']]), "\n";
$a->linkPhone(7, '+7 900 123-45-67');
echo 'a finds the phone: ', $a->findUserByPhone('89001234567'), "\n";
fails('b does not', fn () => $b->findUserByPhone('89001234567'));
$key = $a->createApiKey('register-1');
echo 'key of a in a: ', json_encode($a->verifyApiKey($key['key'])['name']), ', in b: ', json_encode($b->verifyApiKey($key['key'])), "\n";
$b->registerStore('store-b');
echo 'stores: ', json_encode([array_column($a->storeActivity(), 'store_id'), array_column($b->storeActivity(), 'store_id')]), "\n";
echo 'rows behind the ledgers: ', json_encode([
    $admin->query("SELECT COUNT(*) FROM `$database`.shop_a_entries")->fetch_row()[0],
    $admin->query("SELECT COUNT(*) FROM `$database`.shop_b_entries")->fetch_row()[0],
]), "\n";

// The option wins over the URL's prefix; the default prefix is yet another ledger.
$optionWins = new CashbackLedger("$db?table_prefix=shop_b_", ['table_prefix' => 'shop_a_']);
echo 'option over URL: ', str_replace($location, 'LOCATION', $optionWins->health()['path']), ' balance ', $optionWins->balance(7)['balance'], "\n";
$default = new CashbackLedger($db);
echo 'default prefix: ', str_replace($location, 'LOCATION', $default->health()['path']), ' balance ', $default->balance(7)['balance'], "\n";

// Bad prefixes are refused before anything is created: the prefix is spliced into SQL unquoted.
$before = tables();
fails('hyphen', fn () => new CashbackLedger($db, ['table_prefix' => 'shop-a_']));
fails('SQL', fn () => new CashbackLedger($db, ['table_prefix' => 'x_entries; DROP TABLE shop_a_entries; --']));
fails('33 characters', fn () => new CashbackLedger($db, ['table_prefix' => str_repeat('p', 33)]));
fails('in the URL', fn () => new CashbackLedger("$db?table_prefix=shop%20a_"));
fails('not a string', fn () => new CashbackLedger($db, ['table_prefix' => 5]));
fails('on a SQLite file', fn () => new CashbackLedger(sys_get_temp_dir() . '/cashback-phpt-prefix-' . getmypid() . '.db', ['table_prefix' => 'shop_a_']));
var_dump(tables() === $before);
var_dump(!file_exists(sys_get_temp_dir() . '/cashback-phpt-prefix-' . getmypid() . '.db'));
// 32 characters is the longest: the longest table name then fits MySQL's 64.
$long = new CashbackLedger($db, ['table_prefix' => str_repeat('p', 32)]);
var_dump(cashback_test_mysql_tables($db, str_repeat('p', 32)) === CASHBACK_TEST_MYSQL_TABLES);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
a at: LOCATION?table_prefix=shop_a_
b at: LOCATION?table_prefix=shop_b_
bool(true)
bool(true)
tables of the default prefix: []
a: success, b: success
b resend: duplicate, a with b's amount: external_id_conflict
balances: [10,25.5]
entries: [1,1]
a finds the phone: 7
b does not: user_not_found | no user has phone 79001234567
key of a in a: "register-1", in b: null
stores: [[],["store-b"]]
rows behind the ledgers: ["1","1"]
option over URL: LOCATION?table_prefix=shop_a_ balance 10
default prefix: LOCATION balance 0
hyphen: invalid_option | table_prefix: letters, digits and _ only, at most 32 characters
SQL: invalid_option | table_prefix: letters, digits and _ only, at most 32 characters
33 characters: invalid_option | table_prefix: letters, digits and _ only, at most 32 characters
in the URL: invalid_option | table_prefix: letters, digits and _ only, at most 32 characters
not a string: invalid_option | unknown or malformed option "table_prefix"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
on a SQLite file: invalid_option | table_prefix applies to a mysql:// database only
bool(true)
bool(true)
bool(true)
