<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Retaillab\Cashback\Admin\TimeFormat;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Notify\BitrixEventLog;
use Retaillab\Cashback\Notify\BitrixNotifier;
use Retaillab\Cashback\Notify\ErrorLog;

/**
 * The store-silence agent (every 900 s, registered by the module installer).
 * Only wiring: the logic is SilenceMonitor's.
 */
final class SilenceAgent
{
    public const CALL = '\\Retaillab\\Cashback\\Agent\\SilenceAgent::run();';

    /** The option remembering which stores were already alerted. */
    public const STATE_OPTION = 'silence_alerted';

    public static function run(): string
    {
        return AgentRunner::guard(self::CALL, 'SilenceAgent', new BitrixEventLog(AgentRunner::MODULE_ID), static function (ErrorLog $log): void {
            $monitor = new SilenceMonitor(
                LedgerFactory::open(),
                SilencePolicy::fromOptions(),
                new BitrixNotifier(Module::ID),
                new OptionStateStore(Module::ID, self::STATE_OPTION),
                TimeFormat::forSite(),
                defined('LANGUAGE_ID') ? (string) LANGUAGE_ID : 'ru',
            );
            foreach ($monitor->check()->problems() as $line) {
                $log->error('SilenceAgent', $line);
            }
        });
    }
}
