<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * One page of the sync log for display, bounded by bytes as well as rows.
 *
 * A log row can be huge (older databases hold a rejected item's 400,000-
 * character external_id, and client or error text is not capped), so a page
 * of 500 such rows would exhaust a worker's memory before it is shown. The
 * rows are therefore read in small chunks, every text value is cut to
 * MAX_CHARS characters (an ellipsis marks the cut; the full value is for the
 * CSV export, not the screen), and the page ends once the escaped text of its
 * rows passes the byte budget. The next page starts after the last row kept,
 * so paging never skips or repeats a row.
 *
 * Shared by the standalone admin page and the Bitrix module's log grid.
 */
final class LogPageReader
{
    public const MAX_CHARS = 128;
    public const BUDGET_BYTES = 512 * 1024;
    /** Rows per ledger call: what one call may hold in memory at full size. */
    public const CHUNK_ROWS = 25;
    private const ELLIPSIS = '…';

    /** @var \Closure(?int $cursor, int $limit): array{items: list<array<string, mixed>>, next_cursor: ?int} */
    private readonly \Closure $fetch;

    /** @param callable(?int $cursor, int $limit): array{items: list<array<string, mixed>>, next_cursor: ?int} $fetch syncLog() with its filter */
    public function __construct(
        callable $fetch,
        private readonly int $budgetBytes = self::BUDGET_BYTES,
        private readonly int $chunkRows = self::CHUNK_ROWS,
    ) {
        $this->fetch = $fetch(...);
    }

    /**
     * Like syncLog(): rows newest first from $cursor, and the cursor of the next page
     * (the id of the last row kept) when more rows follow. The first row is always
     * kept, so every page moves on.
     *
     * @param int $limit At least 1.
     * @return array{items: list<array<string, mixed>>, next_cursor: ?int}
     */
    public function page(?int $cursor, int $limit): array
    {
        $items = [];
        $bytes = 0;
        do {
            $chunk = ($this->fetch)($cursor, min($this->chunkRows, $limit - count($items)));
            foreach ($chunk['items'] as $item) {
                if ($this->isFull(count($items), $bytes, $limit)) {
                    // Rows of this chunk remain: the next page starts after the last one kept.
                    return ['items' => $items, 'next_cursor' => (int) $items[count($items) - 1]['id']];
                }
                $shown = self::shortened($item);
                $bytes += self::displayedBytes($shown);
                $items[] = $shown;
            }
            $cursor = $chunk['next_cursor'];
        } while ($cursor !== null && !$this->isFull(count($items), $bytes, $limit));
        return ['items' => $items, 'next_cursor' => $cursor];
    }

    /** A text cut to MAX_CHARS characters, with an ellipsis when something was cut. */
    private static function shortText(string $text): string
    {
        // Bytes first: most values are short, and counting characters of a huge one is wasted.
        if (strlen($text) <= self::MAX_CHARS || mb_strlen($text, 'UTF-8') <= self::MAX_CHARS) {
            return $text;
        }
        return mb_substr($text, 0, self::MAX_CHARS, 'UTF-8') . self::ELLIPSIS;
    }

    private function isFull(int $rows, int $bytes, int $limit): bool
    {
        return $rows >= $limit || $bytes >= $this->budgetBytes;
    }

    /**
     * @param array<string, mixed> $item
     * @return array<string, mixed>
     */
    private static function shortened(array $item): array
    {
        return array_map(static fn (mixed $value): mixed => is_string($value) ? self::shortText($value) : $value, $item);
    }

    /** What the row's values weigh on the page, escaped as the views print them. @param array<string, mixed> $item */
    private static function displayedBytes(array $item): int
    {
        $bytes = 0;
        foreach ($item as $value) {
            $bytes += is_string($value) ? strlen(Html::e($value)) : 0;
        }
        return $bytes;
    }
}
