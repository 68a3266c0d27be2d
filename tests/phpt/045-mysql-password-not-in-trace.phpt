--TEST--
MySQL: the URL argument of new CashbackLedger() is a sensitive parameter: an exception's trace does not carry its password
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if (cashback_test_backend() !== 'mysql') echo 'skip MySQL backend only (CASHBACK_TEST_BACKEND=mysql)'; ?>
--INI--
zend.exception_ignore_args=0
zend.exception_string_param_max_len=1000000
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$password = rawurldecode(parse_url($db, PHP_URL_PASS));

// A failed open (wrong port) at the top level: the trace's one frame is the constructor's own,
// so only the extension decides what it shows (a caller's own functions mark their parameters themselves).
try {
    new CashbackLedger(str_replace(':' . parse_url($db, PHP_URL_PORT) . '/', ':1/', $db));
    echo "NO EXCEPTION\n";
} catch (CashbackException $e) {
    $frame = $e->getTrace()[0];
    echo $frame['class'], '::', $frame['function'], "\n";
    echo 'argument: ', get_debug_type($frame['args'][0] ?? null), "\n";
    echo 'trace: ', str_contains(print_r($e->getTrace(), true), $password) ? 'HOLDS THE PASSWORD' : 'no password', "\n";
    echo 'as a string: ', str_contains((string) $e, $password) ? 'HOLDS THE PASSWORD' : 'no password', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
CashbackLedger::__construct
argument: SensitiveParameterValue
trace: no password
as a string: no password
