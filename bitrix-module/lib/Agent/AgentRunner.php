<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Retaillab\Cashback\Notify\ErrorLog;

/**
 * The contract of a Bitrix agent in one place: whatever happens, return the
 * agent's own call string (so it stays scheduled) and never throw into the
 * agent loop; a failure goes to the error log instead.
 */
final class AgentRunner
{
    /**
     * The module id as a literal (it equals Retaillab\Cashback\Module::ID), so
     * that even a failure to load the module's classes can be logged.
     */
    public const MODULE_ID = 'retaillab.cashback';

    /**
     * @param string $call The agent's call string, returned in every case.
     * @param string $source Name for the log, e.g. "SilenceAgent".
     * @param callable(ErrorLog): void $work Gets the log for failures it survives itself.
     */
    public static function guard(string $call, string $source, ErrorLog $log, callable $work): string
    {
        try {
            $work($log);
        } catch (\Throwable $e) {
            try {
                $log->error($source, self::describe($e));
            } catch (\Throwable $logFailure) {
                error_log(self::MODULE_ID . " $source: " . self::describe($e) . ' (logging failed: ' . $logFailure->getMessage() . ')');
            }
        }
        return $call;
    }

    /** One line: class, the ledger's error code when there is one, message, origin. */
    public static function describe(\Throwable $e): string
    {
        $class = substr(strrchr('\\' . get_class($e), '\\'), 1);
        $code = $e instanceof \CashbackException ? ' [' . $e->getErrorCode() . ']' : '';
        $line = $class . $code . ': ' . $e->getMessage() . ' at ' . basename($e->getFile()) . ':' . $e->getLine();
        $line = (string) preg_replace('/\s+/u', ' ', $line);
        return mb_strlen($line) > 1000 ? mb_substr($line, 0, 999) . '…' : $line;
    }
}
