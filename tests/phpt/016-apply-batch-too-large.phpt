--TEST--
applyBatch: more than max_batch items throws batch_too_large and applies nothing
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

$l = new CashbackLedger($db, ['max_batch' => 3]);
$item = fn(int $n) => ['external_id' => "t-$n", 'type' => 'accrual', 'amount' => $n, 'user_id' => 1];
$ctx = ['client' => 'store-1', 'store_id' => 'store-1', 'endpoint' => 'transactions/batch'];

try {
    $l->applyBatch([$item(1), $item(2), $item(3), $item(4)], $ctx);
    echo "NO EXCEPTION\n";
} catch (CashbackException $e) {
    show('code', $e->getErrorCode());
    show('message', $e->getMessage());
    show('is RuntimeException', $e instanceof RuntimeException);
}
// Nothing was applied.
show('balance', $l->balance(1));
show('entries', $l->verify()['entries']);
show('history', $l->history(1));

// Exactly max_batch items are fine.
show('3 items', array_column($l->applyBatch([$item(1), $item(2), $item(3)]), 'status'));
show('balance after', $l->balance(1)['balance']);
// A single apply() is a batch of one and always fits.
show('apply', $l->apply($item(4))['status']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
code: "batch_too_large"
message: "batch has 4 transactions; at most 3 are accepted"
is RuntimeException: true
balance: {"user_id":1,"balance":0.0,"updated_at":null}
entries: 0
history: {"items":[],"next_cursor":null}
3 items: ["success","success","success"]
balance after: 6.0
apply: "success"