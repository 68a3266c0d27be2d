<?php

declare(strict_types=1);

namespace Retaillab\Cashback;

/**
 * The module's identity and its access levels (MODULE_GROUP_RIGHTS = 'Y').
 *
 * Access levels, as GetModuleRightList() offers them in the "Access" tab:
 *   D — no access;
 *   R — read: the sync log, the settings page read-only, the list of API keys;
 *   W — write: settings, API keys (create, revoke), the phone reindex.
 */
final class Module
{
    public const ID = 'retaillab.cashback';

    /** Prefix of every language code of the module. */
    public const LANG_PREFIX = 'RETAILLAB_CASHBACK_';

    public const RIGHT_DENY = 'D';
    public const RIGHT_READ = 'R';
    public const RIGHT_WRITE = 'W';

    /** Levels in increasing order, as GetModuleRightList() lists them. */
    public const RIGHTS = [self::RIGHT_DENY, self::RIGHT_READ, self::RIGHT_WRITE];

    /**
     * True when $right (what $APPLICATION->GetGroupRight() returned) reaches $needed.
     * Bitrix compares access letters alphabetically ($RIGHT >= 'R'); administrators
     * get the highest letter. 'D' and '' allow nothing.
     */
    public static function allows(string $right, string $needed): bool
    {
        return $right !== '' && strcmp($right, self::RIGHT_DENY) > 0 && strcmp($right, $needed) >= 0;
    }
}
