<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;

/** Stores known to the ledger and their last activity; registering them for monitoring. */
final class StoreCommands implements CommandGroup
{
    public function commands(): array
    {
        return [
            new Command(
                name: 'stores',
                synopsis: '',
                minArguments: 0,
                maxArguments: 0,
                summary: 'List stores with their last activity',
                description: "Registered stores and stores seen in the sync log, most recently seen first.\n"
                    . "Register a store with 'cashback stores register ID' so monitoring notices if it never calls.",
                options: [],
                example: 'cashback stores',
                handler: $this->list(...),
            ),
            new Command(
                name: 'stores register',
                synopsis: 'ID [--name=TEXT] [--silence-hours=N]',
                minArguments: 1,
                maxArguments: 1,
                summary: 'Register a store (or update its name and threshold)',
                description: "ID is the store_id its 1C registers send and its API key is bound to.\n"
                    . 'Registering again updates what is given; an omitted name or threshold is kept.',
                options: [
                    Option::value('name', 'TEXT', 'a readable name, e.g. the address'),
                    Option::value('silence-hours', 'N', 'this store\'s own silence threshold for monitor; "default" drops it'),
                ],
                example: 'cashback stores register store-12 --name="Kazan, Baumana 5" --silence-hours=12',
                handler: $this->register(...),
            ),
        ];
    }

    private function list(Invocation $call): int
    {
        $stores = $call->ledger()->storeActivity();
        if ($call->output->json) {
            $call->output->document(['stores' => $stores]);
        } elseif ($stores === []) {
            $call->output->line('No stores yet. Register one with: cashback stores register ID');
        } else {
            $call->output->table(
                ['store', 'name', 'threshold', 'last seen', 'silent for'],
                array_map(fn (array $store) => [
                    $store['store_id'],
                    $store['name'] ?? '',
                    $store['silence_hours'] === null ? 'default' : $store['silence_hours'] . 'h',
                    $store['last_seen_at'] === null ? 'never' : Format::time($store['last_seen_at']),
                    Format::duration($store['silent_for_seconds']),
                ], $stores),
            );
        }
        return ExitCode::OK;
    }

    private function register(Invocation $call): int
    {
        $storeId = (string) $call->argument(0);
        // registerStore() keeps the threshold for null and returns to the default for 0.
        $hours = $call->option('silence-hours') === 'default'
            ? 0
            : $call->intOption('silence-hours', null, 1, 24 * 365 * 10);
        $ledger = $call->ledger();
        $ledger->registerStore($storeId, $call->textOption('name'), $hours);
        $store = $this->find($ledger->storeActivity(), $storeId)
            ?? throw new \LogicException("store $storeId is missing right after registering it");
        if ($call->output->json) {
            $call->output->document($store);
            return ExitCode::OK;
        }
        $name = $store['name'] === null ? '' : " \"{$store['name']}\"";
        $threshold = $store['silence_hours'] === null
            ? 'the default silence threshold'
            : "a silence threshold of {$store['silence_hours']}h";
        $call->output->line("Store {$store['store_id']}$name registered with $threshold.");
        return ExitCode::OK;
    }

    /**
     * @param list<array{store_id: string, name: ?string, silence_hours: ?int}> $stores
     * @return array{store_id: string, name: ?string, silence_hours: ?int}|null
     */
    private function find(array $stores, string $storeId): ?array
    {
        foreach ($stores as $store) {
            if ($store['store_id'] === $storeId) {
                return $store;
            }
        }
        return null;
    }
}
