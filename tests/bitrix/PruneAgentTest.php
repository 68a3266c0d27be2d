<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Agent\LogPruner;
use Retaillab\Cashback\Agent\PruneAgent;
use Retaillab\Cashback\Notify\BitrixEventLog;

/**
 * Sync-log retention against the real extension: rows are logged, some are
 * backdated with sqlite3, and the pruner (and the agent through the module
 * options) deletes exactly those older than the retention.
 */
final class PruneAgentTest extends TestCase
{
    private const MODULE = 'retaillab.cashback';

    private string $directory;
    private string $database;
    private CashbackLedger $ledger;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir() . '/cashback-prune-test-' . bin2hex(random_bytes(6));
        mkdir($this->directory, 0700);
        $this->database = $this->directory . '/ledger.db';
        $this->ledger = new CashbackLedger($this->database);
        Option::$values = [];
        CEventLog::$entries = [];
        foreach (['fresh' => 0, 'month' => 40, 'quarter' => 100] as $externalId => $daysAgo) {
            $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'external_id' => $externalId, 'store_id' => 'store-1']);
            $this->sqlite(sprintf("UPDATE sync_log SET at = %d WHERE external_id = '%s'", (time() - $daysAgo * 86400 - 60) * 1000, $externalId));
        }
    }

    protected function tearDown(): void
    {
        Option::$values = [];
        foreach (glob($this->directory . '/*') ?: [] as $file) {
            is_dir($file) ? rmdir($file) : unlink($file);
        }
        rmdir($this->directory);
    }

    public function testRowsOlderThanTheRetentionAreDeleted(): void
    {
        $this->assertSame(1, LogPruner::prune($this->ledger, 90));
        $this->assertSame(['fresh', 'month'], $this->externalIds());
        $this->assertSame(0, LogPruner::prune($this->ledger, 90), 'pruning again deletes nothing');
        $this->assertSame(1, LogPruner::prune($this->ledger, 30));
        $this->assertSame(['fresh'], $this->externalIds());
    }

    public function testARetentionBelowOneDayKeepsEverything(): void
    {
        $this->assertSame(0, LogPruner::prune($this->ledger, 0));
        $this->assertSame(0, LogPruner::prune($this->ledger, -5));
        $this->assertSame(['fresh', 'month', 'quarter'], $this->externalIds());
    }

    public function testTheAgentPrunesWithTheRetentionOption(): void
    {
        Option::set(self::MODULE, 'database_path', $this->database);
        Option::set(self::MODULE, 'log_retention_days', '30');

        $this->assertSame('\Retaillab\Cashback\Agent\PruneAgent::run();', PruneAgent::run());

        $this->assertSame(['fresh'], $this->externalIds());
        $this->assertSame([], CEventLog::$entries);
    }

    public function testTheAgentUsesTheDefaultRetentionOf90Days(): void
    {
        Option::set(self::MODULE, 'database_path', $this->database);

        $this->assertSame(PruneAgent::CALL, PruneAgent::run());

        $this->assertSame(['fresh', 'month'], $this->externalIds());
    }

    public function testALedgerFailureIsLoggedAndTheAgentStaysScheduled(): void
    {
        Option::set(self::MODULE, 'database_path', $this->database);
        $this->sqlite('ALTER TABLE sync_log RENAME TO sync_log_gone');

        $this->assertSame(PruneAgent::CALL, PruneAgent::run());

        $this->assertCount(1, CEventLog::$entries);
        $this->assertSame(BitrixEventLog::AUDIT_TYPE, CEventLog::$entries[0]['AUDIT_TYPE_ID']);
        $this->assertSame('PruneAgent', CEventLog::$entries[0]['ITEM_ID']);
        $this->assertStringContainsString('[database_error]', CEventLog::$entries[0]['DESCRIPTION']);
    }

    /** @return list<string> external ids left in the log, sorted */
    private function externalIds(): array
    {
        $ids = array_column($this->ledger->syncLog(null, 100)['items'], 'external_id');
        sort($ids);
        return $ids;
    }

    private function sqlite(string $sql): void
    {
        exec('/usr/bin/sqlite3 ' . escapeshellarg($this->database) . ' ' . escapeshellarg($sql) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }
}
