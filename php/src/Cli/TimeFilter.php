<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * A --since/--until value for CashbackLedger::syncLog: an ISO time (read in
 * the ledger's time zone when it has no offset), Unix seconds, or a time
 * relative to now such as -30m, -2h, -1d, -1w.
 */
final class TimeFilter
{
    private const UNIT_SECONDS = ['s' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800];
    private const ISO = '/^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d)(:\d\d(?:\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/';

    /** @return int|string|null Unix seconds or an ISO string, as syncLog's from/to take them; null when unreadable. */
    public static function parse(string $text, int $now): int|string|null
    {
        if (preg_match('/^-?([0-9]{1,9})([smhdw])$/', $text, $relative) === 1) {
            return $now - (int) $relative[1] * self::UNIT_SECONDS[$relative[2]];
        }
        if (preg_match('/^[0-9]{1,12}$/', $text) === 1) {
            return (int) $text;
        }
        if (preg_match(self::ISO, $text, $iso) === 1) {
            // The ledger wants seconds; a date alone means its midnight.
            $time = ($iso[2] ?? '') === '' ? '00:00:00' : $iso[2] . (($iso[3] ?? '') === '' ? ':00' : $iso[3]);
            return "{$iso[1]}T$time" . ($iso[4] ?? '');
        }
        return null;
    }

    public static function help(): string
    {
        return 'ISO time (2026-11-27T10:00:00, 2026-11-27), Unix seconds, or relative (-30m, -2h, -1d)';
    }
}
