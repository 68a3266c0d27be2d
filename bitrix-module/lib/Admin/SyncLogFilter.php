<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;
use Cashback\Codes;

Loc::loadMessages(__FILE__);

/**
 * The sync-log filter: what main.ui.filter holds (Filter\Options::getFilter())
 * turned into CashbackLedger::syncLog()'s filter. A value that cannot be used
 * is dropped with a message instead of failing the page, so a stale saved
 * filter still shows the log.
 */
final class SyncLogFilter
{
    /**
     * @return list<string> The statuses a sync-log row can have (the vocabulary's log statuses,
     *     CashbackLedger::codes()); none while the extension is missing, as the page then has no log.
     */
    public static function statuses(): array
    {
        return Codes::logStatuses();
    }

    /**
     * @param array<string, string|int> $ledgerFilter
     * @param list<string> $problems Plain-text messages (escape before printing).
     */
    private function __construct(public readonly array $ledgerFilter, public readonly array $problems)
    {
    }

    /**
     * @param array<string, mixed> $values Filter values: STORE_ID, STATUS, EXTERNAL_ID, FIND (the search
     *     box, read as an external_id), AT_from and AT_to (a date range; "to" is inclusive).
     * @param (callable(string): ?int)|null $toTimestamp Reads a user-entered time as Unix seconds, null
     *     when it cannot; the page passes Bitrix's user-time conversion. Default: self::timestamp().
     */
    public static function fromFilterValues(array $values, ?callable $toTimestamp = null): self
    {
        $toTimestamp ??= self::timestamp(...);
        $filter = [];
        $problems = [];

        $store = self::text($values['STORE_ID'] ?? null);
        if ($store !== '') {
            if (mb_strlen($store) > 64 || preg_match('/[\x00-\x1F\x7F]/', $store) === 1) {
                $problems[] = self::message('RETAILLAB_CASHBACK_FILTER_BAD_STORE');
            } else {
                $filter['store_id'] = $store;
            }
        }

        $status = self::text($values['STATUS'] ?? null);
        if ($status !== '') {
            if (in_array($status, self::statuses(), true)) {
                $filter['status'] = $status;
            } else {
                $problems[] = self::message('RETAILLAB_CASHBACK_FILTER_BAD_STATUS');
            }
        }

        $externalId = self::text($values['EXTERNAL_ID'] ?? null);
        if ($externalId === '') {
            $externalId = self::text($values['FIND'] ?? null);
        }
        if ($externalId !== '') {
            if (mb_strlen($externalId) > 128 || preg_match('/[\x00-\x1F\x7F]/', $externalId) === 1) {
                $problems[] = self::message('RETAILLAB_CASHBACK_FILTER_BAD_EXTERNAL_ID');
            } else {
                $filter['external_id'] = $externalId;
            }
        }

        foreach (['from' => 'AT_from', 'to' => 'AT_to'] as $bound => $key) {
            $text = self::text($values[$key] ?? null);
            if ($text === '') {
                continue;
            }
            $seconds = $toTimestamp($text);
            if ($seconds === null) {
                $problems[] = self::message($bound === 'from' ? 'RETAILLAB_CASHBACK_FILTER_BAD_FROM' : 'RETAILLAB_CASHBACK_FILTER_BAD_TO');
                continue;
            }
            // The ledger's "to" is exclusive; the filter's is inclusive to the precision it was given in.
            $filter[$bound] = $bound === 'from' ? $seconds : $seconds + self::precision($text);
        }
        if (isset($filter['from'], $filter['to']) && $filter['from'] >= $filter['to']) {
            $problems[] = self::message('RETAILLAB_CASHBACK_FILTER_EMPTY_RANGE');
        }

        return new self($filter, $problems);
    }

    /** Identifies the filter, so paging state is kept per filter. */
    public function key(): string
    {
        $filter = $this->ledgerFilter;
        ksort($filter);
        return sha1(json_encode($filter, JSON_THROW_ON_ERROR));
    }

    /**
     * A time as typed or as main.ui.filter sends it ("27.11.2026 23:59:59", "27.11.2026",
     * "2026-11-27 10:15", "2026-11-27T10:15:00+03:00"), in PHP's zone unless it names one.
     */
    public static function timestamp(string $text): ?int
    {
        $text = trim($text);
        foreach (['d.m.Y H:i:s', 'd.m.Y H:i', 'd.m.Y', 'Y-m-d H:i:s', 'Y-m-d H:i', 'Y-m-d', 'Y-m-d\TH:i:s', 'Y-m-d\TH:i', 'Y-m-d\TH:i:sP', 'Y-m-d\TH:iP'] as $format) {
            $time = \DateTimeImmutable::createFromFormat('!' . $format, $text);
            if ($time !== false && $time->format($format) === $text) {
                return $time->getTimestamp();
            }
        }
        return null;
    }

    /** Seconds one step of the text's precision lasts: a day, a minute or a second. */
    private static function precision(string $text): int
    {
        $clock = preg_match('/\d{1,2}:\d{2}(:\d{2})?/', $text, $m) === 1 ? $m : null;
        if ($clock === null) {
            return 86400;
        }
        return isset($clock[1]) ? 1 : 60;
    }

    private static function text(mixed $value): string
    {
        if (is_array($value)) {
            $value = reset($value);
        }
        return is_scalar($value) ? trim((string) $value) : '';
    }

    private static function message(string $code): string
    {
        return Loc::getMessage($code) ?? $code;
    }
}
