--TEST--
created_at: offset-less times are Moscow time; rendered as ISO 8601 with +03:00
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);

/** Prints a value as JSON; floats keep their ".0" so int/float mix-ups show. */
function show(string $label, $value): void {
    echo $label, ': ', json_encode($value, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
}
/** Runs $f, which must throw CashbackException; prints its code and message. */
function fails(string $label, callable $f): void {
    try {
        $r = $f();
        echo "$label: NO EXCEPTION, got ", json_encode($r, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES), "\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
    }
}

$l = new CashbackLedger($db);
$forms = [
    'moscow, no offset'     => '2026-11-27T10:15:00',
    'space separator'       => '2026-11-27 10:15:00',
    'fraction'              => '2026-11-27T10:15:00.987',
    'Z'                     => '2026-11-27T07:15:00Z',
    '+05:00'                => '2026-11-27T12:15:00+05:00',
    '-0100'                 => '2026-11-27T06:15:00-0100',
    'next day in Moscow'    => '2026-11-27T22:30:00Z',
    'no seconds'            => '2026-11-27T10:15',
];
$n = 0;
foreach ($forms as $label => $created) {
    $n++;
    $r = $l->apply(['external_id' => "t$n", 'type' => 'accrual', 'amount' => 1250.5, 'user_id' => 1, 'created_at' => $created]);
    if ($r['status'] !== 'success') { show("$label refused", $r); }
}
foreach (array_reverse($l->history(1)['items']) as $i => $e) {
    echo str_pad(array_keys($forms)[$i], 22), $e['created_at'], ' ', var_export($e['amount'], true), "\n";
}
// recorded_at is the server time of acceptance, also in Moscow time.
$e = $l->history(1, 1)['items'][0];
var_dump(preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/', $e['recorded_at']));
var_dump(abs((new DateTimeImmutable($e['recorded_at']))->getTimestamp() - time()) < 60);

// Without created_at the transaction happened now.
$l->apply(['external_id' => 'now', 'type' => 'accrual', 'amount' => 1, 'user_id' => 2]);
$e = $l->history(2)['items'][0];
var_dump(abs((new DateTimeImmutable($e['created_at']))->getTimestamp() - time()) < 60);
var_dump(str_ends_with($e['created_at'], '+03:00'));

// Out-of-range and malformed times.
foreach (['2026-02-29T10:00:00', '2026-11-27T24:00:00', '2026-11-27T10:15:60', '1969-12-31T23:59:59Z',
          '2026-11-27T10:15:00+15:00', '2026-11-27T10:1', '27.11.2026 10:15:00', '2026-11-27T10:15:00 MSK'] as $bad) {
    $r = $l->apply(['external_id' => 'bad', 'type' => 'accrual', 'amount' => 1, 'user_id' => 3, 'created_at' => $bad]);
    echo str_pad($bad, 28), $r['error'], ' ', $r['field'], ': ', $r['message'], "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
moscow, no offset     2026-11-27T10:15:00+03:00 1250.5
space separator       2026-11-27T10:15:00+03:00 1250.5
fraction              2026-11-27T10:15:00+03:00 1250.5
Z                     2026-11-27T10:15:00+03:00 1250.5
+05:00                2026-11-27T10:15:00+03:00 1250.5
-0100                 2026-11-27T10:15:00+03:00 1250.5
next day in Moscow    2026-11-28T01:30:00+03:00 1250.5
no seconds            2026-11-27T10:15:00+03:00 1250.5
int(1)
bool(true)
bool(true)
bool(true)
2026-02-29T10:00:00         validation_failed created_at: day 29 does not exist in 2026-02
2026-11-27T24:00:00         validation_failed created_at: hour 24 out of range (0-23)
2026-11-27T10:15:60         validation_failed created_at: second 60 out of range (0-59): leap seconds are not supported
1969-12-31T23:59:59Z        validation_failed created_at: year 1969 out of range (1970-2199)
2026-11-27T10:15:00+15:00   validation_failed created_at: UTC offset "+15:00" out of range (up to ±14:00)
2026-11-27T10:1             validation_failed created_at: expected YYYY-MM-DDTHH:MM:SS, got "2026-11-27T10:1"
27.11.2026 10:15:00         validation_failed created_at: expected YYYY-MM-DDTHH:MM:SS, got "27.11.2026 10:15:00"
2026-11-27T10:15:00 MSK     validation_failed created_at: unexpected " MSK" after the time, expected a fraction, Z or an offset like +03:00