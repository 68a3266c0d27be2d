<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Ledger;

use Bitrix\Main\Localization\Loc;
use Cashback\Settings;
use Retaillab\Cashback\Options;

Loc::loadMessages(__FILE__);

/**
 * The one place where the module turns its options into the shared API's
 * settings and opens the ledger. The API controller, the fallback front
 * controller, agents, event handlers and admin pages all go through here, so
 * they always agree on the database and its limits.
 *
 * The database is one of three (option database_mode): the SQLite file of
 * database_path (the default), the site's own MariaDB/MySQL database
 * (SiteConnection, from Bitrix's default connection), or the MariaDB/MySQL URL
 * of database_url with database_password.
 */
final class LedgerFactory
{
    /** The shared API's settings (\Cashback\Settings) from the module options. */
    public static function settings(): Settings
    {
        return Settings::fromArray([
            'database' => self::database(),
            'timezone' => Options::timezone(),
            'default_region' => Options::defaultRegion(),
            'max_batch' => Options::maxBatch(),
            'max_body_bytes' => Options::maxBodyBytes(),
            'auto_register_stores' => Options::autoRegisterStores(),
            'silence_hours' => Options::silenceHours(),
        ]);
    }

    /**
     * The database setting the ledger opens: a file path or a mysql:// URL
     * with its password. Never show it: describe() is what may be shown.
     *
     * @throws StorageException the stored choice names no usable database
     */
    public static function database(): string
    {
        return self::databaseFor(Options::databaseMode(), Options::databasePath(), Options::databaseUrl(), Options::databasePassword());
    }

    /**
     * The database setting of a storage choice (the stored one, or one the settings page checks before saving).
     *
     * @param string $path The SQLite file (absolute) of mode sqlite.
     * @param string $url The URL (without password) and $password of mode url.
     * @throws StorageException
     */
    public static function databaseFor(string $mode, string $path, string $url, #[\SensitiveParameter] string $password): string
    {
        return match ($mode) {
            Options::MODE_SITE => SiteConnection::url(),
            Options::MODE_URL => $url !== ''
                ? DatabaseUrl::withPassword($url, $password)
                : throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_LEDGER_NO_URL')),
            default => $path,
        };
    }

    /**
     * What the module's ledger is, as it may be shown (settings page, install
     * report, logs): the backend and the location without any password.
     *
     * @return array{backend: string, location: string}
     * @throws StorageException
     */
    public static function describe(): array
    {
        if (!extension_loaded('cashback')) {
            // Uninstall may run without the extension: say what the options say, passwords left out.
            return match (Options::databaseMode()) {
                Options::MODE_SITE => ['backend' => 'mysql', 'location' => ''],
                Options::MODE_URL => ['backend' => 'mysql', 'location' => Options::databaseUrl()],
                default => ['backend' => DatabaseUrl::isUrl(Options::databasePath()) ? 'mysql' : 'sqlite', 'location' => DatabaseUrl::splitPassword(Options::databasePath())[0]],
            };
        }
        $described = \CashbackLedger::describeDatabase(self::database());
        return ['backend' => (string) $described['backend'], 'location' => (string) $described['location']];
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
     * Opens the ledger, creating its file (or its tables in a MariaDB/MySQL
     * database) when missing: only for installing the module. Everything else
     * uses open(), so a ledger deleted or moved under a running site fails
     * loudly instead of starting over empty.
     */
    public static function create(): \CashbackLedger
    {
        return self::settings()->openLedger(create: true);
    }
}
