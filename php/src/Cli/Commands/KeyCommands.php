<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;

/** API keys of 1C registers and the shop: create, list, limit to networks, revoke. */
final class KeyCommands implements CommandGroup
{
    private const SHOWN_ONCE = 'Store this key now: it is shown only once and cannot be shown again.';

    public function commands(): array
    {
        return [
            new Command(
                name: 'keys create',
                synopsis: 'NAME [--store=ID] [--networks=CIDR,...]',
                minArguments: 1,
                maxArguments: 1,
                summary: 'Create an API key; its secret is printed once',
                description: "NAME identifies the client in the sync log (1..64 characters).\n"
                    . "The ledger keeps only a hash: the secret cannot be shown again; revoke and recreate a lost key.",
                options: [
                    Option::value('store', 'ID', 'the store this key\'s requests count as activity of (store monitoring)'),
                    Option::value('networks', 'CIDR,...', 'accept the key only from these networks, e.g. 10.1.0.0/16,2001:db8::/32'),
                ],
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
                name: 'keys networks',
                synopsis: 'ID [CIDR...]',
                minArguments: 1,
                maxArguments: 64,
                summary: 'Limit an API key to source networks (none: any address)',
                description: 'Requests with the key from other addresses get 403 forbidden_network. '
                    . 'Without CIDR blocks the key is accepted from any address again.',
                options: [],
                example: 'cashback keys networks 3 10.1.0.0/16 192.0.2.10',
                handler: $this->networks(...),
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
        $networks = array_values(array_filter(array_map('trim', explode(',', (string) $call->textOption('networks')))));
        $key = $call->ledger()->createApiKey((string) $call->argument(0), $call->textOption('store'), $networks);
        $call->output->warn(self::SHOWN_ONCE);
        if ($call->output->json) {
            $call->output->document($key);
            return ExitCode::OK;
        }
        $store = $key['store_id'] === null ? '' : " for store {$key['store_id']}";
        $from = $key['allowed_networks'] === [] ? '' : ' (only from ' . implode(', ', $key['allowed_networks']) . ')';
        $call->output->line("Created API key {$key['id']} \"{$key['name']}\"$store$from:");
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
                ['id', 'name', 'store', 'prefix', 'networks', 'created', 'status'],
                array_map(fn (array $key) => [
                    (string) $key['id'],
                    $key['name'],
                    $key['store_id'] ?? '-',
                    $key['prefix'],
                    $key['allowed_networks'] === [] ? 'any' : implode(',', $key['allowed_networks']),
                    Format::time($key['created_at']),
                    $key['active'] ? 'active' : 'revoked ' . Format::time($key['revoked_at']),
                ], $keys),
                [0],
            );
        }
        return ExitCode::OK;
    }

    private function networks(Invocation $call): int
    {
        $id = $call->id((string) $call->argument(0), 'ID');
        $networks = array_slice($call->arguments(), 1);
        $call->ledger()->setApiKeyNetworks($id, $networks);
        if ($call->output->json) {
            $call->output->document(['id' => $id, 'allowed_networks' => $networks]);
        } else {
            $call->output->line($networks === []
                ? "API key $id is accepted from any address."
                : "API key $id is accepted only from " . implode(', ', $networks) . '.');
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
