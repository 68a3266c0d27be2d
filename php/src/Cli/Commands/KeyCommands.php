<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;

/** API keys of 1C registers and the shop: create, list, revoke. */
final class KeyCommands implements CommandGroup
{
    private const SHOWN_ONCE = 'Store this key now: it is shown only once and cannot be shown again.';

    public function commands(): array
    {
        return [
            new Command(
                name: 'keys create',
                synopsis: 'NAME [--store=ID]',
                minArguments: 1,
                maxArguments: 1,
                summary: 'Create an API key; its secret is printed once',
                description: "NAME identifies the client in the sync log (1..64 characters).\n"
                    . "The ledger keeps only a hash: the secret cannot be shown again; revoke and recreate a lost key.",
                options: [Option::value('store', 'ID', 'the store this key\'s requests count as activity of (store monitoring)')],
                example: 'cashback keys create "Tverskaya 1, register 2" --store=store-1',
                handler: $this->create(...),
            ),
            new Command(
                name: 'keys list',
                synopsis: '',
                minArguments: 0,
                maxArguments: 0,
                summary: 'List API keys (never their secrets)',
                description: 'Shows each key\'s public prefix, store, creation time and whether it is revoked.',
                options: [],
                example: 'cashback keys list --json',
                handler: $this->list(...),
            ),
            new Command(
                name: 'keys revoke',
                synopsis: 'ID',
                minArguments: 1,
                maxArguments: 1,
                summary: 'Revoke an API key at once',
                description: 'Requests with the key are refused from now on. Revoking a revoked key changes nothing.',
                options: [],
                example: 'cashback keys revoke 3',
                handler: $this->revoke(...),
            ),
        ];
    }

    private function create(Invocation $call): int
    {
        $key = $call->ledger()->createApiKey((string) $call->argument(0), $call->textOption('store'));
        $call->output->warn(self::SHOWN_ONCE);
        if ($call->output->json) {
            $call->output->document($key);
            return ExitCode::OK;
        }
        $store = $key['store_id'] === null ? '' : " for store {$key['store_id']}";
        $call->output->line("Created API key {$key['id']} \"{$key['name']}\"$store:");
        $call->output->line();
        $call->output->line('  ' . $key['key']);
        $call->output->line();
        return ExitCode::OK;
    }

    private function list(Invocation $call): int
    {
        $keys = $call->ledger()->listApiKeys();
        if ($call->output->json) {
            $call->output->document(['keys' => $keys]);
        } elseif ($keys === []) {
            $call->output->line('No API keys. Create one with: cashback keys create NAME');
        } else {
            $call->output->table(
                ['id', 'name', 'store', 'prefix', 'created', 'status'],
                array_map(fn (array $key) => [
                    (string) $key['id'],
                    $key['name'],
                    $key['store_id'] ?? '-',
                    $key['prefix'],
                    Format::time($key['created_at']),
                    $key['active'] ? 'active' : 'revoked ' . Format::time($key['revoked_at']),
                ], $keys),
                [0],
            );
        }
        return ExitCode::OK;
    }

    private function revoke(Invocation $call): int
    {
        $id = $call->id((string) $call->argument(0), 'ID');
        $revokedNow = $call->ledger()->revokeApiKey($id);
        if ($call->output->json) {
            $call->output->document(['id' => $id, 'revoked' => true, 'already_revoked' => !$revokedNow]);
        } else {
            $call->output->line($revokedNow ? "API key $id revoked." : "API key $id was already revoked.");
        }
        return ExitCode::OK;
    }
}
