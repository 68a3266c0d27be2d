--TEST--
constructor: options timezone, busy_timeout_ms, max_batch; invalid_option and invalid_path
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

// Valid options: timezone, busy_timeout_ms, max_batch.
$utc = new CashbackLedger($db, ['timezone' => 'UTC', 'busy_timeout_ms' => 100, 'max_batch' => 2]);
$utc->apply(['external_id' => 'a1', 'type' => 'accrual', 'amount' => 5, 'user_id' => 1, 'created_at' => '2026-11-27T10:15:00']);
show('UTC created_at', $utc->history(1)['items'][0]['created_at']);
$item = fn($n) => ['external_id' => "b$n", 'type' => 'accrual', 'amount' => 1, 'user_id' => 1];
fails('max_batch 2, 3 items', fn() => $utc->applyBatch([$item(1), $item(2), $item(3)]));
show('max_batch 2, 2 items', array_column($utc->applyBatch([$item(1), $item(2)]), 'status'));
show('nothing of the refused batch', $utc->balance(1)['balance']);

// The same stored instant rendered in other zones.
$kolkata = new CashbackLedger($db, ['timezone' => '+05:30']);
show('+05:30 created_at', $kolkata->history(1)['items'][2]['created_at']);
$moscow = new CashbackLedger($db, ['timezone' => 'europe/moscow', 'busy_timeout_ms' => 0]);
show('Moscow created_at', $moscow->history(1)['items'][2]['created_at']);
$omsk = new CashbackLedger($db, ['timezone' => '+0600']);
show('+0600 created_at', $omsk->history(1)['items'][2]['created_at']);

// Invalid options.
fails('unknown zone', fn() => new CashbackLedger($db, ['timezone' => 'Mars/Base']));
fails('zone not a string', fn() => new CashbackLedger($db, ['timezone' => 3]));
fails('zone offset too big', fn() => new CashbackLedger($db, ['timezone' => '+15:00']));
fails('negative busy_timeout_ms', fn() => new CashbackLedger($db, ['busy_timeout_ms' => -1]));
fails('busy_timeout_ms as string', fn() => new CashbackLedger($db, ['busy_timeout_ms' => '100']));
fails('max_batch 0', fn() => new CashbackLedger($db, ['max_batch' => 0]));
fails('max_batch float', fn() => new CashbackLedger($db, ['max_batch' => 1.5]));
fails('unknown option', fn() => new CashbackLedger($db, ['max_batch' => 5, 'colour' => 'red']));
fails('list instead of map', fn() => new CashbackLedger($db, ['UTC']));

// Path.
fails('empty path', fn() => new CashbackLedger(''));
fails('empty path, no ini default', fn() => new CashbackLedger());
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
UTC created_at: "2026-11-27T10:15:00+00:00"
max_batch 2, 3 items: batch_too_large | batch has 3 transactions; at most 2 are accepted
max_batch 2, 2 items: ["success","success"]
nothing of the refused batch: 7.0
+05:30 created_at: "2026-11-27T15:45:00+05:30"
Moscow created_at: "2026-11-27T13:15:00+03:00"
+0600 created_at: "2026-11-27T16:15:00+06:00"
unknown zone: invalid_option | timezone: unknown time zone "Mars/Base": expected UTC, an offset like +03:00 or +0300, or an IANA name such as Europe/Moscow, Europe/Minsk or Asia/Almaty
zone not a string: invalid_option | unknown or malformed option "timezone"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
zone offset too big: invalid_option | timezone: UTC offset "+15:00" out of range (up to ±14:00)
negative busy_timeout_ms: invalid_option | unknown or malformed option "busy_timeout_ms"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
busy_timeout_ms as string: invalid_option | unknown or malformed option "busy_timeout_ms"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
max_batch 0: invalid_option | unknown or malformed option "max_batch"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
max_batch float: invalid_option | unknown or malformed option "max_batch"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
unknown option: invalid_option | unknown or malformed option "colour"; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)
list instead of map: invalid_option | options must be an array keyed by option name
empty path: invalid_path | database path is empty; set cashback.database or pass a path
empty path, no ini default: invalid_path | database path is empty; set cashback.database or pass a path