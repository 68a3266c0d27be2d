<?php

declare(strict_types=1);

// Exercises the admin page's plain classes (query parsing, password gate,
// formatting, rendering) without a server or browser, and prints the results
// as JSON for units.test.mjs to assert on. Run with the extension loaded: the
// status filter's values come from its vocabulary (CashbackLedger::codes()).

use Cashback\Admin\AdminApp;
use Cashback\Admin\AdminRequest;
use Cashback\Admin\AdminResponse;
use Cashback\Admin\DashboardData;
use Cashback\Admin\Html;
use Cashback\Admin\Labels;
use Cashback\Admin\LogQuery;
use Cashback\Admin\Pages;
use Cashback\Admin\PasswordGate;
use Cashback\Admin\View\Format;
use Cashback\Settings;

require __DIR__ . '/../../php/autoload.php';

const EVIL = '"><img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';

$query = static fn (array $params): LogQuery => LogQuery::fromRequest(new AdminRequest('GET', '/admin/', $params));
$described = static fn (LogQuery $q): array => [
    'filter' => $q->ledgerFilter(),
    'limit' => $q->limit,
    'cursor' => $q->cursor,
    'problems' => array_column($q->problems, 0),
    'link' => $q->linkParams(7),
];

$out = [];
$out['query_full'] = $described($query([
    'store' => ' msk-01 ', 'status' => 'error', 'from' => '2026-01-15T10:00', 'to' => '2026-01-15T11:00:30',
    'external_id' => EVIL, 'limit' => '5', 'cursor' => '42',
]));
$out['query_empty'] = $described($query([]));
$out['query_bad'] = $described($query([
    'status' => 'ok', 'from' => '2026-02-30T10:00', 'to' => '2026-01-15 10:00', 'limit' => '0', 'cursor' => '-1',
]));
$out['query_arrays'] = $described($query(['store' => ['x'], 'limit' => '501', 'to' => '2026-01-15T24:00']));
// Every log status of the vocabulary is a valid filter, refused rows included.
$logStatuses = array_keys(array_filter(CashbackLedger::codes(), static fn (array $c): bool => in_array('log_status', $c['uses'], true)));
$out['log_statuses'] = $logStatuses;
$out['query_statuses'] = array_map(static fn (string $status): array => $described($query(['status' => $status]))['filter'], $logStatuses);

$hash = password_hash('secret', PASSWORD_BCRYPT, ['cost' => 4]);
$gate = new PasswordGate($hash);
$none = new PasswordGate('');
$out['gate'] = [
    'right' => $gate->verify('secret'),
    'wrong' => $gate->verify('Secret'),
    'empty' => $gate->verify(''),
    'huge' => $gate->verify(str_repeat('s', 5000)),
    'unconfigured' => [$none->isConfigured(), $none->verify(''), $none->verify('secret')],
    'not_a_hash' => (new PasswordGate('secret'))->isConfigured(),
];

$format = new Format(new Labels());
$out['format'] = [
    'time' => $format->time('2026-11-27T10:15:00+03:00'),
    'silence' => array_map([$format, 'silence'], [0, 59, 60, 3599, 3600, 3660, 86399, 108000, 200000]),
    'threshold' => [$format->threshold(null, 6), $format->threshold(2, 6)],
];

$out['url'] = Html::url('/admin/', ['store' => EVIL, 'status' => '', 'cursor' => 5]);
$out['escape'] = Html::e("\"'<>&\xff");
$out['headers'] = (new AdminResponse(200, ''))->allHeaders();
$out['labels'] = [(new Labels())->get('rows_shown', 3), (new Labels(['rows_shown' => '%d строк']))->get('rows_shown', 3), (new Labels())->get('no_such_key')];

// Rendering with hostile data everywhere the ledger could put it.
$row = ['id' => 9, 'at' => '2026-11-27T10:15:00+03:00', 'client' => SCRIPT, 'store_id' => EVIL, 'endpoint' => 'balance',
        'external_id' => "it's \"quoted\"", 'status' => 'weird" onclick="x', 'error' => null, 'duration_ms' => 12];
$store = ['store_id' => EVIL, 'name' => SCRIPT, 'silence_hours' => null, 'last_seen_at' => null, 'silent_for_seconds' => 7200];
$pages = new Pages(new Labels(), '/admin', 'Europe/Moscow', 6);
$data = new DashboardData([$row], 9, [$store], [$store], SCRIPT);
$html = $pages->dashboard->render($query(['store' => EVIL, 'external_id' => SCRIPT, 'limit' => '5']), $data, 'tok"en');
$out['dashboard'] = [
    'raw_script' => substr_count($html, '<script'),
    'raw_img' => substr_count($html, '<img'),
    'raw_onclick' => substr_count($html, 'onclick="'),
    'escaped_store' => substr_count($html, Html::e(EVIL)),
    'older_link' => str_contains($html, 'href="/admin/?store=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E&amp;external_id=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;limit=5&amp;cursor=9"'),
    'status_class' => str_contains($html, 'class="badge status-other"'),
    'csrf' => str_contains($html, 'value="tok&quot;en"'),
];
// The status filter's options (value, text), from the status <select> to its end.
preg_match('~<select id="f-status" name="status">(.*?)</select>~s', $html, $select);
preg_match_all('~<option value="([^"]*)"[^>]*>([^<]*)</option>~', $select[1] ?? '', $options, PREG_SET_ORDER);
$out['status_options'] = array_map(static fn (array $o): array => [$o[1], $o[2]], $options);
$login = $pages->login->render('t', 'login_wrong_password', true);
$out['login'] = [str_contains($login, 'Wrong password.'), str_contains($login, 'name="csrf" value="t"')];
$error = $pages->error->render('error_database');
$out['error_page'] = str_contains($error, 'temporarily unavailable');

// Routes that need neither a session nor the database.
$app = new AdminApp(Settings::fromArray(['admin_password_hash' => $hash]));
$status = static fn (string $method, string $path): array => [
    ($r = $app->handle(new AdminRequest($method, $path)))->status,
    $r->headers['Location'] ?? $r->headers['Allow'] ?? $r->contentType,
];
$out['routes'] = [
    'admin' => $status('GET', '/admin'),
    'dashboard_anonymous' => $status('GET', '/admin/'),
    'css' => $status('GET', '/admin/admin.css'),
    'missing' => $status('GET', '/admin/nope'),
    'post_dashboard' => $status('POST', '/admin/'),
    'get_logout' => $status('GET', '/admin/logout'),
    'put_login' => $status('PUT', '/admin/login'),
];

echo json_encode($out, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT), "\n";
