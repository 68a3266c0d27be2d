<?php

declare(strict_types=1);

namespace Cashback;

/**
 * The ledger's one vocabulary of status and error codes, as the extension
 * gives it (CashbackLedger::codes(), from crates/cashback-core/src/code.rs):
 * every list of statuses or error codes in the PHP code is read from here,
 * never written by hand. Read once per process.
 */
final class Codes
{
    /** Status of one transaction's result: success, duplicate, error. */
    public const ITEM_STATUS = 'item_status';
    /** Status of a sync-log row. */
    public const LOG_STATUS = 'log_status';
    /** Why one transaction was refused. */
    public const ITEM_ERROR = 'item_error';
    /** CashbackException::getErrorCode() values. */
    public const CALL_ERROR = 'call_error';
    /** Answered by the HTTP layer itself. */
    public const API_ERROR = 'api_error';

    /** @var array<string, array{number: int, http_status: ?int, transient: bool, uses: list<string>, meaning: string}>|null */
    private static ?array $codes = null;

    /**
     * Every code, in numeric order. Empty while the extension is not loaded, so
     * that a page which reports the missing extension can still be drawn.
     *
     * @return array<string, array{number: int, http_status: ?int, transient: bool, uses: list<string>, meaning: string}>
     */
    public static function all(): array
    {
        if (self::$codes === null) {
            if (!extension_loaded('cashback')) {
                return [];
            }
            self::$codes = \CashbackLedger::codes();
        }
        return self::$codes;
    }

    /** @return array{number: int, http_status: ?int, transient: bool, uses: list<string>, meaning: string}|null */
    public static function get(string $code): ?array
    {
        return self::all()[$code] ?? null;
    }

    /** @return list<string> The codes with this use (one of the constants above), in numeric order. */
    public static function withUse(string $use): array
    {
        $codes = [];
        foreach (self::all() as $code => $entry) {
            if (in_array($use, $entry['uses'], true)) {
                $codes[] = $code;
            }
        }
        return $codes;
    }

    /** @return list<string> Every status a sync-log row can have, in numeric order. */
    public static function logStatuses(): array
    {
        return self::withUse(self::LOG_STATUS);
    }
}
