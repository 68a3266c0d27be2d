--TEST--
history: newest first, paging with next_cursor returns every entry once
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
// 7 entries of user 1, interleaved with entries of user 2.
$batch = [];
for ($i = 1; $i <= 7; $i++) {
    $batch[] = ['external_id' => "u1-$i", 'type' => 'accrual', 'amount' => $i * 100 + 0.5, 'user_id' => 1];
    if ($i % 2) $batch[] = ['external_id' => "u2-$i", 'type' => 'accrual', 'amount' => 1, 'user_id' => 2];
}
$l->applyBatch($batch);

// Pages of 3, newest first; every entry exactly once.
$seen = [];
$cursor = null;
$page = 0;
do {
    $h = $l->history(1, 3, $cursor);
    $page++;
    show("page $page", [array_column($h['items'], 'external_id'), array_column($h['items'], 'transaction_id'), $h['next_cursor']]);
    foreach ($h['items'] as $e) { $seen[] = $e['external_id']; }
    $cursor = $h['next_cursor'];
} while ($cursor !== null && $page < 10);
show('all', $seen);
show('each once', count($seen) === count(array_unique($seen)) && count($seen) === 7);
// The cursor is the transaction_id of the last item shown.
$first = $l->history(1, 3);
var_dump($first['next_cursor'] === end($first['items'])['transaction_id']);

// Exactly one page: no cursor.
show('limit 7', $l->history(1, 7)['next_cursor']);
show('limit 8', count($l->history(1, 8)['items']));
// Default limit 50.
show('default', count($l->history(1)['items']));
// A limit below 1 is treated as 1.
try { $l->history(1, 0); echo "limit 0: NO EXCEPTION\n"; } catch (CashbackException $e) { echo 'limit 0: ', $e->getErrorCode(), ' | ', $e->getMessage(), "\n"; }
// Entries of the other user never show.
show('user 2', array_column($l->history(2)['items'], 'external_id'));
// A user without entries.
show('user 3', $l->history(3));
fails('user 0', fn() => $l->history(0));

// Each item: fields and types.
$e = $l->history(1, 1)['items'][0];
show('item keys', array_keys($e));
var_dump($e['transaction_id'], $e['amount'], $e['effect']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
page 1: [["u1-7","u1-6","u1-5"],[10,9,7],7]
page 2: [["u1-4","u1-3","u1-2"],[6,4,3],3]
page 3: [["u1-1"],[1],null]
all: ["u1-7","u1-6","u1-5","u1-4","u1-3","u1-2","u1-1"]
each once: true
bool(true)
limit 7: null
limit 8: 7
default: 7
limit 0: invalid_argument | limit must be positive
user 2: ["u2-7","u2-5","u2-3","u2-1"]
user 3: {"items":[],"next_cursor":null}
user 0: invalid_user_id | user id must be positive
item keys: ["transaction_id","external_id","type","amount","effect","source","store_id","description","created_at","recorded_at","original_external_id"]
int(10)
float(700.5)
float(700.5)