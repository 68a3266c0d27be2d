<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Ledger;

use Cashback\Settings;
use Retaillab\Cashback\Options;

/**
 * The one place where the module turns its options into the shared API's
 * settings and opens the ledger. The API controller, the fallback front
 * controller, agents, event handlers and admin pages all go through here, so
 * they always agree on the database file and its limits.
 */
final class LedgerFactory
{
    /** The shared API's settings (\Cashback\Settings) from the module options. */
    public static function settings(): Settings
    {
        return Settings::fromArray([
            'database' => Options::databasePath(),
            'timezone' => Options::timezone(),
            'default_region' => Options::defaultRegion(),
            'max_batch' => Options::maxBatch(),
            'max_body_bytes' => Options::maxBodyBytes(),
            'auto_register_stores' => Options::autoRegisterStores(),
            'silence_hours' => Options::silenceHours(),
        ]);
    }

    /**
     * Opens the ledger (creating and migrating the database on first use; the
     * extension caches the connection per process).
     *
     * @throws \CashbackException database_unavailable, database_readonly, invalid_option, ...
     */
    public static function open(): \CashbackLedger
    {
        return self::settings()->openLedger();
    }

    /**
     * Opens the ledger, creating its file when missing: only for installing the
     * module. Everything else uses open(), so a ledger file deleted or moved
     * under a running site fails loudly instead of starting over empty.
     */
    public static function create(): \CashbackLedger
    {
        return self::settings()->openLedger(create: true);
    }
}
