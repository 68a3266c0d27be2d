--TEST--
API keys: createApiKey, listApiKeys without secrets, verifyApiKey, revokeApiKey
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

$k1 = $l->createApiKey('store-12', 'store-12');
show('create keys', array_keys($k1));
var_dump($k1['id'], $k1['name'], $k1['store_id']);
var_dump(str_starts_with($k1['key'], 'cbk_'));
var_dump(preg_match('/^cbk_[0-9a-f]{12}_[0-9a-f]{48}$/', $k1['key']));
$k2 = $l->createApiKey('1c-central');
var_dump($k2['id'], $k2['store_id']);
var_dump($k1['key'] !== $k2['key']);

// The list never holds the secret.
$list = $l->listApiKeys();
show('list count', count($list));
show('list keys', array_keys($list[0]));
var_dump(array_key_exists('key', $list[0]), array_key_exists('hash', $list[0]));
foreach ($list as $k) {
    show('listed', [$k['id'], $k['name'], $k['store_id'], $k['active'], $k['revoked_at']]);
    var_dump(preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/', $k['created_at']));
}
// The prefix is the public lookup part of the key.
var_dump(str_starts_with($k1['key'], $list[1]['prefix'] . '_'));
var_dump(strlen($list[1]['prefix']));
var_dump(str_contains(json_encode($list), substr($k1['key'], -48)));

// verifyApiKey: the client of a valid key, or null.
show('verify k1', $l->verifyApiKey($k1['key']));
show('verify k2', $l->verifyApiKey($k2['key']));
show('wrong secret', $l->verifyApiKey(substr($k1['key'], 0, -1) . (substr($k1['key'], -1) === '0' ? '1' : '0')));
show('other key\'s lookup with k1 secret', $l->verifyApiKey(explode('_', $k2['key'])[0] . '_' . explode('_', $k2['key'])[1] . '_' . explode('_', $k1['key'])[2]));
show('garbage', $l->verifyApiKey('garbage'));
show('empty', $l->verifyApiKey(''));
show('prefix only', $l->verifyApiKey('cbk_'));
show('listed prefix', $l->verifyApiKey($list[1]['prefix']));
show('key with spaces', $l->verifyApiKey(' ' . $k1['key']));

// Revocation takes effect at once.
var_dump($l->revokeApiKey($k1['id']));
show('verify revoked k1', $l->verifyApiKey($k1['key']));
show('k2 still valid', $l->verifyApiKey($k2['key'])['name']);
var_dump($l->revokeApiKey($k1['id']));
$revoked = array_values(array_filter($l->listApiKeys(), fn($k) => $k['id'] === $k1['id']))[0];
var_dump($revoked['active']);
var_dump(preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/', $revoked['revoked_at']));
fails('revoke unknown id', fn() => $l->revokeApiKey(999));
fails('empty name', fn() => $l->createApiKey(''));
fails('blank name', fn() => $l->createApiKey('   '));
fails('name too long', fn() => $l->createApiKey(str_repeat('n', 65)));
show('keys after failures', count($l->listApiKeys()));
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
create keys: ["id","name","store_id","key","allowed_networks"]
int(1)
string(8) "store-12"
string(8) "store-12"
bool(true)
int(1)
int(2)
NULL
bool(true)
list count: 2
list keys: ["id","name","store_id","prefix","created_at","revoked_at","active","allowed_networks"]
bool(false)
bool(false)
listed: [2,"1c-central",null,true,null]
int(1)
listed: [1,"store-12","store-12",true,null]
int(1)
bool(true)
int(16)
bool(false)
verify k1: {"id":1,"name":"store-12","store_id":"store-12","allowed_networks":[]}
verify k2: {"id":2,"name":"1c-central","store_id":null,"allowed_networks":[]}
wrong secret: null
other key's lookup with k1 secret: null
garbage: null
empty: null
prefix only: null
listed prefix: null
key with spaces: null
bool(true)
verify revoked k1: null
k2 still valid: "1c-central"
bool(false)
bool(false)
int(1)
revoke unknown id: not_found | no API key with id 999
empty name: invalid_key_name | key name must be 1..64 characters without control characters
blank name: invalid_key_name | key name must be 1..64 characters without control characters
name too long: invalid_key_name | key name must be 1..64 characters without control characters
keys after failures: 2