<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Cashback\Admin\LogPageReader;

/**
 * Numbered pages over the ledger's cursor paging.
 *
 * syncLog() pages by cursor (rows older than an id), newest first, and has no
 * offset or count. The pager remembers, per filter and page size, the cursor
 * each page starts at: page 1 starts at null, page n+1 at page n's
 * next_cursor. Going back is a lookup; going forward to a page not seen yet
 * walks the pages in between (at most MAX_WALK, cheap keyset queries).
 *
 * New rows arrive at the top, so page 1 refetched may end at a different id
 * than before; the remembered cursors after a page that now ends elsewhere
 * are dropped, so the pages always follow on from each other without gaps.
 * The state is a small array the page keeps in the session.
 *
 * A page also ends at a byte budget, with long values cut short (the shared
 * LogPageReader): a log of huge rows must not take the worker's memory. Such
 * a page holds fewer rows than the page size, and the next one starts after
 * its last row, as with any other page.
 */
final class CursorPager
{
    public const MAX_WALK = 50;
    public const MAX_PAGES = 2000;

    private string $key;

    /** @var array<int, int> page number (>= 2) => cursor it starts at */
    private array $cursors;

    /** @param array{key?: string, cursors?: array<int, int>} $state what state() returned last time */
    public function __construct(array $state = [])
    {
        $this->key = is_string($state['key'] ?? null) ? $state['key'] : '';
        $this->cursors = [];
        foreach ((array) ($state['cursors'] ?? []) as $page => $cursor) {
            if ((int) $page >= 2 && is_int($cursor)) {
                $this->cursors[(int) $page] = $cursor;
            }
        }
    }

    /**
     * @param callable(?int $cursor, int $limit): array{items: list<array>, next_cursor: ?int} $fetch syncLog() with its filter
     * @param string $filterKey Identifies the filter; another filter starts afresh.
     * @param int $page Requested page (1 = newest); past the end, the last page is returned.
     */
    public function page(callable $fetch, string $filterKey, int $page, int $pageSize): LogPageResult
    {
        $key = $filterKey . '/' . $pageSize;
        if ($key !== $this->key) {
            $this->key = $key;
            $this->cursors = [];
        }
        $target = min(max(1, $page), self::MAX_PAGES);

        // Start from the nearest page at or before the target whose cursor is known.
        $current = 1;
        foreach (array_keys($this->cursors) as $known) {
            if ($known <= $target && $known > $current) {
                $current = $known;
            }
        }
        $target = min($target, $current + self::MAX_WALK);

        $reader = new LogPageReader($fetch);
        while (true) {
            $result = $reader->page($current === 1 ? null : $this->cursors[$current], $pageSize);
            $next = $result['next_cursor'] ?? null;
            $this->remember($current, $next === null ? null : (int) $next);
            if ($current >= $target || $next === null) {
                return new LogPageResult($result['items'], $current, $pageSize, $next !== null);
            }
            $current++;
        }
    }

    /** @return array{key: string, cursors: array<int, int>} */
    public function state(): array
    {
        return ['key' => $this->key, 'cursors' => $this->cursors];
    }

    /** Records where the page after $page starts, dropping what no longer follows on. */
    private function remember(int $page, ?int $next): void
    {
        $known = $this->cursors[$page + 1] ?? null;
        if ($known === $next && $next !== null) {
            return;
        }
        foreach (array_keys($this->cursors) as $later) {
            if ($later > $page) {
                unset($this->cursors[$later]);
            }
        }
        if ($next !== null && $page + 1 <= self::MAX_PAGES) {
            $this->cursors[$page + 1] = $next;
        }
    }
}
