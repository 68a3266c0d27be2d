--TEST--
apply: release (partial, exceeds_original with remaining) and original_* errors
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
$tx = fn(array $t) => $l->apply($t);

show('accrual 1000', $tx(['external_id' => 'acc', 'type' => 'accrual', 'amount' => 1000, 'user_id' => 1]));
show('debit 400', $tx(['external_id' => 'deb', 'type' => 'debit', 'amount' => 400, 'user_id' => 1]));

// Partial release of the debit, then more than what remains, then the rest.
show('release 150', $tx(['external_id' => 'rel-1', 'type' => 'release', 'amount' => 150, 'user_id' => 1, 'original_external_id' => 'deb']));
show('release 300 (250 left)', $tx(['external_id' => 'rel-2', 'type' => 'release', 'amount' => 300, 'user_id' => 1, 'original_external_id' => 'deb']));
show('release 249.99', $tx(['external_id' => 'rel-3', 'type' => 'release', 'amount' => '249.99', 'user_id' => 1, 'original_external_id' => 'deb']));
show('release 0.02 (0.01 left)', $tx(['external_id' => 'rel-4', 'type' => 'release', 'amount' => '0.02', 'user_id' => 1, 'original_external_id' => 'deb']));
show('release last 0.01', $tx(['external_id' => 'rel-5', 'type' => 'release', 'amount' => '0.01', 'user_id' => 1, 'original_external_id' => 'deb']));
show('release when nothing left', $tx(['external_id' => 'rel-6', 'type' => 'release', 'amount' => '0.01', 'user_id' => 1, 'original_external_id' => 'deb']));

// Originals that do not fit.
show('original_not_found', $tx(['external_id' => 'rel-7', 'type' => 'release', 'amount' => 1, 'user_id' => 1, 'original_external_id' => 'no-such']));
show('original_type_mismatch (release of an accrual)', $tx(['external_id' => 'rel-8', 'type' => 'release', 'amount' => 1, 'user_id' => 1, 'original_external_id' => 'acc']));
show('original_type_mismatch (release of a release)', $tx(['external_id' => 'rel-9', 'type' => 'release', 'amount' => 1, 'user_id' => 1, 'original_external_id' => 'rel-1']));
$tx(['external_id' => 'acc-2', 'type' => 'accrual', 'amount' => 100, 'user_id' => 2]);
show('original_user_mismatch', $tx(['external_id' => 'rel-10', 'type' => 'release', 'amount' => 1, 'user_id' => 2, 'original_external_id' => 'deb']));
show('release without original', $tx(['external_id' => 'rel-11', 'type' => 'release', 'amount' => 1, 'user_id' => 1]));

show('balance 1', $l->balance(1)['balance']);
show('balance 2', $l->balance(2)['balance']);
foreach ($l->history(1)['items'] as $e) {
    show($e['external_id'], [$e['type'], $e['amount'], $e['effect'], $e['original_external_id']]);
}
show('verify ok', $l->verify()['ok']);
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
accrual 1000: {"external_id":"acc","status":"success","transaction_id":1,"user_id":1,"balance":1000.0,"negative_balance":false}
debit 400: {"external_id":"deb","status":"success","transaction_id":2,"user_id":1,"balance":600.0,"negative_balance":false}
release 150: {"external_id":"rel-1","status":"success","transaction_id":3,"user_id":1,"balance":750.0,"negative_balance":false}
release 300 (250 left): {"external_id":"rel-2","status":"error","error":"exceeds_original","remaining":250.0}
release 249.99: {"external_id":"rel-3","status":"success","transaction_id":4,"user_id":1,"balance":999.99,"negative_balance":false}
release 0.02 (0.01 left): {"external_id":"rel-4","status":"error","error":"exceeds_original","remaining":0.01}
release last 0.01: {"external_id":"rel-5","status":"success","transaction_id":5,"user_id":1,"balance":1000.0,"negative_balance":false}
release when nothing left: {"external_id":"rel-6","status":"error","error":"exceeds_original","remaining":0.0}
original_not_found: {"external_id":"rel-7","status":"error","error":"original_not_found"}
original_type_mismatch (release of an accrual): {"external_id":"rel-8","status":"error","error":"original_type_mismatch"}
original_type_mismatch (release of a release): {"external_id":"rel-9","status":"error","error":"original_type_mismatch"}
original_user_mismatch: {"external_id":"rel-10","status":"error","error":"original_user_mismatch"}
release without original: {"external_id":"rel-11","status":"error","error":"validation_failed","field":"original_external_id","message":"is required for a release: name the debit it cancels"}
balance 1: 1000.0
balance 2: 100.0
rel-5: ["release",0.01,0.01,"deb"]
rel-3: ["release",249.99,249.99,"deb"]
rel-1: ["release",150.0,150.0,"deb"]
deb: ["debit",400.0,-400.0,null]
acc: ["accrual",1000.0,1000.0,null]
verify ok: true