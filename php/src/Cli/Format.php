<?php

declare(strict_types=1);

namespace Cashback\Cli;

/** Human-readable renderings of ledger values (the JSON output keeps the raw ones). */
final class Format
{
    /** Rubles the Russian way, with a space between thousands: 1250.5 → "1 250.50". */
    public static function money(float|int $rubles): string
    {
        return number_format((float) $rubles, 2, '.', ' ');
    }

    /** 12000 → "12 000", matching the money grouping. */
    public static function count(int $count): string
    {
        return number_format($count, 0, '.', ' ');
    }

    /** A ledger timestamp ("2026-11-27T10:15:00+03:00") with a space instead of the T, or "-". */
    public static function time(?string $iso): string
    {
        if ($iso === null || $iso === '') {
            return '-';
        }
        return preg_replace('/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/', '$1 $2 ', $iso) ?? $iso;
    }

    /** A duration in its two largest units: "45s", "3h 05m", "2d 04h". */
    public static function duration(int $seconds): string
    {
        $days = intdiv($seconds, 86400);
        $hours = intdiv($seconds % 86400, 3600);
        $minutes = intdiv($seconds % 3600, 60);
        return match (true) {
            $days > 0 => sprintf('%dd %02dh', $days, $hours),
            $hours > 0 => sprintf('%dh %02dm', $hours, $minutes),
            $minutes > 0 => sprintf('%dm', $minutes),
            default => sprintf('%ds', $seconds),
        };
    }

    /** "1 store", "3 stores": the summary lines are read by people and by Nagios. */
    public static function plural(int $count, string $singular, string $plural): string
    {
        return Format::count($count) . ' ' . ($count === 1 ? $singular : $plural);
    }
}
