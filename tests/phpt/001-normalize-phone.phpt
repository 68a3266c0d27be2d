--TEST--
normalizePhone: every accepted form becomes E.164 digits without "+"
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
$inputs = [
    '+7 (900) 123-45-67',
    '8 900 123 45 67',
    '89001234567',
    '9001234567',
    '7-900-123-45-67',
    ' +7.900.123.45.67 ',
    '79001234567',
    '+79001234567',
    '8(900)1234567',
    '007 900 123 45 67',
    "8\u{a0}900\u{a0}123-45-67",
    '+375 29 123-45-67',
    '00375291234567',
    '+7 727 258 4567',
];
foreach ($inputs as $input) {
    $out = CashbackLedger::normalizePhone($input);
    echo json_encode($input), ' => ', var_export($out, true), "\n";
}
// static method: callable without an instance and without a database
var_dump((new ReflectionMethod('CashbackLedger', 'normalizePhone'))->isStatic());
?>
--EXPECT--
"+7 (900) 123-45-67" => '79001234567'
"8 900 123 45 67" => '79001234567'
"89001234567" => '79001234567'
"9001234567" => '79001234567'
"7-900-123-45-67" => '79001234567'
" +7.900.123.45.67 " => '79001234567'
"79001234567" => '79001234567'
"+79001234567" => '79001234567'
"8(900)1234567" => '79001234567'
"007 900 123 45 67" => '79001234567'
"8\u00a0900\u00a0123-45-67" => '79001234567'
"+375 29 123-45-67" => '375291234567'
"00375291234567" => '375291234567'
"+7 727 258 4567" => '77272584567'
bool(true)
