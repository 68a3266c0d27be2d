--TEST--
normalizePhone: invalid input throws CashbackException(invalid_phone) pointing at the caller
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
$inputs = [
    'letters'          => 'abc',
    'trailing letter'  => '8900123456a',
    'extension text'   => '8 900 123 45 67 ext 1',
    'semicolons'       => '8;900;1234567',
    'empty'            => '',
    'blank'            => '   ',
    'too few (+7)'     => '+7 900 123 45 6',
    'too many (+7)'    => '+7 900 123 45 678',
    'too few'          => '12345',
    'nine digits'      => '900123456',
    'twelve digits'    => '890012345678',
    'foreign, no plus' => '375291234567',
    'plus inside'      => '7+9001234567',
    'only plus'        => '+',
    'country 0'        => '+0123456789',
    'short intl'       => '+1234567',
    'long intl'        => '+1234567890123456',
];
foreach ($inputs as $label => $input) {
    try {
        $out = CashbackLedger::normalizePhone($input);
        echo "$label: NO EXCEPTION, got ", var_export($out, true), "\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), "\n";
    }
}

// Class hierarchy and where the exception points.
$line = __LINE__ + 2;
try {
    CashbackLedger::normalizePhone('abc');
} catch (Throwable $e) {
    var_dump(get_class($e));
    var_dump($e instanceof CashbackException);
    var_dump($e instanceof RuntimeException);
    var_dump(get_parent_class($e));
    var_dump($e->getErrorCode());
    var_dump($e->getMessage());
    var_dump($e->getFile() === __FILE__);
    var_dump($e->getLine() === $line);
    var_dump($e->getCode());
    var_dump($e->getPrevious());
}
// The method exists on the class and returns a string.
$m = new ReflectionMethod('CashbackException', 'getErrorCode');
var_dump((string) $m->getReturnType());
?>
--EXPECT--
letters: invalid_phone
trailing letter: invalid_phone
extension text: invalid_phone
semicolons: invalid_phone
empty: invalid_phone
blank: invalid_phone
too few (+7): invalid_phone
too many (+7): invalid_phone
too few: invalid_phone
nine digits: invalid_phone
twelve digits: invalid_phone
foreign, no plus: invalid_phone
plus inside: invalid_phone
only plus: invalid_phone
country 0: invalid_phone
short intl: invalid_phone
long intl: invalid_phone
string(17) "CashbackException"
bool(true)
bool(true)
string(16) "RuntimeException"
string(13) "invalid_phone"
string(62) "phone contains 'a'; only digits, spaces, + ( ) - . are allowed"
bool(true)
bool(true)
int(0)
NULL
string(6) "string"
