<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;
use Cashback\Cli\Progress;

/** Checks and upkeep: ledger invariants, sync-log pruning, health, moving a ledger to another database. */
final class MaintenanceCommands implements CommandGroup
{
    /**
     * The sync log is what support reads about last week's requests; a typo
     * such as --days=0 in a cron line must not erase it without a --force.
     */
    private const MIN_PRUNE_DAYS = 7;

    public function commands(): array
    {
        return [
            new Command(
                name: 'verify',
                synopsis: '',
                minArguments: 0,
                maxArguments: 0,
                summary: 'Check every ledger invariant (exit 1 on problems)',
                description: "Checks that each cached balance equals the sum of its entries, that no debit overdrew,\n"
                    . 'and that releases and reversals stay within their originals. Read-only.',
                options: [],
                example: 'cashback verify --json',
                handler: $this->verify(...),
            ),
            new Command(
                name: 'prune',
                synopsis: '[--days=90] [--force]',
                minArguments: 0,
                maxArguments: 0,
                summary: 'Delete sync-log rows older than N days',
                description: "Only the sync log is pruned; ledger entries are kept forever.\n"
                    . 'At least the last ' . self::MIN_PRUNE_DAYS . ' days are kept unless --force is given '
                    . '(--days=0 --force empties the sync log).',
                options: [
                    Option::value('days', 'N', 'keep this many days of the sync log (default: 90)'),
                    Option::flag('force', 'allow --days below ' . self::MIN_PRUNE_DAYS),
                ],
                example: 'cashback prune --days=30',
                handler: $this->prune(...),
            ),
            new Command(
                name: 'health',
                synopsis: '',
                minArguments: 0,
                maxArguments: 0,
                summary: 'Show the version and database status (exit 1 on failure)',
                description: 'Opens the database and checks that it can be read and written.',
                options: [],
                example: 'cashback health --database=/var/lib/cashback/cashback.db',
                handler: $this->health(...),
            ),
            new Command(
                name: 'migrate-storage',
                synopsis: '--to=URL [--from=PATH]',
                minArguments: 0,
                maxArguments: 0,
                summary: 'Copy the whole ledger into another database, then check both agree',
                description: "Copies entries, balances, phones, stores, API keys and the sync log (ids kept) into an\n"
                    . "empty database, a MariaDB/MySQL URL or a new SQLite file, with progress; then reads both\n"
                    . "sides again, compares every table and runs verify on the copy (exit 1 if anything differs).\n"
                    . 'Stop the API (and the site\'s writes) first: a write during the copy makes its table differ.',
                options: [
                    Option::value('to', 'URL', 'the empty database to copy into: mysql://user:password@host:port/database or a file'),
                    Option::value('from', 'PATH', 'the ledger to copy (default: --database, else the config\'s database)'),
                ],
                example: 'cashback migrate-storage --from=/var/lib/cashback/cashback.db --to=mysql://bitrix:secret@127.0.0.1/sitemanager',
                handler: $this->migrateStorage(...),
            ),
        ];
    }

    private function migrateStorage(Invocation $call): int
    {
        $to = $call->textOption('to') ?? throw $call->usageError('--to is required: the database to copy the ledger into');
        $from = $call->textOption('from');
        $source = $from === null ? $call->ledger() : new \CashbackLedger($from, $call->settings()->ledgerOptions());
        $shown = fn (string $database): string => \CashbackLedger::describeDatabase($database)['location'];
        $fromShown = $from === null ? $call->databaseShown() : $shown($from);
        $output = $call->output;
        $output->progress("Copying $fromShown to {$shown($to)}\n");
        $bar = null;
        $current = null;
        $report = $source->migrateTo($to, function (string $table, int $done, int $total) use (&$bar, &$current, $output): void {
            if ($table !== $current) {
                $bar?->finish();
                $output->progress("$table:\n");
                $bar = Progress::start($output, $total);
                $current = $table;
            }
            $bar->update($done);
        });
        $bar?->finish();
        $ok = $report['agrees'] && $report['verify']['ok'];
        if ($output->json) {
            $output->document(['from' => $fromShown, 'to' => $shown($to)] + $report);
        } else {
            $output->table(
                ['table', 'rows', 'copy'],
                array_map(
                    fn (string $table, array $copied) => [$table, Format::count($copied['rows']), $copied['agrees'] ? 'same' : 'DIFFERS'],
                    array_keys($report['tables']),
                    $report['tables'],
                ),
                [1],
            );
            $output->line($report['verify']['ok'] ? 'verify on the copy: OK' : 'verify on the copy found problems: run cashback verify --database=... on it');
            $output->line($ok ? 'Both sides agree.' : 'The copy differs from its source: do not switch to it.');
        }
        return $ok ? ExitCode::OK : ExitCode::FAILURE;
    }

    private function verify(Invocation $call): int
    {
        $report = $call->ledger()->verify();
        $output = $call->output;
        if ($output->json) {
            $output->document($report);
        } else {
            $scope = Format::plural($report['accounts'], 'account', 'accounts') . ', '
                . Format::plural($report['entries'], 'entry', 'entries');
            if ($report['ok']) {
                $output->line("Ledger OK: $scope checked, no problems.");
            } else {
                $problems = Format::plural(count($report['problems']), 'problem', 'problems');
                $output->line("Ledger has $problems ($scope checked):");
                $output->line();
                $output->table(
                    ['check', 'user', 'entry', 'message'],
                    array_map(fn (array $problem) => [
                        $problem['check'],
                        (string) ($problem['user_id'] ?? '-'),
                        (string) ($problem['entry_id'] ?? '-'),
                        $problem['message'],
                    ], $report['problems']),
                );
            }
        }
        return $report['ok'] ? ExitCode::OK : ExitCode::FAILURE;
    }

    private function prune(Invocation $call): int
    {
        $days = (int) $call->intOption('days', 90, 0, 100 * 365);
        if ($days < self::MIN_PRUNE_DAYS && !$call->flag('force')) {
            throw $call->usageError("--days=$days would keep less than " . self::MIN_PRUNE_DAYS
                . ' days of the sync log; add --force if that is meant');
        }
        $deleted = $call->ledger()->pruneSyncLog($days);
        if ($call->output->json) {
            $call->output->document(['days' => $days, 'deleted' => $deleted]);
        } else {
            $call->output->line('Deleted ' . Format::plural($deleted, 'sync-log row', 'sync-log rows') . " older than $days days.");
        }
        return ExitCode::OK;
    }

    /** Reports a database failure itself (exit 1), with the version, instead of the generic ledger error. */
    private function health(Invocation $call): int
    {
        $version = \CashbackLedger::version();
        $path = $call->databaseShown();
        try {
            $database = $call->ledger()->health();
        } catch (\CashbackException $e) {
            return $this->unhealthy($call, $version, $path, $e->getErrorCode(), $e->getMessage());
        }
        if (!$database['writable']) {
            return $this->unhealthy($call, $version, $path, 'database_readonly', 'the database is not writable');
        }
        if ($call->output->json) {
            $call->output->document(['status' => 'ok', 'version' => $version, 'database' => $database]);
        } else {
            $call->output->fields([
                'Version' => "{$version['version']} (commit {$version['commit']}, schema {$version['schema_version']})",
                'Database' => $database['path'],
                'Status' => 'ok: readable and writable, schema ' . $database['schema_version'] . ', '
                    . Format::plural($database['entries'], 'entry', 'entries'),
            ]);
        }
        return ExitCode::OK;
    }

    /** @param array{version: string, commit: string, schema_version: int} $version */
    private function unhealthy(Invocation $call, array $version, string $path, string $code, string $message): int
    {
        if ($call->output->json) {
            $call->output->document([
                'status' => 'failed',
                'version' => $version,
                'database' => ['path' => $path],
                'error' => ['code' => $code, 'message' => $message],
            ]);
        } else {
            $call->output->fields([
                'Version' => "{$version['version']} (commit {$version['commit']}, schema {$version['schema_version']})",
                'Database' => $path,
                'Status' => "FAILED: $code: $message",
            ]);
        }
        $call->output->warn("error: $code: $message");
        return ExitCode::FAILURE;
    }
}
