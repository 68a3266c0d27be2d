<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

/** Sync-log retention, the logic behind PruneAgent. */
final class LogPruner
{
    /**
     * Deletes sync-log rows older than $days days; returns how many.
     * A retention below one day means "keep everything": pruneSyncLog(0)
     * would empty the log, which no setting should do by accident.
     *
     * @throws \CashbackException on database faults
     */
    public static function prune(\CashbackLedger $ledger, int $days): int
    {
        return $days < 1 ? 0 : $ledger->pruneSyncLog($days);
    }
}
