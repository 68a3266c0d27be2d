--TEST--
phones: validity from libphonenumber metadata; a ledger's default_region reads local numbers (BY: 8 029 … is 375 29 …)
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);

/** The normalized phone, or the error code and message. */
function normalized(string $phone, ?string $region = null): string {
    try {
        return $region === null ? CashbackLedger::normalizePhone($phone) : CashbackLedger::normalizePhone($phone, $region);
    } catch (CashbackException $e) {
        return $e->getErrorCode() . ' | ' . $e->getMessage();
    }
}

// A Belarusian local number: Belarusian in a BY ledger, no number at all in a RU one (+7 029 … cannot exist).
echo 'BY: ', normalized('8 029 123-45-67', 'BY'), "\n";
echo 'by: ', normalized('8 029 123-45-67', 'by'), "\n";
echo 'RU: ', normalized('8 029 123-45-67', 'RU'), "\n";
echo 'default (RU): ', normalized('8 029 123-45-67'), "\n";
echo 'BY, no trunk prefix: ', normalized('29 123 45 67', 'BY'), "\n";
echo 'international in RU: ', normalized('+375 29 123-45-67', 'RU'), "\n";
echo 'Russian mobile in BY needs +7: ', normalized('8 900 123 45 67', 'BY'), "\n";
echo '+7 in BY: ', normalized('+7 900 123 45 67', 'BY'), "\n";
echo 'KZ: ', normalized('8 701 123 45 67', 'KZ'), "\n";
echo 'unknown region: ', normalized('8 029 123-45-67', 'XX'), "\n";

// Russian numbers as before, landlines and toll-free numbers with their 8 kept after +7.
foreach (['+7 812 123-45-67', '8 (812) 123-45-67', '+7 800 555-35-35', '8 800 555 35 35', '+7 (495) 123-45-67'] as $phone) {
    echo $phone, ' => ', normalized($phone), "\n";
}
// Numbers the metadata says cannot exist.
foreach (['+7 029 123 45 67', '+7 600 123 45 67', '+1 555 123 4567', '+49 30 1'] as $phone) {
    echo $phone, ' => ', normalized($phone), "\n";
}

// The ini setting is the default of normalizePhone() and of every ledger.
var_dump(ini_set('cashback.default_region', 'BY'));
echo 'ini BY: ', normalized('8 029 123-45-67'), "\n";
var_dump(ini_set('cashback.default_region', 'ZZ'));
var_dump(ini_get('cashback.default_region'));
$fromIni = new CashbackLedger($db);
echo 'ledger from ini: ', $fromIni->linkPhone(4, '29 765 43 21'), "\n";
ini_restore('cashback.default_region');

// A ledger's own region: links, transactions and lookups read local numbers in it.
$by = new CashbackLedger($db, ['default_region' => 'BY']);
$ru = new CashbackLedger($db);
echo 'link: ', $by->linkPhone(5, '8 029 123-45-67', true), "\n";
$r = $by->apply(['external_id' => 'by-1', 'type' => 'accrual', 'amount' => 10, 'user_phone' => '29 123 45 67']);
echo 'by phone: ', $r['status'], ' user ', $r['user_id'], "\n";
$balance = $by->balanceByPhone('8 029 123-45-67');
echo 'balance: ', json_encode([$balance['user_id'], $balance['balance'], $balance['phone']]), "\n";
$r = $ru->apply(['external_id' => 'ru-1', 'type' => 'accrual', 'amount' => 10, 'user_phone' => '8 029 123-45-67']);
echo 'RU ledger: ', $r['status'], ' ', $r['error'], "\n";
$r = $ru->apply(['external_id' => 'by-1', 'type' => 'accrual', 'amount' => 10, 'user_phone' => '+375 29 123 45 67']);
echo 'resend in international form through the RU ledger: ', $r['status'], ' user ', $r['user_id'], "\n";
try {
    new CashbackLedger($db, ['default_region' => 'ZZ']);
} catch (CashbackException $e) {
    echo $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
BY: 375291234567
by: 375291234567
RU: invalid_phone | 0291234567 is not a valid phone number in RU; a number of another country needs + and its country code
default (RU): invalid_phone | 0291234567 is not a valid phone number in RU; a number of another country needs + and its country code
BY, no trunk prefix: 375291234567
international in RU: 375291234567
Russian mobile in BY needs +7: invalid_phone | 9001234567 is not a valid phone number in BY; a number of another country needs + and its country code
+7 in BY: 79001234567
KZ: 77011234567
unknown region: invalid_region | unknown region "XX": expected an ISO 3166 country code with phone numbering such as RU, BY or KZ
+7 812 123-45-67 => 78121234567
8 (812) 123-45-67 => 78121234567
+7 800 555-35-35 => 78005553535
8 800 555 35 35 => 78005553535
+7 (495) 123-45-67 => 74951234567
+7 029 123 45 67 => invalid_phone | +70291234567 is not a valid phone number
+7 600 123 45 67 => invalid_phone | +76001234567 is not a valid phone number
+1 555 123 4567 => invalid_phone | +15551234567 is not a valid phone number
+49 30 1 => invalid_phone | +49301 is not a valid phone number
string(2) "RU"
ini BY: 375291234567
bool(false)
string(2) "BY"
ledger from ini: 375297654321
link: 375291234567
by phone: success user 5
balance: [5,10,"375291234567"]
RU ledger: error invalid_phone
resend in international form through the RU ledger: duplicate user 5
invalid_option | default_region: unknown region "ZZ": expected an ISO 3166 country code with phone numbering such as RU, BY or KZ