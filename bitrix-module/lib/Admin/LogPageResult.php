<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

/** One page of the sync log, as CursorPager found it. */
final class LogPageResult
{
    /** @param list<array<string, mixed>> $items */
    public function __construct(
        public readonly array $items,
        public readonly int $page,
        public readonly int $pageSize,
        public readonly bool $hasMore,
    ) {
    }

    public function offset(): int
    {
        return ($this->page - 1) * $this->pageSize;
    }

    /**
     * The record count to give PageNavigation. The ledger pages by cursor and
     * never counts, so when an older page exists this claims one row more than
     * full pages up to this one hold (a page cut short by its byte budget
     * included): the pager then offers the pages up to the next one.
     */
    public function recordCountHint(): int
    {
        return $this->hasMore ? $this->page * $this->pageSize + 1 : $this->offset() + count($this->items);
    }
}
