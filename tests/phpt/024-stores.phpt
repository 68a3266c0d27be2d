--TEST--
registerStore, storeActivity, silentStores: a just-registered store is not silent, an old one is
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; require __DIR__ . '/backend.inc'; if ($missing = cashback_test_tamper_missing()) echo "skip $missing"; ?>
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
$iso = '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/';

var_dump($l->registerStore('store-1', 'Store on Lenina 1', 2));
$l->registerStore('store-2', 'Store 2');
$l->registerStore('store-3');
$a = $l->storeActivity();
show('keys', array_keys($a[0]));
foreach ($a as $s) {
    show('store', [$s['store_id'], $s['name'], $s['silence_hours'], $s['last_seen_at'], $s['silent_for_seconds'] < 60]);
}
// Just registered: not silent, whatever the threshold.
show('silent after 1h, right after registering', $l->silentStores(1));

// A logged request refreshes last activity.
$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-2']);
$s2 = array_values(array_filter($l->storeActivity(), fn($s) => $s['store_id'] === 'store-2'))[0];
var_dump(preg_match($iso, $s2['last_seen_at']));
show('order: seen first', array_column($l->storeActivity(), 'store_id'));

// Move activity into the past: store-1 seen 3h ago (own threshold 2h), store-2 seen 3h ago
// (global threshold), store-3 registered 30h ago and never seen.
$ago = fn(int $hours) => (time() - $hours * 3600) . '000';
cashback_test_sql($db, "UPDATE {stores} SET last_seen_at = {$ago(3)} WHERE store_id IN ('store-1', 'store-2');"
          . " UPDATE {stores} SET registered_at = {$ago(30)} WHERE store_id = 'store-3';");
$silent = function (int $hours) use ($l) {
    return array_map(fn($s) => [$s['store_id'], $s['last_seen_at'] === null ? null : 'set', intdiv($s['silent_for_seconds'], 60)], $l->silentStores($hours));
};
show('silent after 1h', $silent(1));
show('silent after 4h', $silent(4));
show('silent after 48h', $silent(48));
// Activity again: store-1 is no longer silent.
$l->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-1']);
show('silent after 1h, store-1 active again', $silent(1));

// Re-registering updates name and threshold.
$l->registerStore('store-3', 'Store 3', 100);
show('silent after 1h, store-3 threshold 100h', $silent(1));
$l->registerStore('store-3', null, 10);
show('store-3 keeps its name', array_values(array_filter($l->storeActivity(), fn($s) => $s['store_id'] === 'store-3'))[0]['name']);

// A log row naming a store nobody registered registers nothing (the log keeps its name).
$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-9']);
$all = array_column($l->storeActivity(), 'store_id');
show('never-seen store last', end($all));
sort($all);
show('all stores', $all);

// Invalid arguments.
fails('silentStores(0)', fn() => $l->silentStores(0));
fails('silentStores(-5)', fn() => $l->silentStores(-5));
fails('empty store id', fn() => $l->registerStore(''));
fails('threshold -1', fn() => $l->registerStore('store-4', 'x', -1));
fails('id too long', fn() => $l->registerStore(str_repeat('s', 65)));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
NULL
keys: ["store_id","name","silence_hours","last_seen_at","silent_for_seconds"]
store: ["store-1","Store on Lenina 1",2,null,true]
store: ["store-2","Store 2",null,null,true]
store: ["store-3",null,null,null,true]
silent after 1h, right after registering: []
int(1)
order: seen first: ["store-2","store-1","store-3"]
silent after 1h: [["store-1","set",180],["store-2","set",180],["store-3",null,1800]]
silent after 4h: [["store-1","set",180],["store-3",null,1800]]
silent after 48h: [["store-1","set",180]]
silent after 1h, store-1 active again: [["store-2","set",180],["store-3",null,1800]]
silent after 1h, store-3 threshold 100h: [["store-2","set",180]]
store-3 keeps its name: "Store 3"
never-seen store last: "store-3"
all stores: ["store-1","store-2","store-3"]
silentStores(0): invalid_hours | hours must be positive
silentStores(-5): invalid_hours | hours must be positive
empty store id: invalid_store | store id must be 1..64 characters without control or format characters or surrounding spaces
threshold -1: invalid_store | silence threshold must be a positive number of hours (0: the default)
id too long: invalid_store | store id must be 1..64 characters without control or format characters or surrounding spaces