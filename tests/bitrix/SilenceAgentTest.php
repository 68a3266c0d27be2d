<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\Mail\Event;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Agent\AgentRunner;
use Retaillab\Cashback\Agent\OptionStateStore;
use Retaillab\Cashback\Agent\SilenceAgent;
use Retaillab\Cashback\Agent\SilenceMonitor;
use Retaillab\Cashback\Agent\SilencePolicy;
use Retaillab\Cashback\Notify\BitrixEventLog;
use Retaillab\Cashback\Notify\BitrixNotifier;
use Retaillab\Cashback\Notify\ErrorLog;
use Retaillab\Cashback\Notify\Notifier;
use Retaillab\Cashback\Notify\NotifyException;

/**
 * The store-silence agent against the real extension on a temporary ledger:
 * stores are registered, made silent by backdating them with sqlite3, and
 * brought back with a logged request. Notifications go to a recording
 * Notifier (a double of the module's own interface); the Bitrix adapter and
 * SilenceAgent::run() are checked against the CAdminNotify / Mail\Event /
 * CEventLog doubles.
 */
final class SilenceAgentTest extends TestCase
{
    private const MODULE = 'retaillab.cashback';

    private string $directory;
    private string $database;
    private CashbackLedger $ledger;
    private RecordingNotifier $notifier;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir() . '/cashback-silence-test-' . bin2hex(random_bytes(6));
        mkdir($this->directory, 0700);
        $this->database = $this->directory . '/ledger.db';
        $this->ledger = new CashbackLedger($this->database);
        $this->notifier = new RecordingNotifier();
        Option::$values = [];
        CAdminNotify::reset();
        CEventLog::$entries = [];
        Event::$sent = [];
        Event::$refuse = null;
    }

    protected function tearDown(): void
    {
        Option::$values = [];
        foreach (glob($this->directory . '/*') ?: [] as $file) {
            is_dir($file) ? rmdir($file) : unlink($file);
        }
        rmdir($this->directory);
    }

    public function testANewlySilentStoreGetsOneStickerAndOneMail(): void
    {
        $this->ledger->registerStore('store-1', 'Тверская, 1');
        $this->backdateRegistration('store-1', 7);

        $report = $this->monitor(new SilencePolicy(6, [], 'ops@example.com'))->check();

        $this->assertSame(['store-1'], $report->alerted);
        $this->assertCount(1, $this->notifier->stickers);
        $this->assertSame('RETAILLAB_CASHBACK_SILENT[store-1]', $this->notifier->stickers[0]['tag']);
        $sticker = $this->notifier->stickers[0]['html'];
        $this->assertStringContainsString('Тверская, 1 (store-1)', $sticker);
        $this->assertStringContainsString('7 ч', $sticker);
        $this->assertStringContainsString('порог 6 ч', $sticker);
        $this->assertStringContainsString('запросов не было', $sticker);
        $this->assertStringContainsString('href="/bitrix/admin/retaillab_cashback_log.php?lang=ru&amp;apply_filter=Y&amp;STORE_ID=store-1"', $sticker);

        $this->assertCount(1, $this->notifier->mails);
        $this->assertSame(SilenceMonitor::MAIL_EVENT, $this->notifier->mails[0]['event']);
        $this->assertSame([
            'STORE_ID' => 'store-1',
            'STORE_NAME' => 'Тверская, 1',
            'LAST_SEEN' => 'запросов не было',
            'HOURS' => '7',
            'THRESHOLD_HOURS' => '6',
            'EMAIL_TO' => 'ops@example.com',
        ], $this->notifier->mails[0]['fields']);
        $this->assertSame([], $this->notifier->deleted);
    }

    public function testTheNextRunSendsNothingMoreAndKeepsTheSticker(): void
    {
        $this->ledger->registerStore('store-1');
        $this->backdateRegistration('store-1', 7);
        $policy = new SilencePolicy(6, [], 'ops@example.com');
        $this->monitor($policy)->check();

        // Every agent run is a new process: a new monitor, the state from the option.
        $second = $this->monitor($policy)->check();
        $third = $this->monitor($policy)->check();

        $this->assertSame([], $second->alerted);
        $this->assertSame(['store-1'], $second->stillSilent);
        $this->assertSame(['store-1'], $third->stillSilent);
        $this->assertCount(1, $this->notifier->stickers, 'no sticker re-added');
        $this->assertCount(1, $this->notifier->mails, 'one mail in all');
        $this->assertSame([], $this->notifier->deleted, 'the sticker is kept');
    }

    public function testAStoreThatSpeaksAgainLosesItsStickerAndIsAlertedAfreshLater(): void
    {
        $this->ledger->registerStore('store-1');
        $this->backdateRegistration('store-1', 7);
        $policy = new SilencePolicy(6, [], 'ops@example.com');
        $this->monitor($policy)->check();

        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-1', 'client' => 'register-1']);
        $recovered = $this->monitor($policy)->check();

        $this->assertSame(['store-1'], $recovered->recovered);
        $this->assertSame(['RETAILLAB_CASHBACK_SILENT[store-1]'], $this->notifier->deleted);
        $this->assertSame([], (new OptionStateStore(self::MODULE, 'silence_alerted'))->load()['alerted']);

        // Silent again later: a new alert, because the store was forgotten.
        $this->backdateLastSeen('store-1', 8);
        $again = $this->monitor($policy)->check();
        $this->assertSame(['store-1'], $again->alerted);
        $this->assertCount(2, $this->notifier->mails);
        $this->assertStringContainsString('8 ч', $this->notifier->stickers[1]['html']);
        $this->assertNotSame('запросов не было', $this->notifier->mails[1]['fields']['LAST_SEEN']);
        $this->assertMatchesRegularExpression('/^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d$/', $this->notifier->mails[1]['fields']['LAST_SEEN']);
    }

    public function testPerStoreThresholdsFromTheOptionsAreHonouredAndSyncedToTheLedger(): void
    {
        foreach (['quick', 'default', 'patient'] as $store) {
            $this->ledger->registerStore($store);
        }
        $this->backdateRegistration('quick', 3);   // own threshold 2 h: silent
        $this->backdateRegistration('default', 7); // default 6 h: silent
        $this->backdateRegistration('patient', 7); // own threshold 12 h: not yet

        $report = $this->monitor(new SilencePolicy(6, ['quick' => 2, 'patient' => 12], 'ops@example.com'))->check();

        $this->assertEqualsCanonicalizing(['quick', 'default'], $report->alerted);
        $this->assertSame(['default' => null, 'patient' => 12, 'quick' => 2], $this->thresholds());
        $mail = array_column(array_column($this->notifier->mails, 'fields'), null, 'STORE_ID');
        $this->assertSame('2', $mail['quick']['THRESHOLD_HOURS']);
        $this->assertSame('6', $mail['default']['THRESHOLD_HOURS']);

        // The option is the source of truth: a store dropped from it goes back to the default.
        $next = $this->monitor(new SilencePolicy(6, ['quick' => 2], 'ops@example.com'))->check();
        $this->assertSame(['patient'], $next->alerted);
        $this->assertSame(['default' => null, 'patient' => null, 'quick' => 2], $this->thresholds());
    }

    public function testAStoreNamedOnlyInTheOptionsIsWatchedFromThen(): void
    {
        $this->monitor(new SilencePolicy(6, ['new-store' => 1]))->check();
        $this->assertSame(['new-store' => 1], $this->thresholds());
        $this->backdateRegistration('new-store', 2);
        $this->assertSame(['new-store'], $this->monitor(new SilencePolicy(6, ['new-store' => 1]))->check()->alerted);
    }

    public function testHostileStoreIdsAndNamesAreEscapedInTheStickerAndTaggedStably(): void
    {
        $storeId = 'магазин "№1" <b>';
        $this->ledger->registerStore($storeId, '<script>alert(1)</script>');
        $this->backdateRegistration($storeId, 7);

        $this->monitor(new SilencePolicy(6, [], 'ops@example.com'))->check();

        $tag = $this->notifier->stickers[0]['tag'];
        $this->assertSame(SilenceMonitor::tag($storeId), $tag);
        $this->assertMatchesRegularExpression('/^RETAILLAB_CASHBACK_SILENT\[\.[0-9a-f]{40}\]$/', $tag);
        $html = $this->notifier->stickers[0]['html'];
        $this->assertStringNotContainsString('<script>', $html);
        $this->assertStringNotContainsString('"№1"', $html);
        $this->assertStringContainsString('&lt;script&gt;alert(1)&lt;/script&gt; (магазин &quot;№1&quot; &lt;b&gt;)', $html);
        $this->assertStringContainsString('STORE_ID=%D0%BC%D0%B0%D0%B3', $html);
        // Mail fields are raw: the template (text) substitutes them as they are.
        $this->assertSame($storeId, $this->notifier->mails[0]['fields']['STORE_ID']);
        $this->assertSame('<script>alert(1)</script>', $this->notifier->mails[0]['fields']['STORE_NAME']);

        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => $storeId]);
        $this->monitor(new SilencePolicy(6, [], 'ops@example.com'))->check();
        $this->assertSame([$tag], $this->notifier->deleted);
    }

    public function testPlainStoreIdsKeepReadableTagsThatNeverCollideWithHashedOnes(): void
    {
        $this->assertSame('RETAILLAB_CASHBACK_SILENT[store-7b]', SilenceMonitor::tag('store-7b'));
        // Capitals and _ would meet other ids in a case-insensitive LIKE: hashed.
        $this->assertMatchesRegularExpression('/^RETAILLAB_CASHBACK_SILENT\[\.[0-9a-f]{40}\]$/', SilenceMonitor::tag('Store_7-b'));
        $this->assertNotSame(SilenceMonitor::tag('a b'), SilenceMonitor::tag('a_b'));
        $this->assertSame(SilenceMonitor::tag('a b'), SilenceMonitor::tag('a b'));
        $this->assertLessThanOrEqual(255, strlen(SilenceMonitor::tag(str_repeat('ж', 64))));
    }

    /**
     * CAdminNotify::Add() first deletes by its tag and DeleteByTag() deletes every
     * sticker whose TAG is LIKE '%tag%' (doubles/Admin.php follows the real class):
     * a tag contained in another one would wipe that store's sticker while the
     * agent still counts the store as alerted, so it would never come back.
     */
    public function testStickersOfStoresWhoseIdsContainEachOtherDoNotEraseEachOther(): void
    {
        $policy = new SilencePolicy(6, [], 'ops@example.com');
        foreach (['store-12', 'store-100'] as $store) {
            $this->ledger->registerStore($store);
            $this->backdateRegistration($store, 7);
        }
        $this->bitrixMonitor($policy)->check();
        $this->assertCount(2, CAdminNotify::stickers());

        // store-1 falls silent later: its sticker is added next to the others.
        $this->ledger->registerStore('store-1');
        $this->backdateRegistration('store-1', 7);
        $this->assertSame(['store-1'], $this->bitrixMonitor($policy)->check()->alerted);
        $this->assertEqualsCanonicalizing(
            [SilenceMonitor::tag('store-1'), SilenceMonitor::tag('store-12'), SilenceMonitor::tag('store-100')],
            array_keys(CAdminNotify::stickers()),
        );

        // store-1 speaks again: only its own sticker goes.
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-1']);
        $report = $this->bitrixMonitor($policy)->check();
        $this->assertSame(['store-1'], $report->recovered);
        $this->assertEqualsCanonicalizing(['store-12', 'store-100'], $report->stillSilent);
        $this->assertEqualsCanonicalizing(
            [SilenceMonitor::tag('store-12'), SilenceMonitor::tag('store-100')],
            array_keys(CAdminNotify::stickers()),
        );
        $this->assertCount(3, Event::$sent, 'one mail per store, none repeated');
    }

    /** LIKE also treats _ as any character and compares without case: such ids must not meet either. */
    public function testStickersOfIdsALikeMatchWouldConfuseStaySeparate(): void
    {
        $policy = new SilencePolicy(6);
        $stores = ['kassa_1', 'kassa-1', 'KASSA-1', 'kassa%1', 'kassa'];
        foreach ($stores as $store) {
            $this->ledger->registerStore($store);
            $this->backdateRegistration($store, 7);
        }
        $this->bitrixMonitor($policy)->check();
        $this->assertCount(count($stores), CAdminNotify::stickers());

        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'kassa_1']);
        $this->bitrixMonitor($policy)->check();
        $this->assertEqualsCanonicalizing(
            array_map(SilenceMonitor::tag(...), ['kassa-1', 'KASSA-1', 'kassa%1', 'kassa']),
            array_keys(CAdminNotify::stickers()),
        );
    }

    public function testNoTagMatchesAnotherStoresTagTheWayDeleteByTagMatches(): void
    {
        $ids = ['1', '12', '100', 'store-1', 'store-12', 'store-1-2', 'Store-1', 'store_1', 'store%1', 'store\\1',
            'a b', 'a_b', 'магазин 1', 'магазин 12', str_repeat('ж', 64), 'retaillab-cashback-silent-1', '.', '-'];
        foreach ($ids as $a) {
            foreach ($ids as $b) {
                if ($a !== $b) {
                    $this->assertFalse(CAdminNotify::like(SilenceMonitor::tag($b), '%' . SilenceMonitor::tag($a) . '%'), "deleting $a's sticker would delete $b's");
                }
            }
            $this->assertTrue(CAdminNotify::like(SilenceMonitor::tag($a), '%' . SilenceMonitor::tag($a) . '%'));
            $this->assertLessThanOrEqual(255, strlen(SilenceMonitor::tag($a)), 'b_admin_notify.TAG is varchar(255)');
        }
    }

    /**
     * Stickers shown by the previous version carry the old tags: they are removed
     * once and the stores still silent get theirs back under the new tag, without
     * a second mail; the state then records the new scheme.
     */
    public function testStickersTaggedTheOldWayAreReplacedOnceWithoutNewMail(): void
    {
        foreach (['store-1', 'store-12'] as $store) {
            $this->ledger->registerStore($store);
            $this->backdateRegistration($store, 7);
        }
        $this->ledger->registerStore('store-2');
        CAdminNotify::Add(['MESSAGE' => 'old', 'TAG' => 'RETAILLAB_CASHBACK_SILENT_store-12', 'MODULE_ID' => self::MODULE]);
        CAdminNotify::Add(['MESSAGE' => 'old', 'TAG' => 'RETAILLAB_CASHBACK_SILENT_store-2', 'MODULE_ID' => self::MODULE]);
        CAdminNotify::Add(['MESSAGE' => 'someone else', 'TAG' => 'OTHER_MODULE_NOTICE', 'MODULE_ID' => 'other.module']);
        // What the previous version remembered: store-1's sticker was already wiped by store-12's.
        $state = new OptionStateStore(self::MODULE, 'silence_alerted');
        $state->save(['alerted' => ['store-1' => 1700000000, 'store-12' => 1700000000, 'store-2' => 1700000000]]);

        $report = $this->bitrixMonitor(new SilencePolicy(6, [], 'ops@example.com'))->check();

        $this->assertSame([], $report->alerted);
        $this->assertEqualsCanonicalizing(['store-1', 'store-12'], $report->stillSilent);
        $this->assertSame(['store-2'], $report->recovered);
        $this->assertSame([], Event::$sent, 'no mail again for stores already alerted');
        $this->assertEqualsCanonicalizing(
            [SilenceMonitor::tag('store-1'), SilenceMonitor::tag('store-12'), 'OTHER_MODULE_NOTICE'],
            array_keys(CAdminNotify::stickers()),
        );
        $this->assertStringContainsString('store-12', CAdminNotify::stickers()[SilenceMonitor::tag('store-12')]['MESSAGE']);
        $this->assertSame(['store-1' => 1700000000, 'store-12' => 1700000000], $state->load()['alerted']);

        // From then on nothing is re-added.
        CAdminNotify::$calls = [];
        $this->bitrixMonitor(new SilencePolicy(6, [], 'ops@example.com'))->check();
        $this->assertSame([], CAdminNotify::$calls);
    }

    public function testWithoutANotificationAddressOnlyTheStickerIsShown(): void
    {
        $this->ledger->registerStore('store-1');
        $this->backdateRegistration('store-1', 7);

        $report = $this->monitor(new SilencePolicy(6))->check();

        $this->assertTrue($report->mailSkipped);
        $this->assertSame(['store-1'], $report->alerted);
        $this->assertCount(1, $this->notifier->stickers);
        $this->assertSame([], $this->notifier->mails);
    }

    public function testAFailedMailIsRetriedOnTheNextRunAndThenSentOnce(): void
    {
        $this->ledger->registerStore('store-1');
        $this->ledger->registerStore('store-2');
        $this->backdateRegistration('store-1', 7);
        $this->backdateRegistration('store-2', 7);
        $policy = new SilencePolicy(6, [], 'ops@example.com');
        $this->notifier->failMailFor = 'store-1';

        $first = $this->monitor($policy)->check();
        $this->assertSame(['store-2'], $first->alerted, 'one store failing does not stop the others');
        $this->assertArrayHasKey('store-1', $first->failures);
        $this->assertSame(['store store-1: mail refused'], $first->problems());

        $this->notifier->failMailFor = null;
        $second = $this->monitor($policy)->check();
        $this->assertSame(['store-1'], $second->alerted);
        $this->assertSame(['store-2'], $second->stillSilent);
        $this->assertSame(['store-2', 'store-1'], array_map(fn (array $m) => $m['fields']['STORE_ID'], $this->notifier->mails));

        $this->monitor($policy)->check();
        $this->assertCount(2, $this->notifier->mails);
    }

    public function testALedgerFailureNotifiesNothingAndDoesNotThrowOutOfTheAgent(): void
    {
        $this->ledger->registerStore('store-1');
        $this->backdateRegistration('store-1', 7);
        $this->sqlite('ALTER TABLE stores RENAME TO stores_gone');
        $log = new RecordingErrorLog();

        $returned = AgentRunner::guard(SilenceAgent::CALL, 'SilenceAgent', $log, function (): void {
            $this->monitor(new SilencePolicy(6, [], 'ops@example.com'))->check();
        });

        $this->assertSame('\Retaillab\Cashback\Agent\SilenceAgent::run();', $returned);
        $this->assertSame([], $this->notifier->stickers);
        $this->assertSame([], $this->notifier->mails);
        $this->assertCount(1, $log->lines);
        $this->assertSame('SilenceAgent', $log->lines[0][0]);
        $this->assertStringStartsWith('CashbackException [database_error]: no such table: stores', $log->lines[0][1]);
        $this->assertSame([], (new OptionStateStore(self::MODULE, 'silence_alerted'))->load(), 'nothing remembered');
    }

    public function testTheAgentRunsEndToEndThroughTheModuleOptionsAndTheBitrixAdapter(): void
    {
        Option::set(self::MODULE, 'database_path', $this->database);
        Option::set(self::MODULE, 'notify_email', 'ops@example.com, not-an-address, boss@example.com');
        Option::set(self::MODULE, 'store_silence_hours', '{"store-2": 24}');
        $this->ledger->registerStore('store-1', 'Тверская');
        $this->ledger->registerStore('store-2');
        $this->backdateRegistration('store-1', 7);
        $this->backdateRegistration('store-2', 7);

        $this->assertSame(SilenceAgent::CALL, SilenceAgent::run());
        $this->assertSame(SilenceAgent::CALL, SilenceAgent::run());

        $this->assertSame([], CEventLog::$entries);
        $this->assertSame(['RETAILLAB_CASHBACK_SILENT[store-1]'], array_keys(CAdminNotify::stickers()));
        $sticker = CAdminNotify::stickers()['RETAILLAB_CASHBACK_SILENT[store-1]'];
        $this->assertSame(self::MODULE, $sticker['MODULE_ID']);
        $this->assertSame('Y', $sticker['ENABLE_CLOSE']);
        $this->assertSame(CAdminNotify::TYPE_ERROR, $sticker['NOTIFY_TYPE']);
        $this->assertCount(1, Event::$sent);
        $this->assertSame('RETAILLAB_CASHBACK_STORE_SILENT', Event::$sent[0]['EVENT_NAME']);
        $this->assertSame('s1', Event::$sent[0]['LID']);
        $this->assertSame('ops@example.com, boss@example.com', Event::$sent[0]['C_FIELDS']['EMAIL_TO']);
        $this->assertSame('Тверская', Event::$sent[0]['C_FIELDS']['STORE_NAME']);
        $this->assertSame(['store-1' => null, 'store-2' => 24], $this->thresholds());

        $this->ledger->logSync(['endpoint' => 'transactions/batch', 'status' => 'success', 'store_id' => 'store-1']);
        $this->assertSame(SilenceAgent::CALL, SilenceAgent::run());
        $this->assertSame([], CAdminNotify::stickers());
        $this->assertSame(['DeleteByTag', 'RETAILLAB_CASHBACK_SILENT[store-1]'], end(CAdminNotify::$calls));
    }

    public function testTheAgentLogsAnUnavailableLedgerToTheEventLogAndStaysScheduled(): void
    {
        Option::set(self::MODULE, 'database_path', $this->directory); // a directory: cannot be opened

        $this->assertSame(SilenceAgent::CALL, SilenceAgent::run());

        $this->assertCount(1, CEventLog::$entries);
        $entry = CEventLog::$entries[0];
        $this->assertSame('ERROR', $entry['SEVERITY']);
        $this->assertSame(BitrixEventLog::AUDIT_TYPE, $entry['AUDIT_TYPE_ID']);
        $this->assertSame(self::MODULE, $entry['MODULE_ID']);
        $this->assertSame('SilenceAgent', $entry['ITEM_ID']);
        $this->assertStringContainsString('[database_unavailable]', $entry['DESCRIPTION']);
        $this->assertSame([], CAdminNotify::$calls);
    }

    public function testBitrixNotifierReportsRefusals(): void
    {
        $notifier = new BitrixNotifier(self::MODULE, 's2');
        $notifier->sendMail('RETAILLAB_CASHBACK_STORE_SILENT', ['STORE_ID' => 'x']);
        $this->assertSame('s2', Event::$sent[0]['LID']);

        Event::$refuse = 'No template for site s2';
        try {
            $notifier->sendMail('RETAILLAB_CASHBACK_STORE_SILENT', ['STORE_ID' => 'x']);
            $this->fail('a refused mail must throw');
        } catch (NotifyException $e) {
            $this->assertStringContainsString('No template for site s2', $e->getMessage());
        }

        CAdminNotify::$refuse = true;
        $this->expectException(NotifyException::class);
        $notifier->addSticker(SilenceMonitor::tag('x'), 'text');
    }

    /** A monitor on the Bitrix adapter (the CAdminNotify and Mail\Event doubles). */
    private function bitrixMonitor(SilencePolicy $policy): SilenceMonitor
    {
        return new SilenceMonitor($this->ledger, $policy, new BitrixNotifier(self::MODULE), new OptionStateStore(self::MODULE, 'silence_alerted'));
    }

    private function monitor(SilencePolicy $policy): SilenceMonitor
    {
        return new SilenceMonitor($this->ledger, $policy, $this->notifier, new OptionStateStore(self::MODULE, 'silence_alerted'));
    }

    /** @return array<string, ?int> store => its own threshold in the ledger, by store id */
    private function thresholds(): array
    {
        $thresholds = [];
        foreach ($this->ledger->storeActivity() as $store) {
            $thresholds[$store['store_id']] = $store['silence_hours'];
        }
        ksort($thresholds, SORT_STRING);
        return $thresholds;
    }

    private function backdateRegistration(string $storeId, int $hours): void
    {
        $this->sqlite(sprintf("UPDATE stores SET registered_at = %d WHERE store_id = '%s'", $this->hoursAgo($hours), str_replace("'", "''", $storeId)));
    }

    private function backdateLastSeen(string $storeId, int $hours): void
    {
        $this->sqlite(sprintf("UPDATE stores SET last_seen_at = %d WHERE store_id = '%s'", $this->hoursAgo($hours), str_replace("'", "''", $storeId)));
    }

    /** Unix milliseconds $hours (and a minute) ago. */
    private function hoursAgo(int $hours): int
    {
        return (time() - $hours * 3600 - 60) * 1000;
    }

    private function sqlite(string $sql): void
    {
        exec('/usr/bin/sqlite3 ' . escapeshellarg($this->database) . ' ' . escapeshellarg($sql) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }
}

/** A Notifier that records instead of notifying; can refuse one store's mail. */
final class RecordingNotifier implements Notifier
{
    /** @var list<array{tag: string, html: string}> */
    public array $stickers = [];

    /** @var list<string> */
    public array $deleted = [];

    /** @var list<array{event: string, fields: array<string, string>}> */
    public array $mails = [];

    public ?string $failMailFor = null;

    public function addSticker(string $tag, string $html): void
    {
        $this->stickers[] = ['tag' => $tag, 'html' => $html];
    }

    public function deleteSticker(string $tag): void
    {
        $this->deleted[] = $tag;
    }

    /** @var list<string> */
    public array $deletedContaining = [];

    public function deleteStickersContaining(string $fragment): void
    {
        $this->deletedContaining[] = $fragment;
    }

    public function sendMail(string $eventName, array $fields): void
    {
        if ($this->failMailFor !== null && ($fields['STORE_ID'] ?? null) === $this->failMailFor) {
            throw new NotifyException('mail refused');
        }
        $this->mails[] = ['event' => $eventName, 'fields' => $fields];
    }
}

/** An ErrorLog that records. */
final class RecordingErrorLog implements ErrorLog
{
    /** @var list<array{0: string, 1: string}> */
    public array $lines = [];

    public function error(string $source, string $message): void
    {
        $this->lines[] = [$source, $message];
    }
}
