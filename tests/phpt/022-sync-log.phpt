--TEST--
logSync and syncLog: filters store_id, status, external_id, from/to; paging; pruneSyncLog arguments
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

/** The deterministic part of a log row. */
function row(array $r): array {
    if (!preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/', $r['at'])) echo "bad at: {$r['at']}\n";
    unset($r['at'], $r['id']);
    return $r;
}

// logSync: a request that wrote nothing (balance query, 401, ...).
var_dump($l->logSync(['endpoint' => 'balance', 'status' => 'success', 'client' => 'store-1', 'store_id' => 'store-1', 'duration_ms' => 12]));
$l->logSync(['endpoint' => 'transactions', 'status' => 'unauthorized', 'error' => 'bad_key']);
$l->logSync(['endpoint' => 'transactions/batch', 'status' => 'error', 'store_id' => 'store-2', 'external_id' => 'X-1', 'error' => 'insufficient_balance']);
$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-2']);
$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-1']);

$all = $l->syncLog();
foreach ($all['items'] as $r) { show('row', row($r)); }
show('next_cursor', $all['next_cursor']);

// Filters.
show('store-1', array_column($l->syncLog(['store_id' => 'store-1'])['items'], 'id'));
show('store-2', array_column($l->syncLog(['store_id' => 'store-2'])['items'], 'id'));
show('status error', array_column($l->syncLog(['status' => 'error'])['items'], 'id'));
show('status unauthorized', array_column($l->syncLog(['status' => 'unauthorized'])['items'], 'error'));
show('external_id X-1', array_column($l->syncLog(['external_id' => 'X-1'])['items'], 'id'));
show('store-2 + success', array_column($l->syncLog(['store_id' => 'store-2', 'status' => 'success'])['items'], 'id'));
show('unknown store', $l->syncLog(['store_id' => 'nope']));
show('empty filter values mean any', count($l->syncLog(['store_id' => '', 'status' => ''])['items']));
show('empty filter array', count($l->syncLog([])['items']));

// from (inclusive) / to (exclusive): ISO strings or Unix seconds.
$now = time();
show('from an hour ago', count($l->syncLog(['from' => $now - 3600])['items']));
show('from in an hour', count($l->syncLog(['from' => $now + 3600])['items']));
show('to an hour ago', count($l->syncLog(['to' => $now - 3600])['items']));
show('to in an hour', count($l->syncLog(['to' => $now + 3600])['items']));
show('ISO window', count($l->syncLog(['from' => date('Y-m-d\TH:i:sP', $now - 3600), 'to' => date('Y-m-d\TH:i:sP', $now + 3600)])['items']));
show('ISO Moscow, no offset, in the past', count($l->syncLog(['to' => '2020-01-01T00:00:00'])['items']));
show('window + status', count($l->syncLog(['from' => $now - 3600, 'status' => 'success'])['items']));
fails('bad from', fn() => $l->syncLog(['from' => 'yesterday']));
fails('bad to', fn() => $l->syncLog(['to' => ['x']]));

// Paging: newest first, every row once.
$ids = [];
$cursor = null;
do {
    $page = $l->syncLog(null, 2, $cursor);
    show('page', [array_column($page['items'], 'id'), $page['next_cursor']]);
    $ids = array_merge($ids, array_column($page['items'], 'id'));
    $cursor = $page['next_cursor'];
} while ($cursor !== null);
show('all ids', $ids);
show('filtered paging', $l->syncLog(['status' => 'success'], 2)['next_cursor']);
show('filtered page 2', array_column($l->syncLog(['status' => 'success'], 2, 4)['items'], 'id'));

// Invalid entries are refused.
fails('no endpoint', fn() => $l->logSync(['status' => 'success']));
fails('no status', fn() => $l->logSync(['endpoint' => 'balance']));
fails('bad status', fn() => $l->logSync(['endpoint' => 'balance', 'status' => 'Not OK']));
fails('bad error code', fn() => $l->logSync(['endpoint' => 'balance', 'status' => 'error', 'error' => 'Bad Error']));
fails('negative duration', fn() => $l->logSync(['endpoint' => 'balance', 'status' => 'success', 'duration_ms' => -1]));
fails('control char in client', fn() => $l->logSync(['endpoint' => 'balance', 'status' => 'success', 'client' => "a\nb"]));
show('still 5 rows', count($l->syncLog()['items']));

// pruneSyncLog: nothing here is older than 30 days (old rows: see the prune test).
show('prune 30 days', $l->pruneSyncLog(30));
show('still 5 rows after prune', count($l->syncLog()['items']));
fails('prune -1', fn() => $l->pruneSyncLog(-1));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
NULL
row: {"client":null,"store_id":"store-1","endpoint":"balance","external_id":null,"status":"success","error":null,"duration_ms":0,"address":null,"times":1}
row: {"client":null,"store_id":"store-2","endpoint":"balance","external_id":null,"status":"success","error":null,"duration_ms":0,"address":null,"times":1}
row: {"client":null,"store_id":"store-2","endpoint":"transactions/batch","external_id":"X-1","status":"error","error":"insufficient_balance","duration_ms":0,"address":null,"times":1}
row: {"client":null,"store_id":null,"endpoint":"transactions","external_id":null,"status":"unauthorized","error":"bad_key","duration_ms":0,"address":null,"times":1}
row: {"client":"store-1","store_id":"store-1","endpoint":"balance","external_id":null,"status":"success","error":null,"duration_ms":12,"address":null,"times":1}
next_cursor: null
store-1: [5,1]
store-2: [4,3]
status error: [3]
status unauthorized: ["bad_key"]
external_id X-1: [3]
store-2 + success: [4]
unknown store: {"items":[],"next_cursor":null}
empty filter values mean any: 5
empty filter array: 5
from an hour ago: 5
from in an hour: 0
to an hour ago: 0
to in an hour: 5
ISO window: 5
ISO Moscow, no offset, in the past: 0
window + status: 3
bad from: invalid_argument | from: expected YYYY-MM-DDTHH:MM:SS, got "yesterday"
bad to: invalid_argument | to must be an ISO 8601 string or Unix seconds
page: [[5,4],4]
page: [[3,2],2]
page: [[1],null]
all ids: [5,4,3,2,1]
filtered paging: 4
filtered page 2: [1]
no endpoint: invalid_log_entry | endpoint must be 1..128 characters of a-z, 0-9, _, - and /
no status: invalid_log_entry | status must be 1..32 characters of a-z, 0-9 and _
bad status: invalid_log_entry | status must be 1..32 characters of a-z, 0-9 and _
bad error code: invalid_log_entry | error must be 1..64 characters of a-z, 0-9 and _
negative duration: invalid_log_entry | duration_ms must not be negative
control char in client: invalid_log_entry | client must be at most 128 characters without control characters
still 5 rows: 5
prune 30 days: 0
still 5 rows after prune: 5
prune -1: invalid_days | days must not be negative
