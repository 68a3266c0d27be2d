<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * The filtered sync log as CSV for Excel: UTF-8 with a byte-order mark (Excel
 * guesses the ANSI code page without one), ';' between cells (what Excel
 * expects under a Russian locale), CRLF line ends, quotes only where needed
 * (a delimiter, quote, line break or tab inside, or spaces around).
 *
 * The export is complete: values are never cut short (the admin grid cuts
 * them, a spreadsheet is where the full value is wanted). Rows are read from
 * the ledger in small chunks and written line by line, so memory stays flat
 * however long the log and however large its rows (older databases hold
 * 400,000-character external_ids); the export stops at a cap, and says so in
 * a last line, rather than run for minutes.
 *
 * Cells starting with = + - @ (or a tab or CR) get a leading apostrophe:
 * client names and external ids come from outside, and Excel would run such
 * a cell as a formula (CSV injection).
 */
final class CsvExport
{
    public const BOM = "\xEF\xBB\xBF";
    public const DELIMITER = ';';
    public const MAX_ROWS = 100000;
    /** Rows per ledger call: few enough that a chunk of huge rows stays some MB. */
    public const CHUNK = 50;

    /** @param list<string> $header Column titles (SyncLogGrid::columnNames()). */
    public function __construct(
        private readonly array $header,
        private readonly int $maxRows = self::MAX_ROWS,
        private readonly int $chunkSize = self::CHUNK,
    ) {
    }

    /**
     * Writes the whole export to $stream.
     *
     * @param resource $stream
     * @param array<string, string|int> $filter syncLog() filter (SyncLogFilter::$ledgerFilter)
     * @return array{rows: int, truncated: bool}
     * @throws \CashbackException when the ledger fails (what was written stays written)
     */
    public function write($stream, \CashbackLedger $ledger, array $filter): array
    {
        if (!$this->put($stream, self::BOM . self::line($this->header))) {
            return ['rows' => 0, 'truncated' => false];
        }
        $rows = 0;
        $cursor = null;
        do {
            $page = $ledger->syncLog($filter, min($this->chunkSize, $this->maxRows - $rows + 1), $cursor);
            foreach ($page['items'] as $item) {
                if ($rows === $this->maxRows) {
                    $this->put($stream, self::line([
                        Loc::getMessage('RETAILLAB_CASHBACK_CSV_TRUNCATED', ['#ROWS#' => (string) $this->maxRows])
                            ?? 'RETAILLAB_CASHBACK_CSV_TRUNCATED',
                    ]));
                    return ['rows' => $rows, 'truncated' => true];
                }
                if (!$this->put($stream, self::line(self::cells($item)))) {
                    return ['rows' => $rows, 'truncated' => false];
                }
                $rows++;
            }
            // Sent on per chunk, not per line: a flush is a write to the client.
            fflush($stream);
            $cursor = $page['next_cursor'];
            // Freed before the next chunk is read, or two chunks of huge rows would be held at once.
            unset($page);
        } while ($cursor !== null);
        return ['rows' => $rows, 'truncated' => false];
    }

    /** @param array<string, mixed> $item a syncLog() item @return list<string|int|null> */
    public static function cells(array $item): array
    {
        return [
            (int) $item['id'],
            TimeFormat::sortable($item['at']),
            $item['client'] ?? null,
            $item['address'] ?? null,
            $item['store_id'] ?? null,
            (string) $item['endpoint'],
            $item['external_id'] ?? null,
            (string) $item['status'],
            (int) ($item['times'] ?? 1),
            $item['error'] ?? null,
            (int) $item['duration_ms'],
        ];
    }

    /** @param list<string|int|null> $cells One CSV line with its CRLF. */
    public static function line(array $cells): string
    {
        return implode(self::DELIMITER, array_map(self::cell(...), $cells)) . "\r\n";
    }

    /** One cell: numbers as they are; text guarded against formulas, quoted when it must be. */
    public static function cell(string|int|null $value): string
    {
        if ($value === null) {
            return '';
        }
        if (is_int($value)) {
            return (string) $value;
        }
        if ($value !== '' && strpbrk($value[0], "=+-@\t\r") !== false) {
            $value = "'" . $value;
        }
        if ($value !== trim($value) || strpbrk($value, self::DELIMITER . "\"\r\n\t") !== false) {
            $value = '"' . str_replace('"', '""', $value) . '"';
        }
        return $value;
    }

    /** The download's file name, e.g. cashback-sync-log-20261127-101500.csv. */
    public static function fileName(\DateTimeInterface $now): string
    {
        return 'cashback-sync-log-' . $now->format('Ymd-His') . '.csv';
    }

    /** @param resource $stream */
    private function put($stream, string $bytes): bool
    {
        return fwrite($stream, $bytes) === strlen($bytes);
    }
}
