<?php

declare(strict_types=1);

// Item 7 of the benchmarks: a store's offline day caught up. --receipts
// operations (accruals for purchases, and a redemption of 1.00 after every
// sixth purchase by the same customer) are uploaded the way the 1C extension's
// queue sender does it: POST transactions/batch of --batch-size items (its
// РазмерПакета, 100 by default), one after the other. The figure is the
// seconds from the first request until the last answer, after which every
// operation must be in the ledger (counted in the database), else exit 1.
//
//   php bench/php/catchup.php --api URL --key KEY --db LEDGER.db [--receipts 5000] [--batch-size 100] [--rounds 5]

use CashbackBench\Bench;

require __DIR__ . '/lib/bootstrap.php';

$o = Bench::options($argv, ['api' => '', 'key' => '', 'db' => '', 'receipts' => 5000, 'batch-size' => 100, 'rounds' => 5, 'users' => 1000, 'out' => '-']);
if ($o['api'] === '' || $o['key'] === '' || $o['db'] === '') {
    fwrite(STDERR, "need --api, --key and --db\n");
    exit(64);
}

/** One POST; returns [status, decoded body]. */
function post(string $url, string $key, string $body): array
{
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/json\r\nX-API-Key: $key\r\nConnection: close\r\n",
        'content' => $body,
        'ignore_errors' => true,
        'timeout' => 60,
        'protocol_version' => 1.1,
    ]]);
    $answer = file_get_contents($url, false, $context);
    preg_match('{^HTTP/\S+ (\d+)}', $http_response_header[0] ?? '', $m);
    return [(int) ($m[1] ?? 0), json_decode((string) $answer, true)];
}

$rounds = [];
$failed = false;
for ($round = 1; $round <= $o['rounds']; $round++) {
    $tag = sprintf('day-%x-%d-%d', time(), getmypid(), $round);
    $items = [];
    $last = [];
    for ($i = 0; $i < $o['receipts']; $i++) {
        $second = intdiv($i * 50400, $o['receipts']);
        $at = sprintf('2026-11-27T%02d:%02d:%02d', 8 + intdiv($second, 3600), intdiv($second, 60) % 60, $second % 60);
        if ($i % 7 === 6) {
            $user = $last[count($last) - 1];
            $items[] = ['external_id' => "$tag-$i", 'type' => 'debit', 'amount' => '1.00', 'user_phone' => sprintf('8900%07d', $user),
                'store_id' => 'store-offline', 'description' => 'Offline day, register 1', 'created_at' => $at];
            continue;
        }
        $user = ($i * 37 + $round) % $o['users'] + 1;
        $last[] = $user;
        $items[] = ['external_id' => "$tag-$i", 'type' => 'accrual', 'amount' => sprintf('%d.%02d', 1 + $i % 90, $i % 100),
            'user_phone' => sprintf('8 (900) %03d-%02d-%02d', intdiv($user, 10000), intdiv($user, 100) % 100, $user % 100),
            'store_id' => 'store-offline', 'description' => 'Offline day, register 1', 'created_at' => $at];
    }
    $bodies = array_map(static fn (array $chunk): string => json_encode($chunk), array_chunk($items, $o['batch-size']));
    $url = rtrim($o['api'], '/') . '/local/api/cashback/v1/transactions/batch';
    $started = hrtime(true);
    $statuses = [];
    foreach ($bodies as $body) {
        [$code, $answer] = post($url, $o['key'], $body);
        if ($code !== 200) {
            throw new RuntimeException("batch upload answered $code: " . json_encode($answer));
        }
        foreach ($answer['results'] as $result) {
            $statuses[$result['status']] = ($statuses[$result['status']] ?? 0) + 1;
        }
    }
    $seconds = (hrtime(true) - $started) / 1e9;
    $db = new PDO('sqlite:' . $o['db'], null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $inLedger = (int) $db->query("SELECT count(*) FROM entries WHERE external_id >= '$tag-' AND external_id < '$tag.'")->fetchColumn();
    unset($db);
    $complete = $inLedger === $o['receipts'];
    $failed = $failed || !$complete;
    $rounds[] = ['round' => $round, 'seconds' => $seconds, 'requests' => count($bodies), 'in_ledger' => $inLedger, 'statuses' => $statuses, 'complete' => $complete];
    Bench::progress(sprintf('  catch-up round %d/%d: %d operations in %d batches of %d: %.2f s, %d in the ledger%s',
        $round, $o['rounds'], $o['receipts'], count($bodies), $o['batch-size'], $seconds, $inLedger, $complete ? '' : ' (INCOMPLETE)'));
}
Bench::writeJson($o['out'], [
    'receipts' => $o['receipts'], 'batch_size' => $o['batch-size'], 'rounds' => $rounds,
    'median' => ['seconds' => Bench::median(array_column($rounds, 'seconds'))], 'complete' => !$failed,
]);
exit($failed ? 1 : 0);
