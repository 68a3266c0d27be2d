<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;
use Cashback\Cli\TimeFilter;
use Cashback\Codes;

/** `log`: the tail of the sync log (every API request and batch item), newest first. */
final class LogCommand implements CommandGroup
{
    private const MAX_LIMIT = 1000;
    private const POLL_SECONDS = 2;
    /** Rows fetched per query while following; more new rows are paged. */
    private const FOLLOW_PAGE = 500;

    public function commands(): array
    {
        return [
            new Command(
                name: 'log',
                synopsis: '[--store=ID] [--status=S] [--external-id=X] [--since=TIME] [--until=TIME] [--limit=50] [--follow]',
                minArguments: 0,
                maxArguments: 0,
                summary: 'Show the sync log, newest first',
                description: "TIME is an " . TimeFilter::help() . ".\n"
                    . "--since is inclusive, --until exclusive. With --follow the rows are printed oldest first,\n"
                    . 'then new rows as they arrive (polled every ' . self::POLL_SECONDS . ' s) until Ctrl+C or --follow-seconds.',
                options: [
                    Option::value('store', 'ID', 'only this store'),
                    Option::value('status', 'S', 'only this status (' . implode(', ', Codes::logStatuses()) . ')'),
                    Option::value('external-id', 'X', 'only this transaction external_id'),
                    Option::value('since', 'TIME', 'from this time on'),
                    Option::value('until', 'TIME', 'before this time'),
                    Option::value('limit', 'N', 'rows to show, 1..' . self::MAX_LIMIT . ' (default: 50)'),
                    Option::flag('follow', 'keep printing new rows (text output only)'),
                    Option::value('follow-seconds', 'N', 'stop following after N seconds'),
                ],
                example: 'cashback log --store=store-1 --status=error --since=-2h',
                handler: $this->log(...),
            ),
        ];
    }

    private function log(Invocation $call): int
    {
        $filter = $this->filter($call);
        $limit = (int) $call->intOption('limit', 50, 1, self::MAX_LIMIT);
        $followSeconds = $call->intOption('follow-seconds', null, 1, PHP_INT_MAX);
        if ($followSeconds !== null && !$call->flag('follow')) {
            throw $call->usageError('--follow-seconds needs --follow');
        }
        if ($call->flag('follow')) {
            if ($call->output->json) {
                throw $call->usageError('--follow prints a live text log; it cannot be combined with --json');
            }
            return $this->follow($call, $filter, $limit, $followSeconds);
        }
        $page = $this->page($call, $filter, $limit, null);
        if ($call->output->json) {
            $call->output->document($page);
        } elseif ($page['items'] === []) {
            $call->output->line('No sync-log rows match.');
        } else {
            $this->table($call, $page['items']);
            if ($page['next_cursor'] !== null) {
                $call->output->line();
                $shown = Format::plural($limit, 'row', 'rows');
                $call->output->line("Showing the newest $shown; narrow the filter or raise --limit for more.");
            }
        }
        return ExitCode::OK;
    }

    /** @return array<string, string|int> The syncLog filter built from the options. */
    private function filter(Invocation $call): array
    {
        $filter = array_filter([
            'store_id' => $call->textOption('store'),
            'status' => $call->textOption('status'),
            'external_id' => $call->textOption('external-id'),
        ], fn (?string $value) => $value !== null);
        foreach (['since' => 'from', 'until' => 'to'] as $option => $key) {
            $text = $call->option($option);
            if ($text === null) {
                continue;
            }
            $filter[$key] = TimeFilter::parse($text, time())
                ?? throw $call->usageError("--$option must be an " . TimeFilter::help() . ", got \"$text\"");
        }
        return $filter;
    }

    /**
     * One page of the log; a time the ledger cannot read is the operator's
     * typo, so it gets the usage hint rather than a ledger error.
     *
     * @param array<string, string|int> $filter
     * @return array{items: list<array>, next_cursor: ?int}
     */
    private function page(Invocation $call, array $filter, int $limit, ?int $cursor): array
    {
        try {
            return $call->ledger()->syncLog($filter, $limit, $cursor);
        } catch (\CashbackException $e) {
            if ($e->getErrorCode() !== 'invalid_argument') {
                throw $e;
            }
            throw $call->usageError('bad --since/--until: ' . $e->getMessage());
        }
    }

    /** @param list<array> $rows */
    private function table(Invocation $call, array $rows): void
    {
        $call->output->table(
            ['id', 'time', 'store', 'client', 'endpoint', 'external id', 'status', 'error', 'ms'],
            array_map(fn (array $row) => [
                (string) $row['id'],
                Format::time($row['at']),
                $row['store_id'] ?? '-',
                $row['client'] ?? '-',
                $row['endpoint'],
                $row['external_id'] ?? '-',
                $row['status'],
                $row['error'] ?? '-',
                (string) $row['duration_ms'],
            ], $rows),
            [0, 8],
        );
    }

    /** @param array<string, string|int> $filter */
    private function follow(Invocation $call, array $filter, int $limit, ?int $seconds): int
    {
        $deadline = $seconds === null ? null : microtime(true) + $seconds;
        // New rows are those above the newest id now, whatever the filter shows;
        // the first page stops at that id so a row arriving meanwhile is printed once.
        $lastId = $this->page($call, [], 1, null)['items'][0]['id'] ?? 0;
        $this->printRows($call, array_reverse($this->page($call, $filter, $limit, $lastId + 1)['items']));
        while ($deadline === null || microtime(true) < $deadline) {
            $pause = $deadline === null ? self::POLL_SECONDS : min(self::POLL_SECONDS, $deadline - microtime(true));
            usleep((int) max(0, $pause * 1_000_000));
            $rows = $this->rowsAfter($call, $filter, $lastId);
            $this->printRows($call, $rows);
            $lastId = $rows === [] ? $lastId : end($rows)['id'];
        }
        return ExitCode::OK;
    }

    /**
     * Matching rows with an id above $lastId, oldest first.
     *
     * @param array<string, string|int> $filter
     * @return list<array>
     */
    private function rowsAfter(Invocation $call, array $filter, int $lastId): array
    {
        $rows = [];
        $cursor = null;
        do {
            $page = $this->page($call, $filter, self::FOLLOW_PAGE, $cursor);
            foreach ($page['items'] as $row) {
                if ($row['id'] <= $lastId) {
                    return array_reverse($rows);
                }
                $rows[] = $row;
            }
            $cursor = $page['next_cursor'];
        } while ($cursor !== null);
        return array_reverse($rows);
    }

    /**
     * Followed rows cannot be aligned as a table (later rows are unknown), so each is one line.
     *
     * @param list<array> $rows
     */
    private function printRows(Invocation $call, array $rows): void
    {
        foreach ($rows as $row) {
            $call->output->line(sprintf(
                '%s  %-12s  %-16s  %-20s  %s%s',
                Format::time($row['at']),
                $row['status'],
                $row['store_id'] ?? '-',
                $row['endpoint'],
                $row['external_id'] ?? '-',
                $row['error'] === null ? '' : "  error={$row['error']}",
            ));
        }
    }
}
