<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;
use Cashback\Cli\ExitCode;
use Cashback\Cli\Invocation;
use Cashback\Cli\Option;

/** Phone links of customers: link, unlink, list, and bulk import from CSV. */
final class UserCommands implements CommandGroup
{
    public function commands(): array
    {
        return [
            new Command(
                name: 'users link',
                synopsis: 'USER_ID PHONE [--verified]',
                minArguments: 2,
                maxArguments: 2,
                summary: 'Link a phone to a Bitrix user',
                description: "PHONE is normalized as the ledger does (8 900 123-45-67 -> 79001234567).\n"
                    . 'A phone with several owners belongs to its single verified owner.',
                options: [Option::flag('verified', 'the user confirmed the phone (e.g. by SMS)')],
                example: "cashback users link 42 '+7 (900) 123-45-67' --verified",
                handler: $this->link(...),
            ),
            new Command(
                name: 'users unlink',
                synopsis: 'USER_ID',
                minArguments: 1,
                maxArguments: 1,
                summary: 'Remove every phone of a user',
                description: 'The balance and history stay; only the phone links are removed.',
                options: [],
                example: 'cashback users unlink 42',
                handler: $this->unlink(...),
            ),
            new Command(
                name: 'users phones',
                synopsis: 'USER_ID',
                minArguments: 1,
                maxArguments: 1,
                summary: 'List the phones of a user',
                description: '',
                options: [],
                example: 'cashback users phones 42',
                handler: $this->phones(...),
            ),
            new Command(
                name: 'users import',
                synopsis: 'FILE.csv [--delimiter=,]',
                minArguments: 1,
                maxArguments: 1,
                summary: 'Import phone links from a CSV file',
                description: "The first line is the header user_id,phone[,verified]; verified is 1/0/Y/N/true/false\n"
                    . '(empty means not verified). Rows are imported in chunks of ' . PhoneImport::CHUNK_ROWS
                    . "; progress goes to stderr.\n"
                    . "Good rows are imported even when others are rejected; the exit status is then 65.\n"
                    . 'Importing the same file again is harmless.',
                options: [Option::value('delimiter', 'CHAR', 'field separator: one character, or "tab" (default: ,)')],
                example: 'cashback users import phones.csv --delimiter=";"',
                handler: PhoneImport::command(...),
            ),
        ];
    }

    private function link(Invocation $call): int
    {
        $userId = $call->id((string) $call->argument(0), 'USER_ID');
        $phone = $call->ledger()->linkPhone($userId, (string) $call->argument(1), $call->flag('verified'));
        // Linking never downgrades a phone the user already verified, so report the stored state.
        $verified = $this->isVerified($call->ledger()->userPhones($userId), $phone);
        if ($call->output->json) {
            $call->output->document(['user_id' => $userId, 'phone' => $phone, 'verified' => $verified]);
        } else {
            $call->output->line("Linked $phone to user $userId" . ($verified ? ' (verified).' : ' (not verified).'));
        }
        return ExitCode::OK;
    }

    private function unlink(Invocation $call): int
    {
        $userId = $call->id((string) $call->argument(0), 'USER_ID');
        $removed = $call->ledger()->unlinkUser($userId);
        if ($call->output->json) {
            $call->output->document(['user_id' => $userId, 'removed' => $removed]);
        } else {
            $call->output->line($removed === 0 ? "User $userId had no phones." : "Removed $removed phone(s) of user $userId.");
        }
        return ExitCode::OK;
    }

    private function phones(Invocation $call): int
    {
        $userId = $call->id((string) $call->argument(0), 'USER_ID');
        $phones = $call->ledger()->userPhones($userId);
        if ($call->output->json) {
            $call->output->document(['user_id' => $userId, 'phones' => $phones]);
        } elseif ($phones === []) {
            $call->output->line("User $userId has no phones.");
        } else {
            $call->output->table(
                ['phone', 'verified'],
                array_map(fn (array $p) => [$p['phone'], $p['verified'] ? 'yes' : 'no'], $phones),
            );
        }
        return ExitCode::OK;
    }

    /** @param list<array{phone: string, verified: bool}> $phones */
    private function isVerified(array $phones, string $phone): bool
    {
        foreach ($phones as $link) {
            if ($link['phone'] === $phone) {
                return $link['verified'];
            }
        }
        return false;
    }
}
