<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Customer;

/** One phone number found on a user, as written there, with where it came from. */
final class UserPhone
{
    public const PHONE_AUTH = 'PHONE_AUTH';
    public const VERIFIED_FIELD = 'UF_PHONE_VERIFIED';
    public const PERSONAL_MOBILE = 'PERSONAL_MOBILE';
    public const PERSONAL_PHONE = 'PERSONAL_PHONE';

    public function __construct(
        public readonly string $phone,
        public readonly bool $verified,
        public readonly string $origin,
    ) {
    }
}
