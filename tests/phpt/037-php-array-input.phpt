--TEST--
applyBatch/apply read PHP arrays in place: shapes, types and refusals as for decoded JSON
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$l = new CashbackLedger($db);
$l->linkPhone(7, '+7 900 000-00-07', true);

$ok = ['type' => 'accrual', 'amount' => 1, 'user_id' => 7];
$items = [
    'a string'              => 'abc',
    'a list'                => [1, 2],
    'an empty array'        => [],
    'an integer key'        => $ok + ['external_id' => 'k1', 0 => 'x'],
    'a nested amount'       => ['amount' => [1]] + $ok + ['external_id' => 'k2'],
    'null fields'           => ['description' => null, 'store_id' => null] + $ok + ['external_id' => 'k3'],
    'float amount'          => ['amount' => 150.5] + $ok + ['external_id' => 'k4'],
    'string amount'         => ['amount' => '0.07'] + $ok + ['external_id' => 'k5'],
    'integer phone'         => ['type' => 'accrual', 'amount' => 2, 'user_phone' => 79000000007, 'external_id' => 'k6'],
    'float phone'           => ['type' => 'accrual', 'amount' => 2, 'user_phone' => 79000000007.0, 'external_id' => 'k7'],
    'string user_id'        => ['user_id' => '7'] + $ok + ['external_id' => 'k8'],
    'boolean amount'        => ['amount' => true] + $ok + ['external_id' => 'k9'],
    'keys in another order' => ['external_id' => 'k10', 'user_id' => 7, 'amount' => 3, 'type' => 'accrual'],
];
foreach (array_combine(array_keys($items), $l->applyBatch(array_values($items))) as $label => $result) {
    echo str_pad($label, 22), ': ', implode(' ', array_filter([$result['status'], $result['error'] ?? null, $result['field'] ?? null, $result['message'] ?? null])), "\n";
}
echo 'balance: ', $l->balance(7)['balance'], "\n";

// What cannot be read at all fails the whole call, and nothing of it is written.
$deep = 1;
for ($i = 0; $i < 40; $i++) { $deep = [$deep]; }
foreach ([
    'an object'       => ['amount' => new stdClass()] + $ok + ['external_id' => 'x1'],
    'bad UTF-8 value' => ['description' => "caf\xE9"] + $ok + ['external_id' => 'x2'],
    'bad UTF-8 key'   => ["caf\xE9" => 1] + $ok + ['external_id' => 'x3'],
    'deep nesting'    => ['description' => $deep] + $ok + ['external_id' => 'x4'],
] as $label => $bad) {
    foreach (['applyBatch' => fn () => $l->applyBatch([$ok + ['external_id' => 'x0'], $bad]), 'apply' => fn () => $l->apply($bad)] as $method => $call) {
        try {
            $call();
            echo "$label via $method: accepted\n";
        } catch (CashbackException $e) {
            echo "$label via $method: ", $e->getErrorCode(), ': ', $e->getMessage(), "\n";
        }
    }
}
// Keys that are not UTF-8 anywhere a PHP array is read: a clear error, not a crash.
foreach ([
    'batch list key' => fn () => $l->applyBatch(["caf\xE9" => $ok + ['external_id' => 'x5']]),
    'log entry key'  => fn () => $l->logSync(['endpoint' => 'balance', 'status' => 'success', "caf\xE9" => 1]),
    'options key'    => fn () => new CashbackLedger($db, ["caf\xE9" => 1]),
] as $label => $call) {
    try {
        $call();
        echo "$label: accepted\n";
    } catch (CashbackException $e) {
        echo "$label: ", $e->getErrorCode(), ': ', $e->getMessage(), "\n";
    }
}
// Lists with holes (unset, array_filter) are read in order, holes skipped.
$list = [$ok + ['external_id' => 'g1'], 'a hole', $ok + ['external_id' => 'g2'], $ok + ['external_id' => 'g3']];
unset($list[1]);
$filtered = array_filter([['external_id' => 'g4', 'amount' => 0] + $ok, $ok + ['external_id' => 'g5']], fn ($item) => $item['amount'] !== 0);
foreach ([$list, $filtered] as $batch) {
    echo 'holes: ', implode(' ', array_map(fn ($r) => $r['external_id'] . '=' . $r['status'], $l->applyBatch($batch))), "\n";
}
echo 'x0 written: ', json_encode(array_filter($l->history(7, 100)['items'], fn ($e) => $e['external_id'] === 'x0') !== []), "\n";
echo 'verify: ', json_encode($l->verify()['ok']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
a string              : error validation_failed transaction must be a JSON object
a list                : error validation_failed transaction must be a JSON object
an empty array        : error validation_failed external_id is required
an integer key        : error validation_failed transaction unknown field "0"
a nested amount       : error validation_failed amount amount must be a number or a decimal string
null fields           : success
float amount          : success
string amount         : success
integer phone         : success
float phone           : error validation_failed user_phone must be a string, or a whole positive number of digits
string user_id        : success
boolean amount        : error validation_failed amount amount must be a number or a decimal string, not a boolean
keys in another order : success
balance: 157.57
an object via applyBatch: invalid_argument: Object values are not accepted; pass arrays, strings and numbers
an object via apply: invalid_argument: Object values are not accepted; pass arrays, strings and numbers
bad UTF-8 value via applyBatch: invalid_argument: string is not valid UTF-8
bad UTF-8 value via apply: invalid_argument: string is not valid UTF-8
bad UTF-8 key via applyBatch: invalid_argument: array key is not valid UTF-8
bad UTF-8 key via apply: invalid_argument: array key is not valid UTF-8
deep nesting via applyBatch: invalid_argument: array is nested too deeply
deep nesting via apply: invalid_argument: array is nested too deeply
batch list key: invalid_argument: array key is not valid UTF-8
log entry key: invalid_argument: array key is not valid UTF-8
options key: invalid_argument: array key is not valid UTF-8
holes: g1=success g2=success g3=success
holes: g5=success
x0 written: false
verify: true
