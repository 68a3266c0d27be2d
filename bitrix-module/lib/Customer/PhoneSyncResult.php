<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Customer;

/** What PhoneSync::sync() did for one user (the reindex page can count these). */
final class PhoneSyncResult
{
    /**
     * @param bool $userFound false: the user is gone and their phones were unlinked
     * @param list<array{phone: string, verified: bool}> $phones the user's phones in the index now
     * @param list<array{origin: string, phone: string, error: string}> $skipped
     *     numbers that could not be normalized (phone masked)
     * @param int $unlinked phones removed because the user no longer exists
     */
    public function __construct(
        public readonly int $userId,
        public readonly bool $userFound,
        public readonly array $phones,
        public readonly array $skipped = [],
        public readonly int $unlinked = 0,
    ) {
    }
}
