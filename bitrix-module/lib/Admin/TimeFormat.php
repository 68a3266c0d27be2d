<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * Ledger times and durations as the admin pages, stickers and mails show them.
 * The ledger gives times as ISO 8601 in its own zone; they are shown in that
 * zone (the one the stores work in), with the site's date format.
 */
final class TimeFormat
{
    /** @param string $format PHP date() format; the page passes the site's FULL format. */
    public function __construct(private readonly string $format = 'd.m.Y H:i:s')
    {
    }

    /** With the site's date-time format (Bitrix\Main\Type\DateTime::getFormat()), else the default. */
    public static function forSite(): self
    {
        try {
            $format = \Bitrix\Main\Type\DateTime::getFormat();
        } catch (\Throwable) {
            $format = '';
        }
        return is_string($format) && $format !== '' ? new self($format) : new self();
    }

    /** '' for null; the text as given when it is not a time (never an exception on display). */
    public function dateTime(?string $iso): string
    {
        if ($iso === null || $iso === '') {
            return '';
        }
        $time = self::parse($iso);
        return $time === null ? $iso : $time->format($this->format);
    }

    /** For CSV cells: sortable and read by Excel as a date. */
    public static function sortable(?string $iso): string
    {
        if ($iso === null || $iso === '') {
            return '';
        }
        $time = self::parse($iso);
        return $time === null ? $iso : $time->format('Y-m-d H:i:s');
    }

    /** A silence length, coarse enough to read at a glance: "2 d 3 h", "5 h 10 min", "12 min". */
    public function duration(int $seconds): string
    {
        $minutes = intdiv(max(0, $seconds), 60);
        $hours = intdiv($minutes, 60);
        if ($hours >= 24) {
            return self::message('RETAILLAB_CASHBACK_TIME_DAYS_HOURS', ['#DAYS#' => intdiv($hours, 24), '#HOURS#' => $hours % 24]);
        }
        if ($hours >= 1) {
            return self::message('RETAILLAB_CASHBACK_TIME_HOURS_MINUTES', ['#HOURS#' => $hours, '#MINUTES#' => $minutes % 60]);
        }
        if ($minutes >= 1) {
            return self::message('RETAILLAB_CASHBACK_TIME_MINUTES', ['#MINUTES#' => $minutes]);
        }
        return self::message('RETAILLAB_CASHBACK_TIME_UNDER_MINUTE');
    }

    private static function parse(string $iso): ?\DateTimeImmutable
    {
        if (preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?([+-]\d\d:\d\d|Z)?$/', $iso) !== 1) {
            return null;
        }
        try {
            // The offset in the text wins, so the time stays in the ledger's zone.
            return new \DateTimeImmutable($iso);
        } catch (\Exception) {
            return null;
        }
    }

    /** @param array<string, string|int> $replace */
    private static function message(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, array_map('strval', $replace)) ?? $code;
    }
}
