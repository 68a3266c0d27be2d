<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Notify\BitrixEventLog;
use Retaillab\Cashback\Options;

/** The daily sync-log retention agent (registered by the module installer). */
final class PruneAgent
{
    public const CALL = '\\Retaillab\\Cashback\\Agent\\PruneAgent::run();';

    public static function run(): string
    {
        return AgentRunner::guard(self::CALL, 'PruneAgent', new BitrixEventLog(AgentRunner::MODULE_ID), static function (): void {
            LogPruner::prune(LedgerFactory::open(), Options::logRetentionDays());
        });
    }
}
