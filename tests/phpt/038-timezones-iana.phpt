--TEST--
timezone: any IANA zone (Europe/Minsk, Europe/Berlin with daylight saving time) for reading and rendering times
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);

/** Runs $f, which must throw CashbackException; prints its code and message. */
function fails(string $label, callable $f): void {
    try {
        $f();
        echo "$label: NO EXCEPTION\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ' | ', $e->getMessage(), "\n";
    }
}
/** The created_at of each entry of user $user, oldest first, keyed by external_id. */
function created(CashbackLedger $l, int $user): array {
    return array_column(array_reverse($l->history($user)['items']), 'created_at', 'external_id');
}

// Belarus: Europe/Minsk (+03:00 all year), as a constructor option.
$minsk = new CashbackLedger($db, ['timezone' => 'Europe/Minsk']);
$minsk->apply(['external_id' => 'm1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1, 'created_at' => '2026-11-27T10:15:00']);
$minsk->apply(['external_id' => 'm2', 'type' => 'accrual', 'amount' => 10, 'user_id' => 1, 'created_at' => '2026-07-01T10:15:00']);
print_r(created($minsk, 1));

// Germany: Europe/Berlin is +02:00 in summer and +01:00 in winter.
$berlin = new CashbackLedger($db, ['timezone' => 'Europe/Berlin']);
$times = [
    'b-summer' => '2026-07-01T12:00:00',
    'b-winter' => '2026-01-15T12:00:00',
    'b-gap'    => '2026-03-29T02:30:00',  // skipped by the clocks: read as 03:30 summer time
    'b-fold'   => '2026-10-25T02:30:00',  // happens twice: the first (summer time) is taken
    'b-utc'    => '2026-07-01T10:00:00Z',
];
foreach ($times as $id => $at) {
    $berlin->apply(['external_id' => $id, 'type' => 'accrual', 'amount' => 1, 'user_id' => 2, 'created_at' => $at]);
}
print_r(created($berlin, 2));
// The same instants seen from a UTC ledger.
print_r(created(new CashbackLedger($db, ['timezone' => 'UTC']), 2));
// A summer recorded_at carries the summer offset of the moment it was recorded (today), never a fixed one.
$recorded = $berlin->history(2, 1)['items'][0]['recorded_at'];
$expected = (new DateTimeImmutable('now', new DateTimeZone('Europe/Berlin')))->format('P');
var_dump(str_ends_with($recorded, $expected));

// The ini setting takes IANA zones too, and still refuses what is not one.
var_dump(ini_set('cashback.timezone', 'Europe/Minsk') !== false);
var_dump(ini_get('cashback.timezone'));
var_dump(ini_set('cashback.timezone', 'Mars/Base'));
var_dump(ini_get('cashback.timezone'));
$fromIni = new CashbackLedger($db);
print_r(created($fromIni, 1));
fails('unknown zone', fn () => new CashbackLedger($db, ['timezone' => 'Europe/Atlantis']));
fails('a path is no zone', fn () => new CashbackLedger($db, ['timezone' => '/etc/localtime']));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
Array
(
    [m1] => 2026-11-27T10:15:00+03:00
    [m2] => 2026-07-01T10:15:00+03:00
)
Array
(
    [b-summer] => 2026-07-01T12:00:00+02:00
    [b-winter] => 2026-01-15T12:00:00+01:00
    [b-gap] => 2026-03-29T03:30:00+02:00
    [b-fold] => 2026-10-25T02:30:00+02:00
    [b-utc] => 2026-07-01T12:00:00+02:00
)
Array
(
    [b-summer] => 2026-07-01T10:00:00+00:00
    [b-winter] => 2026-01-15T11:00:00+00:00
    [b-gap] => 2026-03-29T01:30:00+00:00
    [b-fold] => 2026-10-25T00:30:00+00:00
    [b-utc] => 2026-07-01T10:00:00+00:00
)
bool(true)
bool(true)
string(12) "Europe/Minsk"
bool(false)
string(12) "Europe/Minsk"
Array
(
    [m1] => 2026-11-27T10:15:00+03:00
    [m2] => 2026-07-01T10:15:00+03:00
)
unknown zone: invalid_option | timezone: unknown time zone "Europe/Atlantis": expected UTC, an offset like +03:00 or +0300, or an IANA name such as Europe/Moscow, Europe/Minsk or Asia/Almaty
a path is no zone: invalid_option | timezone: unknown time zone "/etc/localtime": expected UTC, an offset like +03:00 or +0300, or an IANA name such as Europe/Moscow, Europe/Minsk or Asia/Almaty
