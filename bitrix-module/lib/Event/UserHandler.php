<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Event;

/**
 * Keeps the ledger's phone index in step with Bitrix users. Registered (by
 * the module installer) as old-style events with
 * EventManager::registerEventHandlerCompatible('main', 'OnAfterUserAdd', …).
 *
 * A handler never throws and never returns false: an exception would break
 * the user's registration or profile save, and false from OnUserDelete would
 * veto the deletion. Failures are logged; the reindex page repairs the index.
 */
final class UserHandler
{
    /**
     * OnAfterUserAdd(&$arFields): success means $arFields['ID'] > 0 (RESULT
     * holds the same ID, false on failure, with RESULT_MESSAGE saying why).
     */
    public static function onAfterUserAdd(array &$fields): void
    {
        if (self::failed($fields)) {
            return;
        }
        self::sync(self::userId($fields['ID']), 'OnAfterUserAdd');
    }

    /**
     * OnAfterUserUpdate(&$arFields): $arFields holds only the submitted
     * fields, so the user is re-read by ID; RESULT false means the update failed.
     */
    public static function onAfterUserUpdate(array &$fields): void
    {
        if (self::failed($fields)) {
            return;
        }
        self::sync(self::userId($fields['ID']), 'OnAfterUserUpdate');
    }

    /** OnUserDelete($ID): the user's phones leave the index; their ledger history stays. */
    public static function onUserDelete($userId): void
    {
        $id = self::userId($userId);
        if ($id <= 0) {
            return;
        }
        try {
            Services::phoneSync()->unlinkUser($id);
        } catch (\Throwable $e) {
            self::report('OnUserDelete', $id, $e);
        }
    }

    private static function sync(int $userId, string $event): void
    {
        try {
            Services::phoneSync()->syncUser($userId);
        } catch (\Throwable $e) {
            self::report($event, $userId, $e);
        }
    }

    /** A failed add or update: RESULT false, or no positive ID. */
    private static function failed(array $fields): bool
    {
        return (array_key_exists('RESULT', $fields) && !$fields['RESULT']) || self::userId($fields['ID'] ?? 0) <= 0;
    }

    private static function userId(mixed $value): int
    {
        return is_int($value) || (is_string($value) && ctype_digit($value)) ? (int) $value : 0;
    }

    private static function report(string $event, int $userId, \Throwable $e): void
    {
        $code = $e instanceof \CashbackException ? $e->getErrorCode() : get_class($e);
        try {
            Log::write(sprintf('%s: phone index of user %d not updated (%s: %s)', $event, $userId, $code, $e->getMessage()));
        } catch (\Throwable) {
            // logging must not break the user's request either
        }
    }
}
