<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\Labels;

/** Turns ledger values into the short texts the tables show. */
final class Format
{
    public function __construct(private readonly Labels $labels)
    {
    }

    /**
     * "2026-11-27T10:15:00+03:00" as "2026-11-27 10:15:00". The ledger gives
     * every time in its own zone, named once above the tables, so the offset
     * would only be noise.
     */
    public function time(?string $iso): string
    {
        if ($iso === null) {
            return '';
        }
        if (preg_match('/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/', $iso, $m) === 1) {
            return $m[1] . ' ' . $m[2];
        }
        return $iso;
    }

    /** A silence length, coarse enough to read at a glance. */
    public function silence(int $seconds): string
    {
        $minutes = intdiv(max(0, $seconds), 60);
        $hours = intdiv($minutes, 60);
        return match (true) {
            $hours >= 24 => $this->labels->get('duration_days', intdiv($hours, 24), $hours % 24),
            $hours >= 1 => $this->labels->get('duration_hours', $hours, $minutes % 60),
            $minutes >= 1 => $this->labels->get('duration_minutes', $minutes),
            default => $this->labels->get('duration_under_minute'),
        };
    }

    public function milliseconds(int $ms): string
    {
        return $this->labels->get('duration_ms', $ms);
    }

    public function threshold(?int $ownHours, int $defaultHours): string
    {
        return $ownHours === null
            ? $this->labels->get('default_threshold', $defaultHours)
            : $this->labels->get('own_threshold', $ownHours);
    }
}
