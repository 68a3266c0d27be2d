<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * Everything the dashboard shows, read from the ledger in one place so the
 * views stay pure functions of plain arrays.
 */
final class DashboardData
{
    /**
     * @param list<array<string, mixed>> $logRows syncLog() items, newest first, shortened for display (LogPageReader)
     * @param list<array<string, mixed>> $silentStores silentStores() rows
     * @param list<array<string, mixed>> $stores storeActivity() rows
     * @param ?string $logRefusal The ledger's message when it refused the filter
     */
    public function __construct(
        public readonly array $logRows,
        public readonly ?int $nextCursor,
        public readonly array $silentStores,
        public readonly array $stores,
        public readonly ?string $logRefusal = null,
    ) {
    }

    /**
     * @throws \CashbackException on database faults (the page shows a 503)
     */
    public static function load(\CashbackLedger $ledger, LogQuery $query, int $silenceHours): self
    {
        $refusal = null;
        try {
            $filter = $query->ledgerFilter();
            $reader = new LogPageReader(static fn (?int $cursor, int $limit): array => $ledger->syncLog($filter, $limit, $cursor));
            $page = $reader->page($query->cursor, $query->limit);
        } catch (\CashbackException $e) {
            // A filter the ledger does not accept is the operator's typo, not an outage.
            if ($e->getErrorCode() !== 'invalid_argument') {
                throw $e;
            }
            $page = ['items' => [], 'next_cursor' => null];
            $refusal = $e->getMessage();
        }
        return new self(
            $page['items'],
            $page['next_cursor'],
            $ledger->silentStores(max(1, $silenceHours)),
            $ledger->storeActivity(),
            $refusal,
        );
    }
}
