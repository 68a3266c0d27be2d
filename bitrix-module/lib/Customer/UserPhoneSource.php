<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Customer;

/**
 * Reads every phone a user has, fresh, by user ID. OnAfterUserUpdate carries
 * only the fields that were submitted, so the index is always rebuilt from
 * what this returns, never from the event's fields.
 */
interface UserPhoneSource
{
    /**
     * @return ?list<UserPhone> null when there is no such user; the phones as
     *     stored (not yet normalized), empty fields left out
     */
    public function phonesOf(int $userId): ?array;
}
