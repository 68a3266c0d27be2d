--TEST--
Balances stay within what a JSON number carries exactly (balance_overflow); identifiers refuse control and format characters; a refused item's id is reported bounded
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$l = new CashbackLedger($db);
$accrual = fn(string $id, string $amount, array $more = []) => ['external_id' => $id, 'type' => 'accrual', 'amount' => $amount, 'user_id' => 7] + $more;

$items = [];
for ($i = 1; $i <= 9999; $i++) { $items[] = $accrual("big-$i", '1000000000.00'); }
$items[] = $accrual('top-up', '999999999.99');
$results = $l->applyBatch($items);
echo 'applied: ', count(array_filter($results, fn($r) => $r['status'] === 'success')), "\n";
echo 'balance on the wire: ', json_encode($l->balance(7)['balance']), "\n";
$over = $l->apply($accrual('one-more', '0.01'));
echo 'one kopeck more: ', $over['status'], ' ', $over['error'], "\n";
echo 'balance unchanged: ', json_encode($l->balance(7)['balance']), "\n";
$debit = $l->apply(['external_id' => 'spend', 'type' => 'debit', 'amount' => '0.02', 'user_id' => 7]);
echo 'a debit below the cap: ', $debit['status'], ' ', json_encode($debit['balance']), "\n";

foreach (["\u{200B}", "\u{FEFF}", "\u{202E}", "\u{200D}"] as $invisible) {
    foreach (['external_id', 'store_id'] as $field) {
        $r = $l->apply(array_replace($accrual('A-1', '1.00'), ['user_id' => 8, $field => "A-1$invisible"]));
        printf("U+%04X in %s: %s %s %s\n", mb_ord($invisible), $field, $r['error'], $r['field'], $r['message']);
    }
}
$r = $l->applyBatch([$accrual(str_repeat('x', 400000), '1.00'), $accrual("A-1\u{202E}\e[2J", '1.00')], ['endpoint' => 'transactions/batch']);
echo 'long id reported as ', mb_strlen($r[0]['external_id']), ' characters: ', $r[0]['error'], "\n";
echo 'hidden characters reported replaced: ', json_encode($r[1]['external_id']), "\n";
echo 'log rows of them: ', json_encode(array_map(fn($row) => mb_strlen($row['external_id']), array_slice($l->syncLog()['items'], 0, 2))), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
applied: 10000
balance on the wire: 9999999999999.99
one kopeck more: error balance_overflow
balance unchanged: 9999999999999.99
a debit below the cap: success 9999999999999.97
U+200B in external_id: validation_failed external_id must not contain control or format characters (U+200B)
U+200B in store_id: validation_failed store_id must not contain control or format characters (U+200B)
U+FEFF in external_id: validation_failed external_id must not contain control or format characters (U+FEFF)
U+FEFF in store_id: validation_failed store_id must not contain control or format characters (U+FEFF)
U+202E in external_id: validation_failed external_id must not contain control or format characters (U+202E)
U+202E in store_id: validation_failed store_id must not contain control or format characters (U+202E)
U+200D in external_id: validation_failed external_id must not contain control or format characters (U+200D)
U+200D in store_id: validation_failed store_id must not contain control or format characters (U+200D)
long id reported as 65 characters: validation_failed
hidden characters reported replaced: "A-1\ufffd\ufffd[2J"
log rows of them: [8,65]
