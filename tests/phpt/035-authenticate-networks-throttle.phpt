--TEST--
authenticate(): per-key source networks, throttling of failing addresses, setApiKeyNetworks
--SKIPIF--
<?php if (!extension_loaded('cashback')) echo 'skip cashback not loaded'; ?>
--FILE--
<?php
require __DIR__ . '/backend.inc';
$db = cashback_test_database(__FILE__);
$l = new CashbackLedger($db, ['auth_max_failures' => 3]);

$office = $l->createApiKey('store-7', 'store-7', ['10.7.0.0/16', '2001:db8:7::/48']);
echo json_encode($office["allowed_networks"], JSON_UNESCAPED_SLASHES), "\n";
$open = $l->createApiKey('1c-central');

$status = fn(string $key, ?string $address) => $l->authenticate($key, $address)['status'];
echo 'office from 10.7.3.4: ', $status($office['key'], '10.7.3.4'), "\n";
echo 'office from ::ffff:10.7.3.4: ', $status($office['key'], '::ffff:10.7.3.4'), "\n";
echo 'office from 2001:db8:7::1: ', $status($office['key'], '2001:db8:7::1'), "\n";
echo 'office from 10.8.0.1: ', $status($office['key'], '10.8.0.1'), "\n";
echo 'office, no address: ', $status($office['key'], null), "\n";
echo 'client of ok: ', json_encode($l->authenticate($open['key'], '198.51.100.1')['client']), "\n";

// 10.8.0.1 already failed once (foreign network); two more failures reach the limit of 3.
echo 'bad key: ', $status('cbk_000000000000_nope', '10.8.0.1'), "\n";
echo 'bad key: ', $status('', '10.8.0.1'), "\n";
echo 'valid key from the failing address: ', $status($open['key'], '10.8.0.1'), "\n";
// Reading the log writes the refusals this process counted: one row per status and address.
foreach ($l->syncLog()['items'] as $row) {
    echo "refusal row: {$row['status']} {$row['error']} from '{$row['address']}' x{$row['times']} ({$row['endpoint']})\n";
}
$throttled = $l->authenticate('cbk_000000000000_nope', '10.8.0.1', 'transactions');
echo 'bad key from the throttled address: ', $throttled['status'], ' retry_after in 1..300: ',
    var_export($throttled['retry_after'] >= 1 && $throttled['retry_after'] <= 300, true), "\n";
echo 'valid key from the throttled address: ', $status($open['key'], '10.8.0.1'), "\n";
echo 'valid key from another address: ', $status($open['key'], '10.8.0.2'), "\n";
for ($i = 0; $i < 10; $i++) { $status('garbage', ''); }
echo 'local caller after many failures: ', $status($open['key'], ''), "\n";

$l->setApiKeyNetworks($office['id'], []);
echo 'office anywhere after clearing: ', $status($office['key'], '192.0.2.1'), "\n";
echo "listed networks: ", json_encode(array_column($l->listApiKeys(), "allowed_networks", "name"), JSON_UNESCAPED_SLASHES), "\n";

foreach ([fn() => $l->createApiKey('x', null, ['10.0.0.0/33']), fn() => $l->setApiKeyNetworks($office['id'], ['host.example']),
          fn() => $l->setApiKeyNetworks(99, []), fn() => $l->createApiKey('x', null, [42])] as $call) {
    try { $call(); echo "NO EXCEPTION\n"; } catch (CashbackException $e) { echo $e->getErrorCode(), ' | ', $e->getMessage(), "\n"; }
}
?>
--CLEAN--
<?php
require __DIR__ . '/backend.inc';
cashback_test_clean(__FILE__);
?>
--EXPECT--
["10.7.0.0/16","2001:db8:7::/48"]
office from 10.7.3.4: ok
office from ::ffff:10.7.3.4: ok
office from 2001:db8:7::1: ok
office from 10.8.0.1: forbidden_network
office, no address: forbidden_network
client of ok: {"id":2,"name":"1c-central","store_id":null,"allowed_networks":[]}
bad key: unauthorized
bad key: unauthorized
valid key from the failing address: ok
refusal row: unauthorized unauthorized from '10.8.0.1' x2 (api)
refusal row: forbidden forbidden_network from '' x1 (api)
refusal row: forbidden forbidden_network from '10.8.0.1' x1 (api)
bad key from the throttled address: throttled retry_after in 1..300: true
valid key from the throttled address: ok
valid key from another address: ok
local caller after many failures: ok
office anywhere after clearing: ok
listed networks: {"1c-central":[],"store-7":[]}
invalid_network | "10.0.0.0/33": prefix must be 0..=32
invalid_network | "host.example" is not an IP address or CIDR block
not_found | no API key with id 99
invalid_argument | networks must be a list of strings
