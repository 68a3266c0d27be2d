<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\UserPhoneAuthTable;
use Bitrix\Main\UserTable;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Admin\Reindexer;
use Retaillab\Cashback\Admin\ReindexState;
use Retaillab\Cashback\Admin\ReindexView;
use Retaillab\Cashback\Admin\UserIdSource;
use Retaillab\Cashback\Agent\OptionStateStore;
use Retaillab\Cashback\Customer\BitrixUserPhoneSource;
use Retaillab\Cashback\Customer\PhoneSync;

/**
 * The stepwise phone reindex: users come from an in-memory UserIdSource (a
 * double of the module's own interface), phones go into the real ledger on a
 * temporary database, and the run's state lives in the module option as on a
 * site. "Another request" is a new Reindexer reading that option. The page,
 * admin/reindex.php, is run for real in AdminPagesTest.
 */
final class ReindexTest extends TestCase
{
    private const MODULE = 'retaillab.cashback';
    private const STATE_OPTION = 'reindex_state';

    private string $directory;
    private string $database;
    private CashbackLedger $ledger;
    private ArrayUserIdSource $users;

    /** @var list<int> users whose sync completed, in order */
    private array $completed = [];

    /** @var list<int> every sync attempt, in order */
    private array $attempts = [];

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir() . '/cashback-reindex-test-' . bin2hex(random_bytes(6));
        mkdir($this->directory, 0700);
        $this->database = $this->directory . '/ledger.db';
        $this->ledger = new CashbackLedger($this->database);
        Option::$values = [];
        // 23 users with gaps in their ids, as on a site where users were deleted.
        $this->users = new ArrayUserIdSource(array_map(fn (int $n) => $n * 3 + ($n % 2), range(1, 23)));
        UserTable::reset();
        UserPhoneAuthTable::reset();
    }

    protected function tearDown(): void
    {
        Option::$values = [];
        UserTable::reset();
        UserPhoneAuthTable::reset();
        foreach (glob($this->directory . '/*') ?: [] as $file) {
            unlink($file);
        }
        rmdir($this->directory);
    }

    public function testStepsWalkEveryUserAndReportTheirProgress(): void
    {
        $view = new ReindexView();
        $reindexer = $this->reindexer(5);
        $this->assertNull($reindexer->state());
        $this->assertNull($view->message(null, false));

        $reindexer->start();
        $state = $reindexer->step();
        $this->assertSame(5, $state->done());
        $this->assertSame(23, $state->total);
        $this->assertSame($this->users->ids[4], $state->lastId);
        $this->assertFalse($state->finished());
        $message = $view->message($state, true);
        $this->assertSame('PROGRESS', $message['TYPE']);
        $this->assertSame(23, $message['PROGRESS_TOTAL']);
        $this->assertSame(5, $message['PROGRESS_VALUE']);
        $this->assertSame('Идёт переиндексация телефонов…', $message['MESSAGE']);
        $this->assertStringStartsWith('#PROGRESS_BAR#', $message['DETAILS']);
        $this->assertStringContainsString('Обработано пользователей: 5 из 23 (успешно: 5, с ошибкой: 0).', $message['DETAILS']);

        $progress = [5];
        $steps = 1;
        while (!$state->finished()) {
            $state = $this->reindexer(5)->step(); // each step is a new request
            $progress[] = $state->done();
            $steps++;
        }
        $this->assertSame([5, 10, 15, 20, 23], $progress, 'the last, short page finishes the run without an extra step');
        $this->assertSame(5, $steps);
        $this->assertSame($this->users->ids, $this->completed);
        foreach ($this->users->ids as $userId) {
            $this->assertSame([['phone' => $this->phoneOf($userId), 'verified' => false]], $this->ledger->userPhones($userId));
        }
        $done = $view->message($state, false);
        $this->assertSame('OK', $done['TYPE']);
        $this->assertSame('Переиндексация завершена', $done['MESSAGE']);
        $this->assertStringContainsString('23 из 23', $done['DETAILS']);

        $this->assertSame($state->toArray(), $this->reindexer(5)->step()->toArray(), 'a finished run stays finished');
    }

    public function testAResumedRunProcessesEveryUserExactlyOnceAfterAFatalInterruption(): void
    {
        $failOnce = $this->users->ids[7];
        $this->reindexer(5)->start();
        $this->reindexer(5)->step();
        try {
            $this->reindexer(5, $failOnce)->step();
            $this->fail('the step must be interrupted');
        } catch (Error $e) {
            $this->assertSame('interrupted', $e->getMessage());
        }
        $saved = $this->reindexer(5)->state();
        $this->assertSame(7, $saved->done(), 'the state was saved after each user before the interruption');
        $this->assertSame($this->users->ids[6], $saved->lastId);

        do {
            $state = $this->reindexer(5)->step();
        } while (!$state->finished());

        $this->assertSame($this->users->ids, $this->completed, 'every user completed exactly once, in order');
        $this->assertSame(2, count(array_keys($this->attempts, $failOnce)), 'the interrupted user was tried again');
        $this->assertSame(23, $state->processed);
        $this->assertSame(0, $state->failed);
    }

    public function testATimeBudgetCutsStepsShortAndTheRunResumesWhereItStopped(): void
    {
        $clock = 0.0;
        $tick = static function () use (&$clock): float {
            return $clock += 1.0;
        };
        $sizes = [];
        $this->reindexer(200, null, 2.5, $tick)->start();
        do {
            $before = $this->reindexer(200)->state()->done();
            $state = $this->reindexer(200, null, 2.5, $tick)->step();
            $sizes[] = $state->done() - $before;
        } while (!$state->finished());

        $this->assertGreaterThan(5, count($sizes), 'many short steps');
        $this->assertLessThanOrEqual(3, max($sizes));
        $this->assertSame($this->users->ids, $this->completed);
    }

    public function testAFailedUserIsCountedAndTheRunGoesOn(): void
    {
        $bad = $this->users->ids[5];
        $reindexer = new Reindexer($this->users, function (int $userId) use ($bad): void {
            if ($userId === $bad) {
                throw new RuntimeException('<b>phone field unreadable</b>');
            }
            $this->sync($userId);
        }, $this->store(), 10);
        $reindexer->start();
        do {
            $state = $reindexer->step();
        } while (!$state->finished());

        $this->assertSame(22, $state->processed);
        $this->assertSame(1, $state->failed);
        $this->assertSame([['user_id' => $bad, 'message' => '<b>phone field unreadable</b>']], $state->errors);
        $message = (new ReindexView())->message($state, false);
        $this->assertSame('ERROR', $message['TYPE']);
        $this->assertSame('Переиндексация завершена с ошибками', $message['MESSAGE']);
        $this->assertStringContainsString("<li>Пользователь $bad: &lt;b&gt;phone field unreadable&lt;/b&gt;</li>", $message['DETAILS']);
        $this->assertStringNotContainsString('<b>phone', $message['DETAILS']);
    }

    public function testOnlyTheFirstErrorsAreKept(): void
    {
        $reindexer = new Reindexer($this->users, static function (int $userId): void {
            throw new InvalidArgumentException("bad user $userId");
        }, $this->store(), 50);
        $reindexer->start();
        $state = $reindexer->step();

        $this->assertTrue($state->finished());
        $this->assertSame(23, $state->failed);
        $this->assertCount(ReindexState::MAX_ERRORS, $state->errors);
        $this->assertStringContainsString('…и ещё ошибок: 3.', (new ReindexView())->message($state, false)['DETAILS']);
    }

    public function testALedgerFaultStopsTheStepWithTheUserStillPending(): void
    {
        $this->reindexer(5)->start();
        $this->reindexer(5)->step();
        $this->sqlite('ALTER TABLE phones RENAME TO phones_away');
        try {
            $this->reindexer(5)->step();
            $this->fail('a database fault must stop the step');
        } catch (CashbackException $e) {
            $this->assertSame('database_error', $e->getErrorCode());
        }
        $this->assertSame(5, $this->reindexer(5)->state()->done(), 'the user was not counted, as failed or otherwise');
        $this->assertSame(0, $this->reindexer(5)->state()->failed);

        $this->sqlite('ALTER TABLE phones_away RENAME TO phones');
        do {
            $state = $this->reindexer(5)->step();
        } while (!$state->finished());
        $this->assertSame($this->users->ids, $this->completed);
    }

    public function testUsersRegisteredDuringTheRunAreIncludedAndRaiseTheTotal(): void
    {
        $this->reindexer(10)->start();
        $this->reindexer(10)->step();
        $this->users->ids[] = 1000;
        $this->users->ids[] = 1001;
        do {
            $state = $this->reindexer(10)->step();
        } while (!$state->finished());

        $this->assertSame(25, $state->done());
        $this->assertSame(23, $state->total, 'counted at the start');
        $this->assertSame(25, $state->progressTotal(), 'the bar never runs past 100 %');
        $this->assertSame([1000, 1001], array_slice($this->completed, -2));
    }

    public function testStartingOverAndResetting(): void
    {
        $this->reindexer(5)->start();
        $this->reindexer(5)->step();
        $fresh = $this->reindexer(5)->start();
        $this->assertSame(0, $fresh->done());
        $this->assertSame(0, $fresh->lastId);
        $this->assertSame(5, $this->reindexer(5)->step()->done());

        $this->reindexer(5)->reset();
        $this->assertNull($this->reindexer(5)->state());
        $this->assertSame([], (new OptionStateStore(self::MODULE, self::STATE_OPTION))->load());
        // A step without a run starts one.
        $this->assertSame(5, $this->reindexer(5)->step()->done());
    }

    public function testTheStateSurvivesAsJsonInTheModuleOption(): void
    {
        $this->reindexer(5)->start();
        $this->reindexer(5)->step();

        $saved = json_decode(Option::get(self::MODULE, self::STATE_OPTION), true);
        $this->assertSame(['last_id', 'processed', 'failed', 'total', 'started_at', 'finished_at', 'errors'], array_keys($saved));
        $this->assertSame($this->users->ids[4], $saved['last_id']);

        Option::set(self::MODULE, self::STATE_OPTION, '{broken');
        $this->assertNull($this->reindexer(5)->state(), 'an unreadable state is no run');
    }

    public function testTheRealPhoneSyncReadsUsersThroughTheUserTables(): void
    {
        UserTable::$rows = [
            7 => ['ID' => 7, 'PERSONAL_PHONE' => '8 (900) 111-22-33', 'PERSONAL_MOBILE' => ''],
            9 => ['ID' => 9, 'PERSONAL_PHONE' => '', 'PERSONAL_MOBILE' => '+7 900 444-55-66; not a phone'],
        ];
        UserPhoneAuthTable::$rows = [9 => ['USER_ID' => 9, 'PHONE_NUMBER' => '+79007778899', 'CONFIRMED' => 'Y']];
        $this->ledger->linkPhone(12, '+7 900 000-00-12'); // user 12 was deleted from the site
        $sync = new PhoneSync($this->ledger, new BitrixUserPhoneSource(), static function (string $message): void {
        });
        $reindexer = new Reindexer(new ArrayUserIdSource([7, 9, 12]), $sync->syncUser(...), $this->store());

        $reindexer->start();
        $state = $reindexer->step();

        $this->assertTrue($state->finished());
        $this->assertSame(3, $state->processed);
        $this->assertSame([['phone' => '79001112233', 'verified' => false]], $this->ledger->userPhones(7));
        $this->assertEqualsCanonicalizing(
            [['phone' => '79007778899', 'verified' => true], ['phone' => '79004445566', 'verified' => false]],
            $this->ledger->userPhones(9),
        );
        $this->assertSame([], $this->ledger->userPhones(12));
    }

    public function testTheControlsFollowTheRun(): void
    {
        $view = new ReindexView();
        $action = '/bitrix/admin/retaillab_cashback_reindex.php?lang=ru&a="b"';
        $sessid = '<input type="hidden" name="sessid" id="sessid" value="abc">';

        $none = $view->controls(null, false, $action, $sessid);
        $this->assertSame(['start'], $this->actions($none));
        $this->assertStringContainsString('value="Начать"', $none);
        $this->assertStringContainsString('action="/bitrix/admin/retaillab_cashback_reindex.php?lang=ru&amp;a=&quot;b&quot;"', $none);
        $this->assertSame(1, substr_count($none, $sessid));

        $paused = $view->controls(new ReindexState(5, 5, 0, 23, 1), false, $action, $sessid);
        $this->assertSame(['continue', 'start', 'reset'], $this->actions($paused));
        $this->assertStringContainsString('value="Начать заново"', $paused);
        $this->assertSame(3, substr_count($paused, $sessid));

        $finished = $view->controls((new ReindexState(23, 23, 0, 23, 1))->finish(2), false, $action, $sessid);
        $this->assertSame(['start', 'reset'], $this->actions($finished));

        $running = $view->controls(new ReindexState(5, 5, 0, 23, 1), true, $action, $sessid);
        $this->assertSame([], $this->actions($running));
        $this->assertStringContainsString('>Приостановить</a>', $running);
        $this->assertStringContainsString('retaillabCashbackReindexPause', $running);

        $next = $view->autoContinue($action, $sessid, 250);
        $this->assertStringContainsString('id="' . ReindexView::NEXT_FORM_ID . '"', $next);
        $this->assertStringContainsString($sessid . '<input type="hidden" name="action" value="continue">', $next);
        $this->assertStringContainsString('setTimeout(function(){document.getElementById("retaillab-cashback-reindex-next").submit();},250)', $next);
        $this->assertStringContainsString('Перечитывает телефоны всех пользователей', $view->intro());
    }

    /** @return list<string> the action values of the forms, in order */
    private function actions(string $html): array
    {
        preg_match_all('/name="action" value="([a-z]+)"/', $html, $m);
        return $m[1];
    }

    /** A reindexer as one request builds it: fresh objects, the state from the option. */
    private function reindexer(int $batch, ?int $interruptAt = null, float $budget = Reindexer::TIME_BUDGET, ?callable $clock = null): Reindexer
    {
        return new Reindexer($this->users, function (int $userId) use ($interruptAt): void {
            $this->attempts[] = $userId;
            if ($userId === $interruptAt) {
                throw new Error('interrupted'); // as a fatal error or a killed request would
            }
            $this->sync($userId);
        }, $this->store(), $batch, $budget, $clock);
    }

    private function sync(int $userId): void
    {
        $this->ledger->replaceUserPhones($userId, [$this->phoneOf($userId)]);
        $this->completed[] = $userId;
    }

    private function phoneOf(int $userId): string
    {
        return sprintf('7900%07d', $userId);
    }

    private function store(): OptionStateStore
    {
        return new OptionStateStore(self::MODULE, self::STATE_OPTION);
    }

    private function sqlite(string $sql): void
    {
        exec('/usr/bin/sqlite3 ' . escapeshellarg($this->database) . ' ' . escapeshellarg($sql) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }
}

/** Users as a sorted list of ids (a double of the module's UserIdSource). */
final class ArrayUserIdSource implements UserIdSource
{
    /** @param list<int> $ids ascending */
    public function __construct(public array $ids)
    {
    }

    public function idsAfter(int $afterId, int $limit): array
    {
        $ids = array_values(array_filter($this->ids, static fn (int $id): bool => $id > $afterId));
        sort($ids);
        return array_slice($ids, 0, $limit);
    }

    public function count(): int
    {
        return count($this->ids);
    }
}
