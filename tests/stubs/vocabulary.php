<?php

// Fails when anything that repeats the ledger's vocabulary (CashbackLedger::codes())
// or its defaults (CashbackLedger::defaults()) disagrees with the extension: the IDE
// stub's lists, the HTTP status and retry rules of the API (ErrorStatus, Call), the
// CLI's exit statuses, the status filters of both admin pages and their labels, the
// host settings' defaults, and README.md's table of ini settings. One line per check,
// then "N passed, M failed". (docs/openapi.yaml is checked against the vocabulary by
// tests/e2e/test_openapi_vocabulary.py, with PyYAML.)
//
// Run with the extension: php -n -d extension=target/release/libcashback.so tests/stubs/vocabulary.php
// (tests/stubs/check.sh does).

declare(strict_types=1);

use Cashback\Admin\AdminRequest;
use Cashback\Admin\Labels;
use Cashback\Admin\LogQuery;
use Cashback\Api\Call;
use Cashback\Api\ErrorStatus;
use Cashback\Cli\ExitCode;
use Cashback\Settings;
use Retaillab\Cashback\Admin\SyncLogFilter;

if (!extension_loaded('cashback')) {
    fwrite(STDERR, "load the extension: php -n -d extension=target/release/libcashback.so tests/stubs/vocabulary.php\n");
    exit(2);
}

$root = dirname(__DIR__, 2);
require $root . '/php/autoload.php';

// The Bitrix module's filter, with the test double of Bitrix's Loc (tests/bitrix/doubles).
define('CASHBACK_MODULE_DIR', $root . '/bitrix-module');
define('LANGUAGE_ID', 'en');
require $root . '/tests/bitrix/doubles/Localization.php';
require $root . '/bitrix-module/lib/Admin/SyncLogFilter.php';

const USES = ['item_status', 'log_status', 'item_error', 'call_error', 'api_error'];
const NOT_A_CODE = 'no_such_code';

$codes = CashbackLedger::codes();

/** @return list<string> The codes with any of $uses, in numeric order. */
function with_use(string ...$uses): array
{
    global $codes;
    return array_keys(array_filter($codes, static fn (array $c): bool => array_intersect($uses, $c['uses']) !== []));
}

/** @return list<string> The transient ones among $list. */
function transient(array $list): array
{
    global $codes;
    return array_values(array_filter($list, static fn (string $code): bool => $codes[$code]['transient']));
}

/**
 * What is wrong with $actual as the list $expected: missing, extra and repeated entries.
 *
 * @return list<string>
 */
function compare_sets(string $what, array $actual, array $expected): array
{
    $problems = [];
    $missing = array_values(array_diff($expected, $actual));
    $extra = array_values(array_diff($actual, $expected));
    $repeated = array_keys(array_filter(array_count_values(array_map('strval', $actual)), static fn (int $n): bool => $n > 1));
    if ($missing !== []) {
        $problems[] = "$what lacks " . implode(', ', $missing);
    }
    if ($extra !== []) {
        $problems[] = "$what has " . implode(', ', $extra) . ', which the vocabulary does not give it';
    }
    if ($repeated !== []) {
        $problems[] = "$what repeats " . implode(', ', $repeated);
    }
    return $problems;
}

$passed = 0;
$failed = 0;

/** @param callable(): list<string> $problems */
function check(string $name, callable $problems): void
{
    global $passed, $failed;
    try {
        $found = $problems();
    } catch (\Throwable $e) {
        $found = [$e::class . ': ' . $e->getMessage()];
    }
    if ($found === []) {
        $passed++;
        echo "ok - $name\n";
        return;
    }
    $failed++;
    echo "FAIL - $name\n";
    foreach ($found as $problem) {
        echo "    $problem\n";
    }
}

// --- the vocabulary keeps the promises the PHP side builds on ---------------------

check('codes() is in numeric order with known uses, http_status null only for error, transient exactly the 503s', static function () use ($codes): array {
    $problems = [];
    $numbers = array_column($codes, 'number');
    $sorted = $numbers;
    sort($sorted);
    if ($numbers !== $sorted || count(array_unique($numbers)) !== count($numbers)) {
        $problems[] = 'numbers are not unique and ascending: ' . implode(', ', $numbers);
    }
    foreach ($codes as $code => $entry) {
        if (array_diff($entry['uses'], USES) !== [] || $entry['uses'] === []) {
            $problems[] = "$code has uses " . implode(', ', $entry['uses']);
        }
        if (($entry['http_status'] === null) !== ($code === 'error')) {
            $problems[] = "$code has http_status " . var_export($entry['http_status'], true);
        }
        if ($entry['transient'] !== ($entry['http_status'] === 503)) {
            $problems[] = "$code: transient " . var_export($entry['transient'], true) . " with HTTP {$entry['http_status']}";
        }
    }
    return $problems;
});

// --- php/stubs/cashback.stub.php ---------------------------------------------------

$stub = (string) file_get_contents($root . '/php/stubs/cashback.stub.php');

/** The docblock right before `class $name` or `function $name`, without its * margins. */
function docblock(string $stub, string $declaration): string
{
    $pattern = '~/\*\*((?:(?!\*/).)*)\*/\s*(?:final\s+|abstract\s+|public\s+|static\s+)*' . preg_quote($declaration, '~') . '\b~s';
    if (preg_match($pattern, $stub, $m) !== 1) {
        throw new \RuntimeException("no docblock before \"$declaration\" in the stub");
    }
    return trim(preg_replace('~\s*\n\s*\*\s?~', "\n", $m[1]) ?? '');
}

/** @return list<string> The keys of the array shape `array{...}` right after $after in $text. */
function shape_keys(string $text, string $after): array
{
    $start = strpos($text, $after);
    if ($start === false) {
        throw new \RuntimeException("no \"$after\" in the docblock");
    }
    $open = strpos($text, 'array{', $start);
    $depth = 0;
    $keys = [];
    $key = '';
    for ($i = $open + strlen('array{'); $i < strlen($text); $i++) {
        $c = $text[$i];
        if ($depth === 0 && $c === '}') {
            break;
        }
        if ($c === '{' || $c === '<' || $c === '(') {
            $depth++;
        } elseif ($c === '}' || $c === '>' || $c === ')') {
            $depth--;
        } elseif ($depth === 0 && $c === ':') {
            $keys[] = rtrim(trim($key), '?');
            $key = '';
            // Skip the type up to the next top-level comma.
            for ($i++; $i < strlen($text); $i++) {
                $t = $text[$i];
                if ($t === '{' || $t === '<' || $t === '(') {
                    $depth++;
                } elseif ($t === '}' || $t === '>' || $t === ')') {
                    if ($depth === 0) {
                        $i--;
                        break;
                    }
                    $depth--;
                } elseif ($t === ',' && $depth === 0) {
                    break;
                }
            }
            continue;
        }
        if ($depth === 0) {
            $key .= $c;
        }
    }
    return $keys;
}

check('the stub lists exactly the call_error codes as CashbackException::getErrorCode() values', static function () use ($stub): array {
    $doc = docblock($stub, 'class CashbackException');
    if (preg_match('/Error codes:\s*([a-z0-9_,\s]+)\./', $doc, $m) !== 1) {
        return ['the CashbackException docblock has no "Error codes: code, code, ..." list'];
    }
    $listed = preg_split('/[\s,]+/', trim($m[1]), -1, PREG_SPLIT_NO_EMPTY);
    return compare_sets('the stub\'s getErrorCode() list', $listed, with_use('call_error'));
});

check('the stub documents every constructor option, with the defaults() keys, create and table_prefix', static function () use ($stub): array {
    $keys = shape_keys(docblock($stub, 'function __construct'), '@param array');
    // create and table_prefix have no ini default: how a database is opened, not how the ledger decides.
    return compare_sets('the constructor\'s $options shape', $keys, [...array_keys(CashbackLedger::defaults()), 'create', 'table_prefix']);
});

check('the stub\'s defaults() shape has the keys defaults() returns', static function () use ($stub): array {
    return compare_sets('defaults() @return', shape_keys(docblock($stub, 'function defaults'), '@return'), array_keys(CashbackLedger::defaults()));
});

check('the stub\'s codes() shape has the keys and uses codes() returns', static function () use ($stub, $codes): array {
    $doc = docblock($stub, 'function codes');
    $problems = compare_sets('codes() @return entry', shape_keys($doc, 'array<string, '), array_keys(reset($codes)));
    preg_match('/uses: list<([^>]*)>/', $doc, $m);
    $uses = array_map(static fn (string $u): string => trim($u, " '"), explode('|', $m[1] ?? ''));
    $used = array_values(array_unique(array_merge(...array_column($codes, 'uses'))));
    return [...$problems, ...compare_sets('codes() @return uses', $uses, $used)];
});

check('the stub\'s result statuses are the item_status codes', static function () use ($stub): array {
    preg_match('/`status` = ([a-z_| ]+),/', $stub, $header);
    $problems = compare_sets('the stub header\'s `status` =', preg_split('/[\s|]+/', trim($header[1] ?? ''), -1, PREG_SPLIT_NO_EMPTY), with_use('item_status'));
    preg_match("/status: ((?:'[a-z_]+'\|?)+)/", docblock($stub, 'function apply'), $apply);
    $listed = array_map(static fn (string $s): string => trim($s, "'"), explode('|', $apply[1] ?? ''));
    return [...$problems, ...compare_sets('apply() @return status', $listed, with_use('item_status'))];
});

// --- the API's HTTP statuses and sync-log statuses, the CLI's exit statuses -------

check('ErrorStatus gives every code its http_status, 500 for none or an unknown one, retryable exactly the transient', static function () use ($codes): array {
    $problems = [];
    foreach ([...$codes, NOT_A_CODE => ['http_status' => null, 'transient' => false]] as $code => $entry) {
        $status = ErrorStatus::of((string) $code);
        if ($status !== ($entry['http_status'] ?? 500)) {
            $problems[] = "ErrorStatus::of($code) is $status, the vocabulary says " . ($entry['http_status'] ?? 'none (500)');
        }
        if (ErrorStatus::isRetryable((string) $code) !== $entry['transient']) {
            $problems[] = "ErrorStatus::isRetryable($code) is not " . var_export($entry['transient'], true);
        }
    }
    return $problems;
});

check('the sync log files every refusal at the log status of its HTTP status, anything else as error', static function () use ($codes): array {
    $problems = [];
    $byStatus = [];
    foreach (with_use('log_status') as $status) {
        if ($codes[$status]['http_status'] >= 400) {
            $byStatus[$codes[$status]['http_status']] = $status;
        }
    }
    if (Call::logStatus(null, 200) !== 'success') {
        $problems[] = 'an answer without an error is not logged as success';
    }
    foreach (with_use('item_error', 'call_error', 'api_error') as $code) {
        $http = $codes[$code]['http_status'];
        $expected = $byStatus[$http] ?? 'error';
        if (Call::logStatus($code, $http) !== $expected) {
            $problems[] = "$code (HTTP $http) is logged as " . Call::logStatus($code, $http) . ", expected $expected";
        }
    }
    return $problems;
});

check('the CLI exits 75 (retry later) exactly for the transient call errors', static function () use ($codes): array {
    $problems = [];
    foreach (with_use('call_error') as $code) {
        $expected = $codes[$code]['transient'] ? ExitCode::TEMPORARY_FAILURE : ExitCode::FAILURE;
        if (ExitCode::forLedgerError($code) !== $expected) {
            $problems[] = "$code exits " . ExitCode::forLedgerError($code) . ", expected $expected";
        }
    }
    return $problems;
});

// --- the admin pages' status filters and labels -----------------------------------------

check('the standalone admin filter offers and accepts exactly the log statuses', static function (): array {
    $problems = compare_sets('LogQuery::statuses()', LogQuery::statuses(), with_use('log_status'));
    foreach (with_use('log_status') as $status) {
        $query = LogQuery::fromRequest(new AdminRequest('GET', '/admin/', ['status' => $status]));
        if (($query->ledgerFilter()['status'] ?? null) !== $status || $query->problems !== []) {
            $problems[] = "status=$status is not passed to the ledger";
        }
    }
    $other = with_use('item_error')[0];
    if (LogQuery::fromRequest(new AdminRequest('GET', '/admin/', ['status' => $other]))->problems !== [['invalid_status']]) {
        $problems[] = "status=$other (no log status) is not refused";
    }
    return $problems;
});

check('the standalone admin page has a label and a badge colour for every log status, and no other', static function () use ($root): array {
    $problems = [];
    $labelled = [];
    foreach (Labels::ENGLISH as $key => $text) {
        if (str_starts_with($key, 'status_')) {
            $labelled[] = substr($key, strlen('status_'));
            if (trim($text) === '') {
                $problems[] = "Labels::ENGLISH[$key] is empty";
            }
        }
    }
    preg_match_all('/\.status-([a-z_]+)\b/', (string) file_get_contents($root . '/php/public/admin.css'), $css);
    $coloured = array_values(array_diff(array_unique($css[1]), ['other']));
    return [...$problems, ...compare_sets('Labels status_*', $labelled, with_use('log_status')), ...compare_sets('admin.css .status-*', $coloured, with_use('log_status'))];
});

check('the Bitrix sync-log filter offers and accepts exactly the log statuses', static function (): array {
    $problems = compare_sets('SyncLogFilter::statuses()', SyncLogFilter::statuses(), with_use('log_status'));
    foreach (with_use('log_status') as $status) {
        $filter = SyncLogFilter::fromFilterValues(['STATUS' => $status]);
        if (($filter->ledgerFilter['status'] ?? null) !== $status || $filter->problems !== []) {
            $problems[] = "STATUS=$status is not passed to the ledger";
        }
    }
    $other = with_use('item_error')[0];
    if (SyncLogFilter::fromFilterValues(['STATUS' => $other])->problems === []) {
        $problems[] = "STATUS=$other (no log status) is not refused";
    }
    return $problems;
});

// --- defaults written once ----------------------------------------------------------------

check('the host settings take the ledger\'s defaults and pass every ledger option', static function (): array {
    $problems = [];
    $defaults = Settings::defaults();
    foreach (CashbackLedger::defaults() as $name => $value) {
        if (!array_key_exists($name, $defaults) || $defaults[$name] !== $value) {
            $problems[] = "Settings::defaults()[$name] is " . var_export($defaults[$name] ?? null, true) . ', the extension says ' . var_export($value, true);
        }
    }
    $options = Settings::fromArray([])->ledgerOptions();
    $problems = [...$problems, ...compare_sets('ledgerOptions()', array_keys($options), [...array_keys(CashbackLedger::defaults()), 'create'])];
    foreach (CashbackLedger::defaults() as $name => $value) {
        if (($options[$name] ?? null) !== $value) {
            $problems[] = "ledgerOptions()[$name] is " . var_export($options[$name] ?? null, true);
        }
    }
    return $problems;
});

check('README.md\'s table of ini settings has every ledger option with the extension\'s default', static function () use ($root): array {
    preg_match_all('/^\| `cashback\.([a-z_]+)` \| `?([^|`]*)`? \|/m', (string) file_get_contents($root . '/README.md'), $rows, PREG_SET_ORDER);
    $table = array_column($rows, 2, 1);
    $problems = [];
    foreach (CashbackLedger::defaults() as $name => $value) {
        if (!array_key_exists($name, $table)) {
            $problems[] = "no row for cashback.$name";
        } elseif (trim($table[$name]) !== (is_bool($value) ? ($value ? '1' : '0') : (string) $value)) {
            // A flag is written as its ini value.
            $problems[] = "cashback.$name: the table says {$table[$name]}, the extension " . var_export($value, true);
        }
    }
    return $problems;
});

echo "vocabulary: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
