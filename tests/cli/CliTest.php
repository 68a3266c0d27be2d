<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/**
 * The operator CLI end to end: each test runs the real php/bin/cashback as a
 * subprocess against its own temporary config and database, and checks what
 * an operator or a script sees: stdout, stderr and the exit status.
 *
 * Ledger data the CLI cannot create (transactions) is written by a separate
 * PHP process with the extension, so the test process needs no extension.
 */
final class CliTest extends TestCase
{
    private const REPOSITORY = __DIR__ . '/../..';
    private const CLI = self::REPOSITORY . '/php/bin/cashback';
    private const EXTENSION = self::REPOSITORY . '/target/release/libcashback.so';
    private const COMMANDS = [
        'keys create', 'keys list', 'keys revoke', 'users link', 'users unlink', 'users phones', 'users import',
        'balance', 'history', 'log', 'monitor', 'stores', 'stores register', 'verify', 'prune', 'health',
        'migrate-storage',
    ];

    private static ?bool $phpLoadsExtension = null;

    private string $directory;
    private string $database;
    private string $config;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir() . '/cashback-cli-test-' . bin2hex(random_bytes(6));
        mkdir($this->directory, 0700);
        $this->database = $this->directory . '/ledger.db';
        $this->config = $this->directory . '/config.php';
        file_put_contents($this->config, '<?php return ' . var_export(['database' => $this->database, 'silence_hours' => 6], true) . ';');
        // The operator's first command sets the ledger up (see testANewDatabaseIsAnnounced).
        $this->assertSame(0, $this->cli('health')['exit']);
    }

    public function testANewDatabaseIsAnnounced(): void
    {
        $fresh = $this->directory . '/fresh.db';
        $first = $this->cli('--database=' . $fresh, 'stores');
        $this->assertSame(0, $first['exit'], $first['stderr']);
        $this->assertSame("note: created a new ledger database at $fresh\n", $first['stderr']);
        $this->assertSame('', $this->cli('--database=' . $fresh, 'stores')['stderr'], 'only a new file is announced');
    }

    protected function tearDown(): void
    {
        foreach (glob($this->directory . '/{,.}*', GLOB_BRACE) ?: [] as $file) {
            if (is_file($file)) {
                unlink($file);
            }
        }
        rmdir($this->directory);
    }

    // --- help and usage errors --------------------------------------------

    public function testGlobalHelpListsEveryCommandAndExitStatus(): void
    {
        foreach (['--help', '-h'] as $flag) {
            $run = $this->cli($flag);
            $this->assertSame(0, $run['exit']);
            $this->assertSame('', $run['stderr']);
            foreach (self::COMMANDS as $command) {
                $this->assertStringContainsString("  $command", $run['stdout']);
            }
            $this->assertStringContainsString('75  database busy', $run['stdout']);
        }
    }

    /** @dataProvider commands */
    public function testEveryCommandDescribesItselfWithOptionsAndAnExample(string $command): void
    {
        $run = $this->cli(...[...explode(' ', $command), '--help']);
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertStringStartsWith("Usage: cashback $command", $run['stdout']);
        $this->assertStringContainsString("Example:\n  cashback $command", $run['stdout']);
        $this->assertStringContainsString('Global options: --config=FILE --database=PATH|URL --json --help', $run['stdout']);
        $this->assertSame($run['stdout'], $this->cli(...[...explode(' ', $command), '-h'])['stdout']);
    }

    /** @return array<string, array{string}> */
    public static function commands(): array
    {
        return array_combine(self::COMMANDS, array_map(fn (string $command) => [$command], self::COMMANDS));
    }

    public function testCommandHelpListsItsOptions(): void
    {
        $help = $this->cli('log', '--help')['stdout'];
        foreach (['--store=ID', '--status=S', '--external-id=X', '--since=TIME', '--until=TIME', '--limit=N', '--follow'] as $option) {
            $this->assertStringContainsString("  $option", $help);
        }
    }

    public function testLogHelpNamesEveryLogStatusOfTheVocabulary(): void
    {
        $statuses = $this->extensionValue('array_keys(array_filter(CashbackLedger::codes(), fn ($c) => in_array("log_status", $c["uses"], true)))');
        $this->assertContains('throttled', $statuses);
        $this->assertStringContainsString('only this status (' . implode(', ', $statuses) . ')', $this->cli('log', '--help')['stdout']);
    }

    public function testGroupHelpListsItsSubcommands(): void
    {
        $run = $this->cli('keys', '--help');
        $this->assertSame(0, $run['exit']);
        $this->assertStringContainsString('keys create NAME [--store=ID]', $run['stdout']);
        $this->assertStringContainsString('keys revoke ID', $run['stdout']);
    }

    public function testUnknownCommandIsAUsageErrorWithAOneLineHint(): void
    {
        $run = $this->cli('frobnicate');
        $this->assertSame(64, $run['exit']);
        $this->assertSame('', $run['stdout']);
        $this->assertSame("cashback: unknown command \"frobnicate\" (see 'cashback --help')\n", $run['stderr']);
    }

    public function testUsageErrors(): void
    {
        $cases = [
            [[], 'cashback: missing command'],
            [['keys'], 'cashback keys: missing subcommand (create, list, networks, revoke)'],
            [['keys', 'rotate'], 'cashback keys: unknown subcommand "rotate"'],
            [['keys', 'list', '--bogus'], 'cashback keys list: unknown option --bogus'],
            [['keys', 'list', '-x'], 'cashback keys list: unknown option -x'],
            [['keys', 'list', 'extra'], 'cashback keys list: unexpected argument "extra"'],
            [['keys', 'list', '--json=yes'], 'cashback keys list: --json takes no value'],
            [['keys', 'create'], 'cashback keys create: missing argument'],
            [['keys', 'revoke', 'abc'], 'cashback keys revoke: ID must be an integer of at least 1, got "abc"'],
            [['users', 'link', '0', '89001234567'], 'cashback users link: USER_ID must be an integer of at least 1'],
            [['history', '--user-id=42', '--limit=0'], 'cashback history: --limit must be an integer from 1 to 1000'],
            [['history', '--user-id=42', '--limit'], 'cashback history: --limit needs a value'],
            [['balance'], 'cashback balance: give PHONE or --user-id=N'],
            [['balance', '89001234567', '--user-id=42'], 'cashback balance: give PHONE or --user-id, not both'],
            [['log', '--since=yesterday'], 'cashback log: --since must be an ISO time'],
            [['log', '--follow', '--json'], 'cashback log: --follow prints a live text log'],
            [['prune', '--days=-1'], 'cashback prune: --days must be an integer from 0'],
            [['monitor', '--hours=0'], 'cashback monitor: --hours must be an integer from 1'],
            [['users', 'import', 'x.csv', '--delimiter=;;'], 'cashback users import: --delimiter must be one character'],
            [['stores', '--database='], 'cashback stores: --database must not be empty'],
        ];
        foreach ($cases as [$arguments, $message]) {
            $run = $this->cli(...$arguments);
            $label = implode(' ', $arguments);
            $this->assertSame(64, $run['exit'], $label);
            $this->assertSame(in_array('--json', $arguments, true), $run['stdout'] !== '', "$label: a JSON document with --json only");
            $this->assertStringStartsWith($message, $run['stderr'], $label);
            $this->assertSame(1, substr_count($run['stderr'], "\n"), "$label: one line");
            $this->assertStringContainsString('--help', $run['stderr'], $label);
        }
    }

    public function testValueOptionsAlsoTakeTheNextWord(): void
    {
        $this->cli('users', 'link', '42', '89001234567');
        $this->assertSame(0, $this->cli('history', '--user-id', '42', '--limit', '5')['exit']);
    }

    // --- keys ---------------------------------------------------------------

    public function testKeysCreateShowsTheSecretOnceWithAWarning(): void
    {
        $run = $this->cli('keys', 'create', 'Tverskaya 1, register 2', '--store=store-1');
        $this->assertSame(0, $run['exit']);
        $this->assertMatchesRegularExpression('/^  (cbk_[0-9a-f]{12}_[0-9a-f]{48})$/m', $run['stdout']);
        preg_match('/cbk_[0-9a-f]{12}_[0-9a-f]{48}/', $run['stdout'], $secret);
        $this->assertStringContainsString('Created API key 1 "Tverskaya 1, register 2" for store store-1', $run['stdout']);
        $this->assertStringContainsString('shown only once and cannot be shown again', $run['stderr']);

        $json = $this->json(0, 'keys', 'create', 'central');
        $this->assertSame(['id', 'name', 'store_id', 'key', 'allowed_networks'], array_keys($json));
        $this->assertSame([2, 'central', null], [$json['id'], $json['name'], $json['store_id']]);

        $list = $this->cli('keys', 'list');
        $listJson = $this->json(0, 'keys', 'list');
        foreach ([$secret[0], $json['key']] as $key) {
            $hidden = substr($key, -48);
            $this->assertStringNotContainsString($hidden, $list['stdout']);
            $this->assertStringNotContainsString($hidden, json_encode($listJson));
        }
        $this->assertStringContainsString(substr($secret[0], 0, 16), $list['stdout'], 'the public prefix is listed');
        $this->assertMatchesRegularExpression('/^ID\s+NAME\s+STORE\s+PREFIX\s+NETWORKS\s+CREATED\s+STATUS$/m', $list['stdout']);
        $this->assertSame([2, 1], array_column($listJson['keys'], 'id'));
        $this->assertArrayNotHasKey('key', $listJson['keys'][0]);
    }

    public function testKeysRevoke(): void
    {
        $this->json(0, 'keys', 'create', 'register-1');
        $this->assertSame("API key 1 revoked.\n", $this->cli('keys', 'revoke', '1')['stdout']);
        $this->assertSame(['id' => 1, 'revoked' => true, 'already_revoked' => true], $this->json(0, 'keys', 'revoke', '1'));
        $key = $this->json(0, 'keys', 'list')['keys'][0];
        $this->assertFalse($key['active']);
        $this->assertNotNull($key['revoked_at']);
        $this->assertMatchesRegularExpression('/\brevoked 20\d\d-/', $this->cli('keys', 'list')['stdout']);

        $missing = $this->cli('keys', 'revoke', '99');
        $this->assertSame(1, $missing['exit']);
        $this->assertSame("error: not_found: no API key with id 99\n", $missing['stderr']);
    }

    public function testKeysLimitedToNetworks(): void
    {
        $run = $this->cli('keys', 'create', 'branch', '--networks=10.1.0.0/16, 192.0.2.10');
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertStringContainsString('(only from 10.1.0.0/16, 192.0.2.10/32)', $run['stdout']);
        $this->assertSame(
            ['id' => 1, 'allowed_networks' => ['127.0.0.0/8']],
            $this->json(0, 'keys', 'networks', '1', '127.0.0.0/8'),
        );
        $this->assertSame(['127.0.0.0/8'], $this->json(0, 'keys', 'list')['keys'][0]['allowed_networks']);
        $this->assertSame("API key 1 is accepted from any address.\n", $this->cli('keys', 'networks', '1')['stdout']);
        $this->assertSame([], $this->json(0, 'keys', 'list')['keys'][0]['allowed_networks']);
        $bad = $this->cli('keys', 'networks', '1', 'not-a-network');
        $this->assertSame(1, $bad['exit']);
        $this->assertStringStartsWith('error: invalid_network: ', $bad['stderr']);
    }

    public function testKeysListWhenEmpty(): void
    {
        $this->assertStringStartsWith('No API keys.', $this->cli('keys', 'list')['stdout']);
        $this->assertSame(['keys' => []], $this->json(0, 'keys', 'list'));
    }

    // --- users --------------------------------------------------------------

    public function testUsersLinkPhonesUnlink(): void
    {
        $run = $this->cli('users', 'link', '42', '+7 (900) 123-45-67', '--verified');
        $this->assertSame([0, "Linked 79001234567 to user 42 (verified).\n"], [$run['exit'], $run['stdout']]);
        $this->assertSame(
            ['user_id' => 42, 'phone' => '79120001122', 'verified' => false],
            $this->json(0, 'users', 'link', '42', '8 912 000 11 22'),
        );
        $this->assertSame(
            ['user_id' => 42, 'phones' => [['phone' => '79001234567', 'verified' => true], ['phone' => '79120001122', 'verified' => false]]],
            $this->json(0, 'users', 'phones', '42'),
        );
        $this->assertMatchesRegularExpression('/^PHONE\s+VERIFIED\n79001234567\s+yes\n79120001122\s+no\n$/', $this->cli('users', 'phones', '42')['stdout']);

        $this->assertSame(['user_id' => 42, 'removed' => 2], $this->json(0, 'users', 'unlink', '42'));
        $this->assertSame("User 42 has no phones.\n", $this->cli('users', 'phones', '42')['stdout']);
        $this->assertSame("User 42 had no phones.\n", $this->cli('users', 'unlink', '42')['stdout']);
    }

    public function testUsersLinkRefusesABadPhone(): void
    {
        $run = $this->cli('users', 'link', '42', 'call me');
        $this->assertSame(1, $run['exit']);
        $this->assertSame('', $run['stdout']);
        $this->assertStringStartsWith('error: invalid_phone: ', $run['stderr']);
    }

    public function testUsersImportReportsCountsRejectedLinesAndProgress(): void
    {
        $lines = ["\u{FEFF}user_id,phone,verified"];
        for ($user = 1; $user <= 12000; $user++) {
            $lines[] = sprintf('%d,8902%07d,%s', $user, $user, $user % 2 === 0 ? 'Y' : '0');
        }
        array_splice($lines, 3, 0, ['20001,call me,1']);              // line 4: refused by the ledger
        array_splice($lines, 6, 0, ['', '20002,89030000002,maybe']);   // line 7 blank, line 8: bad flag
        $lines[] = '0,89030000003,true';                                // refused by the ledger
        $lines[] = '20004,89030000004';                                 // a field missing
        $csv = $this->file('phones.csv', implode("\r\n", $lines) . "\r\n");
        $total = 12004;

        $run = $this->cli('users', 'import', $csv);
        $this->assertSame(65, $run['exit'], $run['stderr']);
        // One line per chunk of 5 000 rows sent to the ledger; the row refused before it (line 8) counts too.
        $this->assertSame("5001/$total rows\n10001/$total rows\n$total/$total rows\n", $run['stderr']);
        $this->assertStringContainsString("Imported 12 000 of 12 004 rows from $csv; 4 rejected.", $run['stdout']);
        $this->assertStringContainsString("  line 4: phone contains 'c'", $run['stdout']);
        $this->assertStringContainsString('  line 8: verified must be 1/0/Y/N/true/false, got "maybe"', $run['stdout']);
        $this->assertStringContainsString('  line 12005: user_id must be a positive integer', $run['stdout']);
        $this->assertStringContainsString('  line 12006: expected 3 fields (user_id,phone,verified), got 2', $run['stdout']);

        $this->assertSame(['phone' => '79020000002', 'verified' => true], $this->json(0, 'users', 'phones', '2')['phones'][0]);
        $this->assertSame(['phone' => '79020000001', 'verified' => false], $this->json(0, 'users', 'phones', '1')['phones'][0]);
        $this->assertSame(['phone' => '79020012000', 'verified' => true], $this->json(0, 'users', 'phones', '12000')['phones'][0]);

        // Importing again is harmless and gives the same report.
        $json = $this->json(65, 'users', 'import', $csv);
        $this->assertSame([$csv, $total, 12000, 4], [$json['file'], $json['rows'], $json['imported'], $json['rejected_count']]);
        $this->assertSame([4, 8, 12005, 12006], array_column($json['rejected'], 'line'));
    }

    public function testUsersImportWithAnotherDelimiterAndNoVerifiedColumn(): void
    {
        $csv = $this->file('phones.csv', "phone;user_id\n8 900 111-11-11;5\n\"+7 900 222-22-22\";6\n");
        $run = $this->cli('users', 'import', $csv, '--delimiter=;');
        $this->assertSame(0, $run['exit'], $run['stdout'] . $run['stderr']);
        $this->assertSame("Imported 2 of 2 rows from $csv; 0 rejected.\n", $run['stdout']);
        $this->assertSame("2/2 rows\n", $run['stderr']);
        $this->assertSame([['phone' => '79002222222', 'verified' => false]], $this->json(0, 'users', 'phones', '6')['phones']);

        $tabs = $this->file('tabs.csv', "user_id\tphone\n7\t89003333333\n");
        $this->assertSame(0, $this->cli('users', 'import', $tabs, '--delimiter=tab')['exit']);
    }

    public function testUsersImportRefusesMissingFilesAndBadHeaders(): void
    {
        $missing = $this->cli('users', 'import', $this->directory . '/nope.csv');
        $this->assertSame(66, $missing['exit']);
        $this->assertStringStartsWith('error: cannot read ', $missing['stderr']);

        $wrongDelimiter = $this->file('semicolons.csv', "user_id;phone\n1;89001111111\n");
        $run = $this->cli('users', 'import', $wrongDelimiter);
        $this->assertSame(65, $run['exit']);
        $this->assertSame("error: $wrongDelimiter line 1: expected the header user_id,phone[,verified], got \"user_id;phone\"\n", $run['stderr']);

        $noHeader = $this->file('data.csv', "1,89001111111\n");
        $this->assertSame(65, $this->cli('users', 'import', $noHeader)['exit']);
        $empty = $this->file('empty.csv', '');
        $this->assertStringContainsString('is empty', $this->cli('users', 'import', $empty)['stderr']);
    }

    // --- balance and history ------------------------------------------------

    public function testBalanceByPhoneAndByUserId(): void
    {
        $this->cli('users', 'link', '42', '+7 900 123-45-67', '--verified');
        $this->applyTransactions();

        $run = $this->cli('balance', '8 (900) 123-45-67');
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertMatchesRegularExpression(
            '/^User\s+42\nPhone\s+79001234567\nBalance\s+1 200\.50\nUpdated\s+20\d\d-\d\d-\d\d \d\d:\d\d:\d\d \+03:00\n$/',
            $run['stdout'],
        );

        $json = $this->json(0, 'balance', '--user-id=42');
        $this->assertSame([42, 1200.5], [$json['user_id'], $json['balance']]);
        $this->assertSame(1200.5, $this->json(0, 'balance', '89001234567')['balance']);

        $this->assertStringContainsString("Balance  0.00\n", $this->cli('balance', '--user-id=7')['stdout']);
        $this->assertSame(0.0, $this->json(0, 'balance', '--user-id=7')['balance']);

        $unknown = $this->cli('balance', '89990000000');
        $this->assertSame(1, $unknown['exit']);
        $this->assertSame("error: user_not_found: no user has phone 79990000000\n", $unknown['stderr']);
    }

    public function testHistoryPagesNewestFirst(): void
    {
        $this->cli('users', 'link', '42', '89001234567');
        $this->applyTransactions();

        $json = $this->json(0, 'history', '89001234567', '--limit=1');
        $this->assertSame(42, $json['user_id']);
        $this->assertSame(['d-1'], array_column($json['items'], 'external_id'));
        $this->assertSame(-50.0, $json['items'][0]['effect']);
        $this->assertSame($json['items'][0]['transaction_id'], $json['next_cursor']);

        $next = $this->json(0, 'history', '--user-id=42', '--cursor=' . $json['next_cursor']);
        $this->assertSame(['a-1'], array_column($next['items'], 'external_id'));
        $this->assertNull($next['next_cursor']);

        $text = $this->cli('history', '--user-id=42', '--limit=1')['stdout'];
        $this->assertMatchesRegularExpression('/^ID\s+CREATED\s+TYPE\s+AMOUNT\s+STORE\s+EXTERNAL ID\s+DESCRIPTION$/m', $text);
        $this->assertMatchesRegularExpression('/ debit\s+-50\.00  store-1  d-1\s*$/m', $text);
        $this->assertStringContainsString('More: cashback history --user-id=42 --limit=1 --cursor=', $text);

        $all = $this->cli('history', '--user-id=42')['stdout'];
        $this->assertMatchesRegularExpression('/ accrual\s+1 250\.50  store-1  a-1\s+Moscow, register 2$/m', $all);
        $this->assertStringNotContainsString('More:', $all);
        $this->assertSame("User 9 has no transactions.\n", $this->cli('history', '--user-id=9')['stdout']);
    }

    // --- log ----------------------------------------------------------------

    public function testLogFilters(): void
    {
        $this->cli('users', 'link', '42', '89001234567');
        $this->applyTransactions();  // sync-log rows 1-3 from store-1, one an error
        $this->ledger("\$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-2', 'client' => 'web']);");

        $all = $this->json(0, 'log');
        $this->assertSame([4, 3, 2, 1], array_column($all['items'], 'id'));
        $this->assertNull($all['next_cursor']);

        $ids = fn (string ...$filter) => array_column($this->json(0, 'log', ...$filter)['items'], 'id');
        $this->assertSame([3, 2, 1], $ids('--store=store-1'));
        $this->assertSame([3], $ids('--status=error'));
        $this->assertSame([2], $ids('--external-id=d-1'));
        $this->assertSame([4, 3], $ids('--limit=2'));
        $this->assertSame([4, 3, 2, 1], $ids('--since=-1h'));
        $this->assertSame([4, 3, 2, 1], $ids('--since=' . (time() - 60)));
        $this->assertSame([], $ids('--since=' . date('Y-m-d\TH:i:sP', time() + 3600)));
        $this->assertSame([], $ids('--until=-1d'));
        $this->assertSame([], $ids('--until=2020-01-01'));
        $this->assertSame([3], $ids('--since=2020-01-01T00:00', '--store=store-1', '--status=error'));

        $text = $this->cli('log', '--status=error')['stdout'];
        $this->assertMatchesRegularExpression('/^ID\s+TIME\s+STORE\s+CLIENT\s+ENDPOINT\s+EXTERNAL ID\s+STATUS\s+ERROR\s+MS$/m', $text);
        $this->assertMatchesRegularExpression(
            '/^ 3  20\S+ \S+ \+03:00  store-1  store-1  transactions\/batch  d-2\s+error\s+insufficient_balance\s+0$/m',
            $text,
        );
        $this->assertStringContainsString('Showing the newest 2 rows', $this->cli('log', '--limit=2')['stdout']);
        $this->assertSame("No sync-log rows match.\n", $this->cli('log', '--store=store-9')['stdout']);

        // Refused authentications have their own statuses.
        $this->ledger("\$l->logSync(['endpoint' => 'balance', 'status' => 'throttled', 'error' => 'too_many_requests']);"
            . "\$l->logSync(['endpoint' => 'balance', 'status' => 'forbidden', 'error' => 'forbidden_network']);");
        $this->assertSame([5], $ids('--status=throttled'));
        $this->assertSame([6], $ids('--status=forbidden'));

        $badDate = $this->cli('log', '--since=2026-13-45');
        $this->assertSame(64, $badDate['exit']);
        $this->assertStringStartsWith('cashback log: bad --since/--until: ', $badDate['stderr']);
    }

    public function testLogFollowPrintsNewRowsUntilTheTimeIsUp(): void
    {
        $this->ledger("\$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-1', 'external_id' => 'old']);");
        $process = $this->start($this->cliCommand('log', '--follow', '--follow-seconds=3', '--store=store-1'));
        usleep(1_000_000);
        $this->ledger(
            "\$l->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-1', 'external_id' => 'new']);"
            . "\$l->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-2', 'external_id' => 'other']);"
        );
        $run = $this->finish($process);
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertMatchesRegularExpression(
            '/^\S+ \S+ \+03:00  success\s+store-1\s+balance\s+old\n\S+ \S+ \+03:00  success\s+store-1\s+transactions\s+new\n$/',
            $run['stdout'],
        );
    }

    // --- stores and monitor -------------------------------------------------

    public function testMonitorIsOkThenCriticalForASilentStore(): void
    {
        $this->json(0, 'stores', 'register', 'store-1');
        $this->json(0, 'stores', 'register', 'store-2', '--name=Kazan');
        $ok = $this->cli('monitor');
        $this->assertSame([0, "CASHBACK OK - 2 stores active\n"], [$ok['exit'], $ok['stdout']]);

        $this->sql('UPDATE stores SET registered_at = registered_at - 100*3600000 WHERE store_id = \'store-2\'');
        $critical = $this->cli('monitor');
        $this->assertSame(2, $critical['exit']);
        $lines = explode("\n", $critical['stdout']);
        $this->assertSame('CASHBACK CRITICAL - 1 silent store(s): store-2 (never seen)', $lines[0]);
        $this->assertMatchesRegularExpression('/^store-2\s+Kazan\s+never\s+4d 04h\s+6h$/m', $critical['stdout']);

        $json = $this->json(2, 'monitor');
        $this->assertSame(['CRITICAL', 6, 2], [$json['status'], $json['hours'], $json['stores']]);
        $this->assertSame(['store-2'], array_column($json['silent'], 'store_id'));

        // A wider threshold, or the store's own one, makes it fine again.
        $this->assertSame(0, $this->cli('monitor', '--hours=200')['exit']);
        $this->json(0, 'stores', 'register', 'store-2', '--silence-hours=200');
        $this->assertSame('OK', $this->json(0, 'monitor')['status']);

        // Seen long ago rather than never.
        $threeHoursFiveMinutesAgo = (time() - 3 * 3600 - 300) * 1000;
        $this->sql("UPDATE stores SET last_seen_at = $threeHoursFiveMinutesAgo WHERE store_id = 'store-1'");
        $this->assertStringStartsWith(
            "CASHBACK CRITICAL - 1 silent store(s): store-1 (silent 3h 0",
            $this->cli('monitor', '--hours=1')['stdout'],
        );
    }

    public function testMonitorTakesItsDefaultThresholdFromSettings(): void
    {
        file_put_contents($this->config, '<?php return ' . var_export(['database' => $this->database, 'silence_hours' => 200], true) . ';');
        $this->json(0, 'stores', 'register', 'store-1');
        $this->sql('UPDATE stores SET registered_at = registered_at - 100*3600000');
        $this->assertSame(['OK', 200], array_values(array_intersect_key($this->json(0, 'monitor'), ['status' => 0, 'hours' => 0])));
        $this->assertSame("CASHBACK OK - 1 store active\n", $this->cli('monitor')['stdout']);
    }

    public function testStoresListAndRegister(): void
    {
        $this->assertStringStartsWith('No stores yet.', $this->cli('stores')['stdout']);
        $run = $this->cli('stores', 'register', 'store-1', '--name=Москва, Тверская 1', '--silence-hours=12');
        $this->assertSame("Store store-1 \"Москва, Тверская 1\" registered with a silence threshold of 12h.\n", $run['stdout']);

        // An omitted name or threshold is kept; "default" drops the threshold.
        $this->assertSame(
            ['store_id' => 'store-1', 'name' => 'Москва, Тверская 1', 'silence_hours' => 12],
            array_slice($this->json(0, 'stores', 'register', 'store-1'), 0, 3),
        );
        $this->assertNull($this->json(0, 'stores', 'register', 'store-1', '--silence-hours=default')['silence_hours']);

        $this->ledger("\$l->registerStore('store-9'); \$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-9']);");
        $stores = $this->json(0, 'stores')['stores'];
        $this->assertSame(['store-9', 'store-1'], array_column($stores, 'store_id'), 'the store seen last comes first');
        $text = $this->cli('stores')['stdout'];
        $this->assertMatchesRegularExpression('/^STORE\s+NAME\s+THRESHOLD\s+LAST SEEN\s+SILENT FOR$/m', $text);
        $this->assertMatchesRegularExpression('/^store-1  Москва, Тверская 1  default\s+never\s+\d+s$/m', $text);

        $bad = $this->cli('stores', 'register', str_repeat('s', 65));
        $this->assertSame(1, $bad['exit']);
        $this->assertStringStartsWith('error: invalid_store: ', $bad['stderr']);
    }

    // --- verify, prune, health ----------------------------------------------

    public function testVerify(): void
    {
        $this->cli('users', 'link', '42', '89001234567');
        $this->applyTransactions();
        $run = $this->cli('verify');
        $this->assertSame([0, "Ledger OK: 1 account, 2 entries checked, no problems.\n"], [$run['exit'], $run['stdout']]);
        $this->assertSame(['ok' => true, 'accounts' => 1, 'entries' => 2, 'problems' => []], $this->json(0, 'verify'));

        $this->sql('UPDATE accounts SET balance = balance + 100');
        $broken = $this->cli('verify');
        $this->assertSame(1, $broken['exit']);
        $this->assertStringStartsWith('Ledger has 1 problem (1 account, 2 entries checked):', $broken['stdout']);
        $this->assertMatchesRegularExpression('/^balance_mismatch\s+42\s+-\s+cached balance/m', $broken['stdout']);
        $this->assertSame('balance_mismatch', $this->json(1, 'verify')['problems'][0]['check']);
    }

    public function testPrune(): void
    {
        foreach (['r1', 'r2'] as $id) {
            $this->ledger("\$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'external_id' => '$id']);");
        }
        $this->assertSame("Deleted 0 sync-log rows older than 90 days.\n", $this->cli('prune')['stdout']);
        $this->sql('UPDATE sync_log SET at = at - 40*86400000 WHERE external_id = \'r1\'');
        $this->assertSame(['days' => 90, 'deleted' => 0], $this->json(0, 'prune'));
        $this->assertSame(['days' => 30, 'deleted' => 1], $this->json(0, 'prune', '--days=30'));
        $this->assertSame(['r2'], array_column($this->json(0, 'log')['items'], 'external_id'));
        $this->assertSame("Deleted 1 sync-log row older than 0 days.\n", $this->cli('prune', '--days=0', '--force')['stdout']);
    }

    public function testPruneKeepsAWeekOfTheLogUnlessForced(): void
    {
        $this->ledger("\$l->logSync(['endpoint' => 'balance', 'status' => 'success', 'external_id' => 'r1']);");
        foreach (['0', '6'] as $days) {
            $run = $this->cli('prune', "--days=$days");
            $this->assertSame([64, ''], [$run['exit'], $run['stdout']], $run['stderr']);
            $this->assertStringStartsWith("cashback prune: --days=$days would keep less than 7 days of the sync log; add --force", $run['stderr']);
        }
        $this->assertSame(['r1'], array_column($this->json(0, 'log')['items'], 'external_id'), 'nothing deleted');
        $this->assertSame(['days' => 7, 'deleted' => 0], $this->json(0, 'prune', '--days=7'));
        $this->assertSame(['days' => 0, 'deleted' => 1], $this->json(0, 'prune', '--days=0', '--force'));
        $this->assertStringContainsString('  --force', $this->cli('prune', '--help')['stdout']);
    }

    public function testHealth(): void
    {
        $run = $this->cli('health');
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertMatchesRegularExpression('/^Version\s+\d+\.\d+\.\d+ \(commit \w+, schema \d+\)$/m', $run['stdout']);
        $this->assertStringContainsString("Database  {$this->database}\n", $run['stdout']);
        $this->assertStringContainsString('Status    ok: readable and writable', $run['stdout']);

        $json = $this->json(0, 'health');
        $this->assertSame('ok', $json['status']);
        $this->assertSame(['version', 'commit', 'schema_version', 'mysql_schema_version'], array_keys($json['version']));
        $this->assertSame([$this->database, true, 0], [$json['database']['path'], $json['database']['writable'], $json['database']['entries']]);
    }

    public function testHealthFailsOnAnUnavailableDatabase(): void
    {
        $missing = $this->directory . '/missing/ledger.db';
        $run = $this->cli('health', "--database=$missing");
        $this->assertSame(1, $run['exit']);
        $this->assertStringContainsString('Status    FAILED: database_unavailable: ', $run['stdout']);
        $this->assertStringStartsWith('error: database_unavailable: ', $run['stderr']);
        $json = $this->json(1, 'health', "--database=$missing");
        $this->assertSame(['failed', 'database_unavailable'], [$json['status'], $json['error']['code']]);
    }

    public function testTheConfigsRegionReadsPhonesWithoutACountryCode(): void
    {
        file_put_contents($this->config, '<?php return ' . var_export(['database' => $this->database, 'default_region' => 'BY'], true) . ';');
        $this->assertSame(['user_id' => 42, 'phone' => '375291234567', 'verified' => false], $this->json(0, 'users', 'link', '42', '8 029 123-45-67'));
        $this->assertSame(42, $this->json(0, 'balance', '80291234567')['user_id']);

        file_put_contents($this->config, '<?php return ' . var_export(['database' => $this->database, 'default_region' => 'Belarus'], true) . ';');
        $run = $this->cli('balance', '80291234567');
        $this->assertSame(1, $run['exit']);
        $this->assertStringStartsWith('error: invalid_option: default_region: unknown region "Belarus"', $run['stderr']);
    }

    // --- environment --------------------------------------------------------

    public function testDatabaseErrorsExitWithTempFail(): void
    {
        foreach ([['keys', 'list'], ['balance', '--user-id=1'], ['verify']] as $arguments) {
            $run = $this->cli(...[...$arguments, '--database=' . $this->directory . '/missing/ledger.db']);
            $this->assertSame(75, $run['exit'], implode(' ', $arguments));
            $this->assertSame('', $run['stdout']);
            $this->assertMatchesRegularExpression('/^error: database_unavailable: [^\n]+\n$/', $run['stderr']);
        }
    }

    public function testDatabaseOptionOverridesTheConfig(): void
    {
        $other = $this->directory . '/other.db';
        $this->cli('keys', 'create', 'elsewhere', "--database=$other");
        $this->assertSame(['keys' => []], $this->json(0, 'keys', 'list'));
        $this->assertCount(1, $this->json(0, 'keys', 'list', "--database=$other")['keys']);
    }

    public function testConfigComesFromTheEnvironmentWhenNotGiven(): void
    {
        $run = $this->runProcess([self::CLI, 'health', '--json'], ['CASHBACK_CONFIG' => $this->config]);
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertSame($this->database, json_decode($run['stdout'], true)['database']['path']);
    }

    public function testBadConfigurationExitsWithConfigError(): void
    {
        $cases = [
            [['--config=' . $this->directory . '/none.php'], 'does not exist'],
            [['--config=' . $this->file('typo.php', '<?php return ["databse" => "x"];')], 'Unknown settings: databse'],
            [['--config=' . $this->file('broken.php', '<?php return [')], 'broken.php: '],
            [['--config=' . $this->file('empty.php', '<?php return [];')], 'no database configured'],
        ];
        foreach ($cases as [$arguments, $message]) {
            $run = $this->runProcess([self::CLI, 'keys', 'list', ...$arguments]);
            $this->assertSame(78, $run['exit'], $run['stderr']);
            $this->assertStringStartsWith('error: ', $run['stderr']);
            $this->assertStringContainsString($message, $run['stderr']);
            $this->assertSame(1, substr_count($run['stderr'], "\n"), 'no stack trace');
        }
    }

    public function testRunsThroughItsShebangAndLoadsTheExtensionItself(): void
    {
        $this->assertTrue(is_executable(self::CLI));
        $this->assertStringStartsWith("#!/usr/bin/env php\n", (string) file_get_contents(self::CLI));
        $run = $this->runProcess([self::CLI, '--config=' . $this->config, 'health']);
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertStringContainsString('Status    ok', $run['stdout']);
    }

    public function testAnExtensionThatCannotBeLoadedIsAClearError(): void
    {
        // The guard variable is what a re-run sees when loading failed: it must stop, not loop.
        $run = $this->runProcess([PHP_BINARY, '-n', self::CLI, 'health'], ['CASHBACK_CLI_REEXEC' => '1']);
        $this->assertSame(69, $run['exit']);
        $this->assertStringStartsWith('error: the cashback extension could not be loaded from ', $run['stderr']);
        $json = $this->runProcess([PHP_BINARY, '-n', self::CLI, 'health', '--json'], ['CASHBACK_CLI_REEXEC' => '1']);
        $this->assertSame(69, $json['exit']);
        $this->assertSame('extension_unavailable', $this->errorDocument($json)['error']);
    }

    // --- hostile input -----------------------------------------------------

    public function testAConfigThatIsNotASettingsFileIsAConfigErrorQuotingNothing(): void
    {
        $secret = 'hunter2secret';
        $configs = [
            $this->file('text.conf', "root:x:0:0:$secret\n"),
            $this->file('bom.php', "\u{FEFF}<?php return []; // $secret\n"),
            $this->file('string.php', "<?php return '$secret';"),
            $this->file('syntax.php', "<?php return [$secret $secret];"),
            $this->file('throws.php', "<?php throw new RuntimeException('$secret');"),
            $this->file('type.php', '<?php return ' . var_export(['database' => $this->database, 'max_batch' => '20'], true) . ';'),
            '/etc/passwd',
        ];
        foreach ($configs as $config) {
            $text = $this->runProcess([self::CLI, "--config=$config", 'keys', 'list']);
            $json = $this->runProcess([self::CLI, "--config=$config", 'keys', 'list', '--json']);
            foreach ([$text, $json] as $run) {
                foreach ([$secret, 'root:'] as $content) {
                    $this->assertStringNotContainsString($content, $run['stdout'] . $run['stderr'], $config);
                }
                $this->assertSame(78, $run['exit'], "$config: {$run['stderr']}");
                $this->assertMatchesRegularExpression('/^error: config file ' . preg_quote($config, '/') . ': [^\n]+\n$/', $run['stderr']);
            }
            $this->assertSame('', $text['stdout']);
            $this->assertSame('config_invalid', $this->errorDocument($json)['error'], $config);
        }
    }

    public function testWhatAPhpConfigPrintsIsDropped(): void
    {
        file_put_contents($this->config, "<?php echo 'hunter2'; ?>hunter2<?php return ['database' => '{$this->database}'];");
        $run = $this->cli('keys', 'list', '--json');
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertSame(['keys' => []], json_decode($run['stdout'], true));
        $this->assertStringNotContainsString('hunter2', $run['stdout'] . $run['stderr']);
    }

    public function testTerminalControlCharactersAreShownEscaped(): void
    {
        // A window title, a screen clear, a right-to-left override, an 8-bit CSI and DEL; files may add bytes that are not UTF-8.
        $hostile = "\e]0;pwned\x07\e[2J\u{202E}\u{9B}31m\x7F";
        $shown = '\x1B]0;pwned\x07\x1B[2J\u{202E}\u{9B}31m\x7F';
        $rows = $this->file('rows.csv', "user_id,phone,verified\n1,89001111111,$hostile\xFF\n");
        $header = $this->file('header.csv', "user_id,phone,$hostile\xFF\n");
        $this->cli('stores', 'register', 'store-1', "--name=$hostile");
        $runs = [
            [65, $this->cli('users', 'import', $rows), "line 2: verified must be 1/0/Y/N/true/false, got \"$shown\\xFF\""],
            [65, $this->cli('users', 'import', $header), "expected the header user_id,phone[,verified], got \"user_id,phone,$shown\\xFF\""],
            [0, $this->cli('stores'), "store-1  $shown  default"],
            [0, $this->cli('stores', 'register', 'store-1'), "Store store-1 \"$shown\" registered"],
        ];
        foreach ($runs as [$exit, $run, $expected]) {
            $this->assertSame($exit, $run['exit'], $run['stderr']);
            $this->assertStringContainsString($expected, $run['stdout'] . $run['stderr']);
            $this->assertNoTerminalControls($run['stdout'] . $run['stderr']);
        }
        $this->assertSame($hostile, $this->json(0, 'stores')['stores'][0]['name'], 'JSON keeps the data');
    }

    public function testEveryErrorWithJsonIsOneDocumentOnStdout(): void
    {
        $cases = [
            [64, 'usage_error', ['--json']],
            [64, 'usage_error', ['frobnicate', '--json']],
            [64, 'usage_error', ['keys', '--json']],
            [64, 'usage_error', ['keys', 'list', '--bogus', '--json']],
            [64, 'usage_error', ['--json', 'keys', 'revoke', 'abc']],
            [64, 'usage_error', ['log', '--follow', '--json']],
            [78, 'config_invalid', ['--config=' . $this->directory . '/none.php', 'keys', 'list', '--json']],
            [78, 'config_invalid', ['--config=' . $this->file('empty.php', '<?php return [];'), 'keys', 'list', '--json']],
            [1, 'not_found', ['--config=' . $this->config, 'keys', 'revoke', '99', '--json']],
            [75, 'database_unavailable', ['--database=' . $this->directory . '/missing/ledger.db', 'keys', 'list', '--json']],
            [66, 'input_unreadable', ['--config=' . $this->config, 'users', 'import', $this->directory . '/none.csv', '--json']],
            [65, 'input_invalid', ['--config=' . $this->config, 'users', 'import', $this->file('empty.csv', ''), '--json']],
            // A read error of a file that looks fine is an error the CLI does not expect.
            [70, 'internal_error', ['--config=' . $this->config, 'users', 'import', '/proc/self/mem', '--json']],
        ];
        foreach ($cases as [$exit, $code, $arguments]) {
            $run = $this->runProcess([self::CLI, ...$arguments]);
            $label = implode(' ', $arguments);
            $this->assertSame($exit, $run['exit'], "$label: {$run['stderr']}");
            $document = $this->errorDocument($run);
            $this->assertSame($code, $document['error'], $label);
            $this->assertStringContainsString($document['message'], $run['stderr'], "$label: the same message as on stderr");
            $this->assertSame(1, substr_count($run['stderr'], "\n"), "$label: one line on stderr");
        }
    }

    public function testABrokenPipeEndsTheCommandQuietly(): void
    {
        // More than a pipe's buffer (64 KiB), so the CLI is still writing when the reader goes away.
        $this->ledger('for ($i = 0; $i < 1000; $i++) { $l->logSync(["endpoint" => "balance", "status" => "success", "external_id" => "r$i"]); }');
        foreach ([[], ['--json']] as $json) {
            $stderr = "{$this->directory}/stderr-pipe";
            $process = proc_open(
                $this->cliCommand('log', '--limit=1000', ...$json),
                [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'w']],
                $pipes,
                null,
                $this->baseEnvironment(),
            );
            $this->assertIsResource($process);
            fgets($pipes[1]); // one line, then the reader is gone, as with `cashback log | head -1`
            fclose($pipes[1]);
            $this->assertSame(141, proc_close($process), (string) file_get_contents($stderr));
            $this->assertSame('', file_get_contents($stderr));
        }
    }

    // --- helpers ------------------------------------------------------------

    /**
     * Runs the CLI with this test's config.
     *
     * @return array{exit: int, stdout: string, stderr: string}
     */
    // --- migrate-storage ----------------------------------------------------

    /** Fills the test ledger with a batch of more than one copy page, a phone, a store and a key. */
    private function fillForMigration(): void
    {
        $this->assertSame(0, $this->cli('stores', 'register', 'store-9', '--name=Tula')['exit']);
        $this->assertSame(0, $this->cli('keys', 'create', 'register-9', '--store=store-9')['exit']);
        $this->assertSame(0, $this->cli('users', 'link', '7', '+7 900 123-45-67')['exit']);
        $ledger = new \CashbackLedger($this->database);
        $items = [];
        for ($n = 0; $n < 2500; $n++) {
            $items[] = ['external_id' => "m-$n", 'type' => 'accrual', 'amount' => '1.25', 'user_id' => 7 + $n % 3];
        }
        $ledger->applyBatch($items);
    }

    public function testMigrateStorageCopiesEveryTableWithProgressAndRefusesAFullDestination(): void
    {
        $this->fillForMigration();
        $copy = $this->directory . '/copy.db';
        $run = $this->cli('migrate-storage', '--to=' . $copy);
        $this->assertSame(0, $run['exit'], $run['stderr']);
        $this->assertStringContainsString("entries:\n0/2500 rows\n2000/2500 rows\n2500/2500 rows\n", $run['stderr']);
        $this->assertMatchesRegularExpression('/^entries\s+2 500\s+same$/m', $run['stdout']);
        $this->assertStringContainsString('Both sides agree.', $run['stdout']);
        $copied = new \CashbackLedger($copy, ['create' => false]);
        $this->assertSame((new \CashbackLedger($this->database))->balance(8), $copied->balance(8));
        $this->assertCount(1, $copied->listApiKeys());

        $again = $this->json(1, 'migrate-storage', '--to=' . $copy);
        $this->assertSame('invalid_argument', $again['error']);
        $this->assertSame(2500, $copied->verify()['entries'], 'the refused second copy wrote nothing');
        $this->assertSame(64, $this->cli('migrate-storage')['exit'], '--to is required: a usage error');
    }

    public function testMigrateStorageMovesAFileToMariaDbWithoutShowingThePassword(): void
    {
        $server = getenv('CASHBACK_MARIADB_DIR');
        if ($server === false || $server === '') {
            $this->markTestSkipped('needs the test MariaDB server: CASHBACK_MARIADB_DIR (make test starts it)');
        }
        $this->fillForMigration();
        $name = 'cb_cli_' . bin2hex(random_bytes(4));
        $admin = trim((string) shell_exec('tests/mariadb/server.sh url ' . escapeshellarg($server)));
        $parts = parse_url($admin);
        $mysqli = new \mysqli($parts['host'], $parts['user'], $parts['pass'], '', $parts['port']);
        $mysqli->query("CREATE DATABASE $name");
        try {
            $url = trim((string) shell_exec('tests/mariadb/server.sh app-url ' . escapeshellarg($server))) . $name;
            $password = (string) parse_url($url, PHP_URL_PASS);
            $run = $this->json(0, 'migrate-storage', '--to=' . $url);
            $this->assertTrue($run['agrees']);
            $this->assertSame(2500, $run['tables']['entries']['rows']);
            $this->assertTrue($run['verify']['ok']);
            $this->assertStringNotContainsString($password, json_encode($run));
            $this->assertSame((new \CashbackLedger($this->database))->balance(9), (new \CashbackLedger($url))->balance(9));
        } finally {
            $mysqli->query("DROP DATABASE $name");
        }
    }

    private function cli(string ...$arguments): array
    {
        return $this->runProcess($this->cliCommand(...$arguments));
    }

    /** @return list<string> */
    private function cliCommand(string ...$arguments): array
    {
        return [self::CLI, '--config=' . $this->config, ...$arguments];
    }

    /** Runs the CLI with --json, checks the exit status and that stdout is one JSON document. */
    private function json(int $exit, string ...$arguments): array
    {
        $run = $this->cli(...[...$arguments, '--json']);
        $this->assertSame($exit, $run['exit'], implode(' ', $arguments) . ': ' . $run['stderr']);
        $document = json_decode($run['stdout'], true, 512, JSON_THROW_ON_ERROR);
        $this->assertIsArray($document);
        return $document;
    }

    /**
     * The error document a failed --json run printed: its whole stdout, `{"error": code, "message": text}`.
     *
     * @param array{exit: int, stdout: string, stderr: string} $run
     * @return array{error: string, message: string}
     */
    private function errorDocument(array $run): array
    {
        $document = json_decode($run['stdout'], true, 512, JSON_THROW_ON_ERROR);
        $this->assertSame(['error', 'message'], array_keys($document), $run['stdout']);
        $this->assertIsString($document['message']);
        return $document;
    }

    /** No byte a terminal would act on: C0 but the line break, DEL, C1, bidi and other format characters, non-UTF-8. */
    private function assertNoTerminalControls(string $text): void
    {
        $this->assertTrue(mb_check_encoding($text, 'UTF-8'), $text);
        $this->assertDoesNotMatchRegularExpression('/[\x00-\x09\x0B-\x1F\x7F-\x9F\p{Cf}]/u', $text);
    }

    /**
     * @param list<string> $command
     * @param array<string, string> $environment Added to this process's environment.
     * @return array{exit: int, stdout: string, stderr: string}
     */
    private function runProcess(array $command, array $environment = []): array
    {
        return $this->finish($this->start($command, $environment));
    }

    /**
     * Starts a process with stdout and stderr in files, so no full pipe can block it.
     *
     * @param list<string> $command
     * @param array<string, string> $environment Added to this process's environment.
     * @return array{process: resource, stdout: string, stderr: string}
     */
    private function start(array $command, array $environment = []): array
    {
        $id = bin2hex(random_bytes(4));
        $stdout = "{$this->directory}/stdout-$id";
        $stderr = "{$this->directory}/stderr-$id";
        $process = proc_open(
            $command,
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $stdout, 'w'], 2 => ['file', $stderr, 'w']],
            $pipes,
            null,
            $environment + $this->baseEnvironment(),
        );
        $this->assertIsResource($process);
        return ['process' => $process, 'stdout' => $stdout, 'stderr' => $stderr];
    }

    /**
     * @param array{process: resource, stdout: string, stderr: string} $started
     * @return array{exit: int, stdout: string, stderr: string}
     */
    private function finish(array $started): array
    {
        $exit = proc_close($started['process']);
        return [
            'exit' => $exit,
            'stdout' => (string) file_get_contents($started['stdout']),
            'stderr' => (string) file_get_contents($started['stderr']),
        ];
    }

    /** Without a CASHBACK_CONFIG of the caller's shell leaking into the tests. */
    private function baseEnvironment(): array
    {
        $environment = getenv();
        unset($environment['CASHBACK_CONFIG'], $environment['CASHBACK_CLI_REEXEC']);
        return $environment;
    }

    private function file(string $name, string $content): string
    {
        $path = "{$this->directory}/$name";
        file_put_contents($path, $content);
        return $path;
    }

    /** Runs PHP statements against this test's database, with `$l` the ledger. */
    private function ledger(string $statements): void
    {
        $code = '$l = new CashbackLedger(getenv("CASHBACK_TEST_DB")); ' . $statements;
        $run = $this->runProcess(array_merge([PHP_BINARY], $this->extensionArguments(), ['-r', $code]), ['CASHBACK_TEST_DB' => $this->database]);
        $this->assertSame(0, $run['exit'], $run['stdout'] . $run['stderr']);
    }

    /** The value of a PHP expression evaluated with the extension loaded (the test process may lack it). */
    private function extensionValue(string $expression): mixed
    {
        $run = $this->runProcess(array_merge([PHP_BINARY], $this->extensionArguments(), ['-r', "echo json_encode($expression);"]));
        $this->assertSame(0, $run['exit'], $run['stderr']);
        return json_decode($run['stdout'], true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return list<string> Loads the extension unless PHP's own ini does (loading it twice warns). */
    private function extensionArguments(): array
    {
        self::$phpLoadsExtension ??= $this->runProcess([PHP_BINARY, '-r', 'exit(extension_loaded("cashback") ? 0 : 1);'])['exit'] === 0;
        return self::$phpLoadsExtension ? [] : ['-d', 'extension=' . self::EXTENSION];
    }

    /** User 42 gets 1 250.50 (a-1), spends 50 (d-1); a 5 000 debit (d-2) is refused. Logged from store-1. */
    private function applyTransactions(): void
    {
        $this->ledger(<<<'PHP'
            $l->registerStore('store-1');
            $results = $l->applyBatch([
                ['type' => 'accrual', 'amount' => '1250.50', 'external_id' => 'a-1', 'user_id' => 42,
                 'store_id' => 'store-1', 'description' => 'Moscow, register 2'],
                ['type' => 'debit', 'amount' => 50, 'external_id' => 'd-1', 'user_id' => 42, 'store_id' => 'store-1'],
                ['type' => 'debit', 'amount' => 5000, 'external_id' => 'd-2', 'user_id' => 42, 'store_id' => 'store-1'],
            ], ['endpoint' => 'transactions/batch', 'client' => 'store-1', 'store_id' => 'store-1']);
            if (array_column($results, 'status') !== ['success', 'success', 'error']) {
                fwrite(STDERR, json_encode($results));
                exit(1);
            }
            PHP);
    }

    /** Changes the database behind the ledger's back, as an operator with sqlite3 would. */
    private function sql(string $statement): void
    {
        $run = $this->runProcess(['/usr/bin/sqlite3', $this->database, $statement]);
        $this->assertSame(0, $run['exit'], $run['stderr']);
    }
}
