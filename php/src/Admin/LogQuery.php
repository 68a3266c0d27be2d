<?php

declare(strict_types=1);

namespace Cashback\Admin;

use Cashback\Codes;

/**
 * The sync-log filter of the dashboard, read from the query string. Invalid
 * values are dropped with a message instead of failing the page, so a bad
 * bookmark still shows the log.
 */
final class LogQuery
{
    public const DEFAULT_LIMIT = 50;
    public const MAX_LIMIT = 500;

    /** What <input type="datetime-local"> sends: minutes, optionally seconds. */
    private const LOCAL_TIME = '/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/';

    /** @param list<string> $problems Label keys with their arguments, for the notice above the log. */
    private function __construct(
        public readonly string $store,
        public readonly string $status,
        public readonly string $from,
        public readonly string $to,
        public readonly string $externalId,
        public readonly int $limit,
        public readonly ?int $cursor,
        public readonly array $problems,
    ) {
    }

    /** @return list<string> The statuses a sync-log row can have (the vocabulary's log statuses), in its order. */
    public static function statuses(): array
    {
        return Codes::logStatuses();
    }

    public static function fromRequest(AdminRequest $request): self
    {
        $problems = [];
        $status = trim($request->query('status'));
        if ($status !== '' && !in_array($status, self::statuses(), true)) {
            $problems[] = ['invalid_status'];
            $status = '';
        }
        $from = self::localTime($request->query('from'));
        if ($from === null) {
            $problems[] = ['invalid_from'];
        }
        $to = self::localTime($request->query('to'));
        if ($to === null) {
            $problems[] = ['invalid_to'];
        }
        $limit = self::limit($request->query('limit'));
        if ($limit === null) {
            $limit = self::DEFAULT_LIMIT;
            $problems[] = ['invalid_limit', self::MAX_LIMIT, $limit];
        }
        $cursorText = $request->query('cursor');
        $cursor = null;
        if ($cursorText !== '') {
            if (preg_match('/^[1-9][0-9]{0,17}$/', $cursorText) === 1) {
                $cursor = (int) $cursorText;
            } else {
                $problems[] = ['invalid_cursor'];
            }
        }
        return new self(
            trim($request->query('store')),
            $status,
            $from ?? '',
            $to ?? '',
            trim($request->query('external_id')),
            $limit,
            $cursor,
            $problems,
        );
    }

    /**
     * The filter for CashbackLedger::syncLog(). Times go without an offset:
     * the ledger reads them in its own zone (Europe/Moscow by default), the
     * zone the operator thinks in and the log shows.
     */
    public function ledgerFilter(): array
    {
        $filter = [
            'store_id' => $this->store,
            'status' => $this->status,
            'external_id' => $this->externalId,
            'from' => $this->from === '' ? '' : self::withSeconds($this->from),
            'to' => $this->to === '' ? '' : self::withSeconds($this->to),
        ];
        return array_filter($filter, static fn (string $value): bool => $value !== '');
    }

    /**
     * Query parameters that reproduce this filter, for paging links.
     *
     * @return array<string, string|int>
     */
    public function linkParams(?int $cursor = null): array
    {
        $params = [
            'store' => $this->store,
            'status' => $this->status,
            'from' => $this->from,
            'to' => $this->to,
            'external_id' => $this->externalId,
        ];
        if ($this->limit !== self::DEFAULT_LIMIT) {
            $params['limit'] = $this->limit;
        }
        if ($cursor !== null) {
            $params['cursor'] = $cursor;
        }
        return $params;
    }

    /** A valid local time as sent by the form, '' when absent, null when malformed. */
    private static function localTime(string $text): ?string
    {
        $text = trim($text);
        if ($text === '') {
            return '';
        }
        if (preg_match(self::LOCAL_TIME, $text, $m) !== 1) {
            return null;
        }
        [$year, $month, $day, $hour, $minute] = array_map('intval', array_slice($m, 1, 5));
        $second = (int) ($m[6] ?? 0);
        $valid = $year >= 1970 && checkdate($month, $day, $year) && $hour < 24 && $minute < 60 && $second < 60;
        return $valid ? $text : null;
    }

    private static function withSeconds(string $localTime): string
    {
        return strlen($localTime) === 16 ? $localTime . ':00' : $localTime;
    }

    private static function limit(string $text): ?int
    {
        if ($text === '') {
            return self::DEFAULT_LIMIT;
        }
        if (preg_match('/^[0-9]{1,6}$/', $text) !== 1) {
            return null;
        }
        $limit = (int) $text;
        return $limit >= 1 && $limit <= self::MAX_LIMIT ? $limit : null;
    }
}
