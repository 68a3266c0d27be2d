<?php

declare(strict_types=1);

namespace Retaillab\Cashback;

use Bitrix\Main\Config\Option;
use Retaillab\Cashback\Ledger\DatabaseUrl;

/**
 * The module's options with types. Everything reads them through this class;
 * the raw values live in Bitrix's b_option (Option::get/set) with defaults from
 * default_option.php.
 *
 * A getter never throws on a malformed stored value: it falls back to the
 * default (the settings page validates what it saves, but an option can also be
 * written by hand or by an older version).
 */
final class Options
{
    public const DATABASE_MODE = 'database_mode';
    public const DATABASE_PATH = 'database_path';
    public const DATABASE_URL = 'database_url';
    public const DATABASE_PASSWORD = 'database_password';
    public const TIMEZONE = 'timezone';
    public const DEFAULT_REGION = 'default_region';
    public const MAX_BATCH = 'max_batch';
    public const MAX_BODY_BYTES = 'max_body_bytes';
    public const AUTO_REGISTER_STORES = 'auto_register_stores';
    public const SILENCE_HOURS = 'silence_hours';
    public const STORE_SILENCE_HOURS = 'store_silence_hours';
    public const NOTIFY_EMAIL = 'notify_email';
    public const LOG_RETENTION_DAYS = 'log_retention_days';
    public const ACCRUAL_PERCENT = 'accrual_percent';
    public const ACCRUAL_MIN_ORDER = 'accrual_min_order';
    public const ACCRUAL_EXCLUDE_DELIVERY = 'accrual_exclude_delivery';
    public const REDEEM_MAX_PERCENT = 'redeem_max_percent';
    public const REDEEM_PROPERTY_CODE = 'redeem_property_code';

    /** Where the ledger lives (database_mode): a SQLite file (database_path), the site's own database, another MariaDB/MySQL URL. */
    public const MODE_SQLITE = 'sqlite';
    public const MODE_SITE = 'site';
    public const MODE_URL = 'url';
    public const MODES = [self::MODE_SQLITE, self::MODE_SITE, self::MODE_URL];

    /** Ranges of the integer options: name => [min, max]. */
    public const INT_RANGES = [
        self::MAX_BATCH => [1, 100000],
        self::MAX_BODY_BYTES => [1024, 268435456],
        self::SILENCE_HOURS => [1, 8760],
        self::LOG_RETENTION_DAYS => [1, 3650],
    ];

    /** A store's own silence threshold: 1 hour .. 1 year. */
    public const STORE_HOURS_RANGE = [1, 8760];

    /** Money and percents: a non-negative decimal with at most 2 decimals ("5", "2.5", "1000.00"). */
    public const DECIMAL_PATTERN = '/^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$/';

    /** The shape of a region code; which codes exist is the extension's to say (invalid_region). */
    public const REGION_PATTERN = '/^[A-Z]{2}$/';

    /** A sale order property CODE as Bitrix allows it. */
    public const PROPERTY_CODE_PATTERN = '/^[A-Za-z][A-Za-z0-9_]{0,49}$/';

    /** @var array<string, string>|null */
    private static ?array $defaults = null;

    /** @return array<string, string> The defaults from default_option.php, every option name as a key. */
    public static function defaults(): array
    {
        if (self::$defaults === null) {
            $retaillab_cashback_default_option = [];
            include dirname(__DIR__) . '/default_option.php';
            self::$defaults = array_map('strval', $retaillab_cashback_default_option);
        }
        return self::$defaults;
    }

    /** The raw stored value, or the default. */
    public static function get(string $name): string
    {
        // Without a default argument Bitrix falls back to default_option.php itself; passing
        // ours explicitly keeps the behaviour the same on every core version.
        return (string) Option::get(Module::ID, $name, self::defaults()[$name] ?? '');
    }

    public static function set(string $name, string $value): void
    {
        if (!array_key_exists($name, self::defaults())) {
            throw new \InvalidArgumentException("Unknown option of " . Module::ID . ": $name");
        }
        Option::set(Module::ID, $name, $value);
    }

    /** Where the ledger lives: one of MODES; anything else (a value written by hand) is the SQLite file. */
    public static function databaseMode(): string
    {
        $mode = trim(self::get(self::DATABASE_MODE));
        return in_array($mode, self::MODES, true) ? $mode : self::defaults()[self::DATABASE_MODE];
    }

    /**
     * The ledger's database file as an absolute path: the option (relative to
     * DOCUMENT_ROOT unless absolute), or the cashback.database ini setting when
     * the option is empty (a mysql:// URL there is passed on as it is).
     */
    public static function databasePath(): string
    {
        $path = trim(self::get(self::DATABASE_PATH));
        if ($path === '') {
            $ini = trim((string) ini_get('cashback.database'));
            if (DatabaseUrl::isUrl($ini)) {
                return $ini;
            }
            $path = $ini !== '' ? $ini : self::defaults()[self::DATABASE_PATH];
        }
        return self::absolutePath($path);
    }

    /** The MariaDB/MySQL URL of mode url, without its password (kept apart: databasePassword()). */
    public static function databaseUrl(): string
    {
        return trim(self::get(self::DATABASE_URL));
    }

    /** The password of databaseUrl()'s user, as typed (never shown anywhere). */
    public static function databasePassword(): string
    {
        return self::get(self::DATABASE_PASSWORD);
    }

    /** A path as the module uses it: absolute paths unchanged, others below DOCUMENT_ROOT. */
    public static function absolutePath(string $path): string
    {
        if (str_starts_with($path, '/') || preg_match('#^[A-Za-z]:[\\\\/]#', $path) === 1) {
            return $path;
        }
        // $_SERVER['DOCUMENT_ROOT'] is set on web hits and by Bitrix's cron_events.php alike.
        return rtrim((string) ($_SERVER['DOCUMENT_ROOT'] ?? ''), '/') . '/' . ltrim($path, '/');
    }

    public static function timezone(): string
    {
        $zone = trim(self::get(self::TIMEZONE));
        return $zone !== '' ? $zone : self::defaults()[self::TIMEZONE];
    }

    /** The country (ISO 3166 code, upper case) of phones written without a country code. */
    public static function defaultRegion(): string
    {
        $region = strtoupper(trim(self::get(self::DEFAULT_REGION)));
        return preg_match(self::REGION_PATTERN, $region) === 1 ? $region : self::defaults()[self::DEFAULT_REGION];
    }

    public static function maxBatch(): int
    {
        return self::int(self::MAX_BATCH);
    }

    public static function maxBodyBytes(): int
    {
        return self::int(self::MAX_BODY_BYTES);
    }

    /**
     * True: API writes naming an unregistered store register it instead of being
     * refused unknown_store. Only Y turns it on: a malformed value stays on the safe side.
     */
    public static function autoRegisterStores(): bool
    {
        return self::get(self::AUTO_REGISTER_STORES) === 'Y';
    }

    /** The global silence threshold in hours. */
    public static function silenceHours(): int
    {
        return self::int(self::SILENCE_HOURS);
    }

    /**
     * Per-store silence thresholds. The settings page also writes them into the
     * ledger (registerStore), so CashbackLedger::silentStores() applies them.
     *
     * @return array<string, int> store_id => hours
     */
    public static function storeSilenceHours(): array
    {
        try {
            $map = json_decode(self::get(self::STORE_SILENCE_HOURS), true, 4, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return [];
        }
        if (!is_array($map)) {
            return [];
        }
        $hours = [];
        foreach ($map as $store => $value) {
            $store = (string) $store;
            if (self::isStoreId($store) && is_int($value) && $value >= self::STORE_HOURS_RANGE[0] && $value <= self::STORE_HOURS_RANGE[1]) {
                $hours[$store] = $value;
            }
        }
        return $hours;
    }

    /** The silence threshold of one store: its own, else the global one. */
    public static function silenceHoursFor(string $storeId): int
    {
        return self::storeSilenceHours()[$storeId] ?? self::silenceHours();
    }

    /** The raw notify_email option (comma-separated addresses). */
    public static function notifyEmail(): string
    {
        return trim(self::get(self::NOTIFY_EMAIL));
    }

    /** @return list<string> The valid addresses of notify_email. */
    public static function notifyEmails(): array
    {
        $emails = [];
        foreach (preg_split('/[\s,;]+/', self::notifyEmail(), -1, PREG_SPLIT_NO_EMPTY) ?: [] as $email) {
            if (filter_var($email, FILTER_VALIDATE_EMAIL) !== false) {
                $emails[] = $email;
            }
        }
        return $emails;
    }

    public static function logRetentionDays(): int
    {
        return self::int(self::LOG_RETENTION_DAYS);
    }

    /** Percent of a paid order accrued as cashback, as an exact decimal string ("5", "2.5"). */
    public static function accrualPercent(): string
    {
        return self::percent(self::ACCRUAL_PERCENT);
    }

    /** Smallest order sum (rubles, decimal string) that accrues cashback. */
    public static function accrualMinOrder(): string
    {
        return self::decimal(self::ACCRUAL_MIN_ORDER);
    }

    /** True: the delivery price does not accrue cashback. */
    public static function accrualExcludeDelivery(): bool
    {
        return self::get(self::ACCRUAL_EXCLUDE_DELIVERY) !== 'N';
    }

    /** Largest share of an order payable with cashback, percent as a decimal string. */
    public static function redeemMaxPercent(): string
    {
        return self::percent(self::REDEEM_MAX_PERCENT);
    }

    /** CODE of the order property that carries the redeemed cashback. */
    public static function redeemPropertyCode(): string
    {
        $code = trim(self::get(self::REDEEM_PROPERTY_CODE));
        return preg_match(self::PROPERTY_CODE_PATTERN, $code) === 1 ? $code : self::defaults()[self::REDEEM_PROPERTY_CODE];
    }

    /** A store id as the ledger accepts it: 1..64 characters, no control characters or surrounding spaces. */
    public static function isStoreId(string $store): bool
    {
        return $store !== '' && mb_strlen($store) <= 64 && trim($store) === $store
            && preg_match('/[\x00-\x1F\x7F]/u', $store) === 0 && preg_match('//u', $store) === 1;
    }

    private static function int(string $name): int
    {
        [$min, $max] = self::INT_RANGES[$name];
        $text = trim(self::get($name));
        if (preg_match('/^[0-9]{1,12}$/', $text) === 1 && (int) $text >= $min && (int) $text <= $max) {
            return (int) $text;
        }
        return (int) self::defaults()[$name];
    }

    private static function decimal(string $name): string
    {
        $text = trim(self::get($name));
        return preg_match(self::DECIMAL_PATTERN, $text) === 1 ? $text : self::defaults()[$name];
    }

    private static function percent(string $name): string
    {
        $text = self::decimal($name);
        return (float) $text <= 100 ? $text : self::defaults()[$name];
    }
}
