<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Format;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;

/** A customer's balance and history, found by phone or by Bitrix user id. */
final class BalanceCommands implements CommandGroup
{
    private const MAX_HISTORY_PAGE = 1000;

    public function commands(): array
    {
        $userIdOption = Option::value('user-id', 'N', 'the Bitrix user id, instead of PHONE');
        return [
            new Command(
                name: 'balance',
                synopsis: 'PHONE | --user-id=N',
                minArguments: 0,
                maxArguments: 1,
                summary: 'Show a customer\'s cashback balance',
                description: 'PHONE in any usual form (8 900 123-45-67, +7 900 ...); it must belong to one customer.',
                options: [$userIdOption],
                example: "cashback balance '8 900 123-45-67'",
                handler: $this->balance(...),
            ),
            new Command(
                name: 'history',
                synopsis: 'PHONE | --user-id=N [--limit=20] [--cursor=N]',
                minArguments: 0,
                maxArguments: 1,
                summary: 'Show a customer\'s transactions, newest first',
                description: 'AMOUNT is the effect on the balance (a debit is negative). When more entries exist,'
                    . "\nthe output ends with the --cursor value of the next page.",
                options: [
                    $userIdOption,
                    Option::value('limit', 'N', 'entries per page, 1..' . self::MAX_HISTORY_PAGE . ' (default: 20)'),
                    Option::value('cursor', 'N', 'continue after this transaction id (from the previous page)'),
                ],
                example: 'cashback history --user-id=42 --limit=50',
                handler: $this->history(...),
            ),
        ];
    }

    private function balance(Invocation $call): int
    {
        $phone = $this->phone($call);
        $userId = $phone === null ? $this->userId($call) : null;
        $ledger = $call->ledger();
        $balance = $userId === null ? $ledger->balanceByPhone((string) $phone) : $ledger->balance($userId);
        if ($call->output->json) {
            $call->output->document($balance);
            return ExitCode::OK;
        }
        $fields = ['User' => (string) $balance['user_id']];
        if (isset($balance['phone'])) {
            $fields['Phone'] = $balance['phone'];
        }
        $fields['Balance'] = Format::money($balance['balance']);
        $fields['Updated'] = $balance['updated_at'] === null ? 'never (no transactions)' : Format::time($balance['updated_at']);
        $call->output->fields($fields);
        return ExitCode::OK;
    }

    private function history(Invocation $call): int
    {
        $phone = $this->phone($call);
        $limit = (int) $call->intOption('limit', 20, 1, self::MAX_HISTORY_PAGE);
        $cursor = $call->intOption('cursor', null, 1, PHP_INT_MAX);
        $userId = $phone === null ? $this->userId($call) : null;
        $ledger = $call->ledger();
        $userId ??= $ledger->findUserByPhone((string) $phone);
        $page = $ledger->history($userId, $limit, $cursor);
        if ($call->output->json) {
            $call->output->document(['user_id' => $userId, 'items' => $page['items'], 'next_cursor' => $page['next_cursor']]);
            return ExitCode::OK;
        }
        if ($page['items'] === []) {
            $call->output->line($cursor === null ? "User $userId has no transactions." : 'No more transactions.');
            return ExitCode::OK;
        }
        $call->output->table(
            ['id', 'created', 'type', 'amount', 'store', 'external id', 'description'],
            array_map(fn (array $entry) => [
                (string) $entry['transaction_id'],
                Format::time($entry['created_at']),
                $entry['type'],
                Format::money($entry['effect']),
                $entry['store_id'] ?? '-',
                $entry['external_id'],
                $entry['description'] ?? '',
            ], $page['items']),
            [0, 3],
        );
        if ($page['next_cursor'] !== null) {
            $call->output->line();
            $call->output->line("More: cashback history --user-id=$userId --limit=$limit --cursor={$page['next_cursor']}");
        }
        return ExitCode::OK;
    }

    /** The PHONE argument, or null when --user-id is used; exactly one of them is required. */
    private function phone(Invocation $call): ?string
    {
        $phone = $call->argument(0);
        $byId = $call->option('user-id') !== null;
        if (($phone === null) === !$byId) {
            throw $call->usageError($byId ? 'give PHONE or --user-id, not both' : 'give PHONE or --user-id=N');
        }
        return $phone;
    }

    private function userId(Invocation $call): int
    {
        return $call->id((string) $call->option('user-id'), '--user-id');
    }
}
