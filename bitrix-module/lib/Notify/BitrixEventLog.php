<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Notify;

/**
 * ErrorLog on Bitrix's event log (Settings > Tools > Event log), where an
 * administrator looks for failed agents. If even that fails (no database),
 * PHP's error_log gets the line, so a failure is never silent.
 */
final class BitrixEventLog implements ErrorLog
{
    public const AUDIT_TYPE = 'RETAILLAB_CASHBACK_FAILURE';

    public function __construct(private readonly string $moduleId)
    {
    }

    public function error(string $source, string $message): void
    {
        try {
            \CEventLog::Add([
                'SEVERITY' => 'ERROR',
                'AUDIT_TYPE_ID' => self::AUDIT_TYPE,
                'MODULE_ID' => $this->moduleId,
                'ITEM_ID' => $source,
                'DESCRIPTION' => $message,
            ]);
        } catch (\Throwable $e) {
            error_log("{$this->moduleId} $source: $message (event log unavailable: {$e->getMessage()})");
        }
    }
}
