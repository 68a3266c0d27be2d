<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\PhoneCsv;
use Cashback\Cli\Progress;

/**
 * `users import`: a CSV of phone links into the ledger, in chunks so a file
 * of a million rows neither holds one huge transaction nor goes silent.
 */
final class PhoneImport
{
    /** Rows per importPhones() call: one commit each, and one progress step. */
    public const CHUNK_ROWS = 5000;

    /** Rejected rows shown in the text report; --json lists all of them. */
    private const SHOWN_REJECTIONS = 10;

    /** @var list<array{line: int, error: string}> */
    private array $rejected = [];
    private int $imported = 0;
    private int $done = 0;

    private function __construct(private readonly Invocation $call, private readonly string $file)
    {
    }

    /** The command handler: one importer per run, so its counters start at zero. */
    public static function command(Invocation $call): int
    {
        return (new self($call, (string) $call->argument(0)))->run();
    }

    private function run(): int
    {
        $csv = PhoneCsv::open($this->file, $this->delimiter());
        $ledger = $this->call->ledger();
        $progress = Progress::start($this->call->output, $csv->rowCount());
        $chunk = [];
        foreach ($csv->rows() as $line => $row) {
            if (is_string($row)) {
                $this->rejected[] = ['line' => $line, 'error' => $row];
                $this->done++;
                continue;
            }
            $chunk[$line] = $row;
            if (count($chunk) === self::CHUNK_ROWS) {
                $this->importChunk($ledger, $chunk);
                $progress->update($this->done);
                $chunk = [];
            }
        }
        $this->importChunk($ledger, $chunk);
        $progress->update($this->done);
        $progress->finish();
        usort($this->rejected, fn (array $a, array $b) => $a['line'] <=> $b['line']);
        $this->report();
        return $this->rejected === [] ? ExitCode::OK : ExitCode::DATA_ERROR;
    }

    /** @param array<int, array{user_id: string, phone: string, verified: bool}> $chunk Rows by line number. */
    private function importChunk(\CashbackLedger $ledger, array $chunk): void
    {
        if ($chunk === []) {
            return;
        }
        $lines = array_keys($chunk);
        $result = $ledger->importPhones(array_values($chunk));
        $this->imported += $result['imported'];
        foreach ($result['rejected'] as $rejection) {
            $this->rejected[] = ['line' => $lines[$rejection['row']], 'error' => $rejection['error']];
        }
        $this->done += count($chunk);
    }

    private function report(): void
    {
        $output = $this->call->output;
        $file = $this->file;
        if ($output->json) {
            $output->document([
                'file' => $file,
                'rows' => $this->done,
                'imported' => $this->imported,
                'rejected_count' => count($this->rejected),
                'rejected' => $this->rejected,
            ]);
            return;
        }
        $output->line(sprintf(
            'Imported %s of %s from %s; %s rejected.',
            Format::count($this->imported),
            Format::plural($this->done, 'row', 'rows'),
            $file,
            Format::count(count($this->rejected)),
        ));
        if ($this->rejected === []) {
            return;
        }
        $shown = array_slice($this->rejected, 0, self::SHOWN_REJECTIONS);
        $output->line(count($shown) < count($this->rejected)
            ? sprintf('First %d rejected rows (--json lists all):', count($shown))
            : 'Rejected rows:');
        foreach ($shown as $rejection) {
            $output->line("  line {$rejection['line']}: {$rejection['error']}");
        }
    }

    private function delimiter(): string
    {
        $delimiter = $this->call->option('delimiter') ?? ',';
        if ($delimiter === 'tab' || $delimiter === '\t') {
            return "\t";
        }
        if (strlen($delimiter) !== 1 || $delimiter === '"') {
            throw $this->call->usageError("--delimiter must be one character or \"tab\", got \"$delimiter\"");
        }
        return $delimiter;
    }
}
