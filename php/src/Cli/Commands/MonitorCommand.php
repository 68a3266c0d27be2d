<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;

/**
 * `monitor`: stores that stopped talking to the ledger, as a Nagios-style
 * check. The first line is the plugin summary and the exit status is 2
 * (CRITICAL) when any store is silent, so cron and Nagios need no parsing.
 */
final class MonitorCommand implements CommandGroup
{
    public function commands(): array
    {
        return [
            new Command(
                name: 'monitor',
                synopsis: '[--hours=N]',
                minArguments: 0,
                maxArguments: 0,
                summary: 'Check for silent stores (exit 2 when any is silent)',
                description: "A store is silent when no request came from it for N hours (its own threshold from\n"
                    . "'stores register --silence-hours' wins); a store never seen counts from its registration.\n"
                    . 'Prints "CASHBACK OK - ..." or "CASHBACK CRITICAL - ..." first; exit 0 (OK) or 2 (CRITICAL).',
                options: [Option::value('hours', 'N', 'silence threshold in hours (default: setting silence_hours)')],
                example: 'cashback monitor --hours=6 || mail -s "cashback: silent stores" ops@example.com',
                handler: $this->monitor(...),
            ),
        ];
    }

    private function monitor(Invocation $call): int
    {
        $hours = $call->intOption('hours', null, 1, 24 * 365 * 10) ?? $call->settings()->int('silence_hours');
        $ledger = $call->ledger();
        $silent = $ledger->silentStores($hours);
        $stores = count($ledger->storeActivity());
        $summary = $this->summary($stores, $silent);
        if ($call->output->json) {
            $call->output->document([
                'status' => $silent === [] ? 'OK' : 'CRITICAL',
                'summary' => $summary,
                'hours' => $hours,
                'stores' => $stores,
                'silent' => $silent,
            ]);
        } else {
            $call->output->line($summary);
            if ($silent !== []) {
                $call->output->line();
                $call->output->table(
                    ['store', 'name', 'last seen', 'silent for', 'threshold'],
                    array_map(fn (array $store) => [
                        $store['store_id'],
                        $store['name'] ?? '',
                        $store['last_seen_at'] === null ? 'never' : Format::time($store['last_seen_at']),
                        Format::duration($store['silent_for_seconds']),
                        ($store['silence_hours'] ?? $hours) . 'h',
                    ], $silent),
                );
            }
        }
        return $silent === [] ? ExitCode::OK : ExitCode::CRITICAL;
    }

    /** @param list<array{store_id: string, last_seen_at: ?string, silent_for_seconds: int}> $silent */
    private function summary(int $stores, array $silent): string
    {
        if ($silent === []) {
            return 'CASHBACK OK - ' . Format::plural($stores, 'store', 'stores') . ' active';
        }
        $names = array_map(
            fn (array $store) => $store['store_id'] . ' ('
                . ($store['last_seen_at'] === null ? 'never seen' : 'silent ' . Format::duration($store['silent_for_seconds'])) . ')',
            $silent,
        );
        return 'CASHBACK CRITICAL - ' . count($silent) . ' silent store(s): ' . implode(', ', $names);
    }
}
