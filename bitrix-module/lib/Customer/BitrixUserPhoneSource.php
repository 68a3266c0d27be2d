<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Customer;

use Bitrix\Main\UserPhoneAuthTable;
use Bitrix\Main\UserTable;

/**
 * The phones of a Bitrix user:
 * - b_user_phone_auth (UserPhoneAuthTable): the phone-registration number,
 *   verified when CONFIRMED = 'Y';
 * - UF_PHONE_VERIFIED: a user field holding a phone confirmed by the shop
 *   (string or multiple), verified;
 * - PERSONAL_MOBILE and PERSONAL_PHONE: typed by the customer or a manager,
 *   unverified; a field may list several numbers separated by , or ;.
 *
 * UserTable is read-only in Bitrix (writes go through CUser), which is all
 * this needs. User fields are selected with 'UF_*' so that a site without
 * UF_PHONE_VERIFIED does not fail on an unknown field.
 */
final class BitrixUserPhoneSource implements UserPhoneSource
{
    public function phonesOf(int $userId): ?array
    {
        $user = UserTable::getList([
            'select' => ['ID', 'PERSONAL_PHONE', 'PERSONAL_MOBILE', 'UF_*'],
            'filter' => ['=ID' => $userId],
            'limit' => 1,
        ])->fetch();
        if (!is_array($user)) {
            return null;
        }

        $phones = [];
        $auth = UserPhoneAuthTable::getRow([
            'select' => ['USER_ID', 'PHONE_NUMBER', 'CONFIRMED'],
            'filter' => ['=USER_ID' => $userId],
        ]);
        if (is_array($auth) && trim((string) ($auth['PHONE_NUMBER'] ?? '')) !== '') {
            $phones[] = new UserPhone((string) $auth['PHONE_NUMBER'], ($auth['CONFIRMED'] ?? 'N') === 'Y', UserPhone::PHONE_AUTH);
        }
        foreach (self::values($user[UserPhone::VERIFIED_FIELD] ?? null) as $phone) {
            $phones[] = new UserPhone($phone, true, UserPhone::VERIFIED_FIELD);
        }
        foreach ([UserPhone::PERSONAL_MOBILE, UserPhone::PERSONAL_PHONE] as $field) {
            foreach (self::values($user[$field] ?? null) as $phone) {
                $phones[] = new UserPhone($phone, false, $field);
            }
        }
        return $phones;
    }

    /**
     * A field's phones: a multiple field gives an array, a text field may hold
     * "8 900 111-22-33, 8 900 444-55-66".
     *
     * @return list<string>
     */
    private static function values(mixed $value): array
    {
        $out = [];
        foreach (is_array($value) ? $value : [$value] as $item) {
            if (!is_scalar($item)) {
                continue;
            }
            foreach (preg_split('/[,;]/', (string) $item) ?: [] as $part) {
                if (trim($part) !== '') {
                    $out[] = trim($part);
                }
            }
        }
        return $out;
    }
}
