<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Settings;

use Bitrix\Main\Localization\Loc;
use Cashback\Settings;
use Retaillab\Cashback\Ledger\DatabaseUrl;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Ledger\StorageException;
use Retaillab\Cashback\Options;

Loc::loadMessages(__FILE__);

/**
 * The editable options of the settings page: their tabs, types, labels, and
 * the validation of a submitted form. Nothing is saved unless every field is
 * valid and the ledger opens with the new storage settings.
 *
 * Storage: database_mode chooses the SQLite file (database_path), the site's
 * own database or another MariaDB/MySQL URL (database_url, database_password).
 * The fields of the modes not chosen keep their stored values. The password is
 * never put into the form: its field is always empty, and left empty it keeps
 * the stored password, for the same URL only (another server or user needs it
 * typed again, so a changed URL cannot send the stored password elsewhere).
 */
final class OptionFields
{
    public const TAB_STORAGE = 'storage';
    public const TAB_MONITORING = 'monitoring';
    public const TAB_SHOP = 'shop';

    public const TYPE_TEXT = 'text';
    public const TYPE_INT = 'int';
    public const TYPE_DECIMAL = 'decimal';
    public const TYPE_PERCENT = 'percent';
    public const TYPE_CHECKBOX = 'checkbox';
    public const TYPE_STORE_HOURS = 'store_hours';
    public const TYPE_EMAILS = 'emails';
    public const TYPE_CODE = 'code';
    public const TYPE_REGION = 'region';
    public const TYPE_STORAGE_MODE = 'storage_mode';
    public const TYPE_DATABASE_URL = 'database_url';
    public const TYPE_PASSWORD = 'password';

    /** Time zones suggested in the form; the ledger accepts any IANA zone, UTC or an offset. */
    public const TIMEZONES = [
        'Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk',
        'Asia/Novosibirsk', 'Asia/Krasnoyarsk', 'Asia/Irkutsk', 'Asia/Yakutsk', 'Asia/Vladivostok',
        'Asia/Magadan', 'Asia/Kamchatka', 'Europe/Minsk', 'Asia/Almaty', 'UTC',
    ];

    /**
     * @return array<string, array{tab: string, type: string, label: string, hint: string}>
     *     option name => its field, in display order
     */
    public static function all(): array
    {
        return [
            Options::DATABASE_MODE => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_STORAGE_MODE,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE_HINT'),
            ],
            Options::DATABASE_PATH => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_TEXT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PATH'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PATH_HINT'),
            ],
            Options::DATABASE_URL => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_DATABASE_URL,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_URL'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_URL_HINT'),
            ],
            Options::DATABASE_PASSWORD => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_PASSWORD,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PASSWORD'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PASSWORD_HINT'),
            ],
            Options::TIMEZONE => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_TEXT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_TIMEZONE'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_TIMEZONE_HINT'),
            ],
            Options::DEFAULT_REGION => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_REGION,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DEFAULT_REGION'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DEFAULT_REGION_HINT'),
            ],
            Options::MAX_BATCH => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_INT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_MAX_BATCH'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_MAX_BATCH_HINT'),
            ],
            Options::MAX_BODY_BYTES => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_INT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_MAX_BODY_BYTES'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_MAX_BODY_BYTES_HINT'),
            ],
            Options::AUTO_REGISTER_STORES => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_CHECKBOX,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_AUTO_REGISTER_STORES'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_AUTO_REGISTER_STORES_HINT'),
            ],
            Options::SILENCE_HOURS => [
                'tab' => self::TAB_MONITORING, 'type' => self::TYPE_INT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_SILENCE_HOURS'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_SILENCE_HOURS_HINT'),
            ],
            Options::STORE_SILENCE_HOURS => [
                'tab' => self::TAB_MONITORING, 'type' => self::TYPE_STORE_HOURS,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_STORE_SILENCE_HOURS'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_STORE_SILENCE_HOURS_HINT'),
            ],
            Options::NOTIFY_EMAIL => [
                'tab' => self::TAB_MONITORING, 'type' => self::TYPE_EMAILS,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_NOTIFY_EMAIL'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_NOTIFY_EMAIL_HINT'),
            ],
            Options::LOG_RETENTION_DAYS => [
                'tab' => self::TAB_MONITORING, 'type' => self::TYPE_INT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_LOG_RETENTION_DAYS'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_LOG_RETENTION_DAYS_HINT'),
            ],
            Options::ACCRUAL_PERCENT => [
                'tab' => self::TAB_SHOP, 'type' => self::TYPE_PERCENT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ACCRUAL_PERCENT'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ACCRUAL_PERCENT_HINT'),
            ],
            Options::ACCRUAL_MIN_ORDER => [
                'tab' => self::TAB_SHOP, 'type' => self::TYPE_DECIMAL,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ACCRUAL_MIN_ORDER'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ACCRUAL_MIN_ORDER_HINT'),
            ],
            Options::ACCRUAL_EXCLUDE_DELIVERY => [
                'tab' => self::TAB_SHOP, 'type' => self::TYPE_CHECKBOX,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ACCRUAL_EXCLUDE_DELIVERY'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ACCRUAL_EXCLUDE_DELIVERY_HINT'),
            ],
            Options::REDEEM_MAX_PERCENT => [
                'tab' => self::TAB_SHOP, 'type' => self::TYPE_PERCENT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_REDEEM_MAX_PERCENT'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_REDEEM_MAX_PERCENT_HINT'),
            ],
            Options::REDEEM_PROPERTY_CODE => [
                'tab' => self::TAB_SHOP, 'type' => self::TYPE_CODE,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_REDEEM_PROPERTY_CODE'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_REDEEM_PROPERTY_CODE_HINT'),
            ],
        ];
    }

    /** @return array<string, string> The stored values as the form shows them (the password never: it stays empty). */
    public static function current(): array
    {
        $values = [];
        foreach (array_keys(self::all()) as $name) {
            $values[$name] = Options::get($name);
        }
        $values[Options::DATABASE_MODE] = Options::databaseMode();
        $values[Options::STORE_SILENCE_HOURS] = self::storeHoursText(Options::storeSilenceHours());
        $values[Options::DATABASE_PASSWORD] = '';
        return $values;
    }

    /** @return array<string, string> mode => its label, in display order */
    public static function modes(): array
    {
        return [
            Options::MODE_SQLITE => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE_SQLITE'),
            Options::MODE_SITE => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE_SITE'),
            Options::MODE_URL => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE_URL'),
        ];
    }

    /**
     * Checks a submitted form.
     *
     * @param array<string, mixed> $input The POST data (option name => value).
     * @return array{values: array<string, string>, errors: array<string, string>}
     *     values: what to store (canonical form); errors: option name => message.
     */
    public static function validate(#[\SensitiveParameter] array $input): array
    {
        $values = [];
        $errors = [];
        // A form without the field (none of ours) keeps the stored choice; anything else must be a mode.
        $submittedMode = !array_key_exists(Options::DATABASE_MODE, $input) ? Options::databaseMode()
            : (is_string($input[Options::DATABASE_MODE]) ? trim($input[Options::DATABASE_MODE]) : '');
        $mode = in_array($submittedMode, Options::MODES, true) ? $submittedMode : null;
        foreach (self::all() as $name => $field) {
            $raw = $input[$name] ?? null;
            $text = is_string($raw) ? trim($raw) : '';
            if (self::unusedBy($mode, $name)) {
                // A field of a mode not chosen keeps what is stored (the password included).
                $values[$name] = Options::get($name);
                continue;
            }
            [$value, $error] = match ($field['type']) {
                self::TYPE_STORAGE_MODE => $mode !== null
                    ? [$mode, null]
                    : [$submittedMode, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_DATABASE_MODE', ['#FIELD#' => $field['label']])],
                self::TYPE_DATABASE_URL => self::checkDatabaseUrl($text, $field['label']),
                self::TYPE_PASSWORD => [is_string($raw) ? $raw : '', null],
                self::TYPE_CHECKBOX => [$raw === 'Y' ? 'Y' : 'N', null],
                self::TYPE_INT => self::checkInt($name, $text, $field['label']),
                self::TYPE_DECIMAL => self::checkDecimal($text, $field['label'], null),
                self::TYPE_PERCENT => self::checkDecimal($text, $field['label'], 100),
                self::TYPE_STORE_HOURS => self::checkStoreHours(is_string($raw) ? $raw : ''),
                self::TYPE_EMAILS => self::checkEmails($text),
                self::TYPE_REGION => self::checkRegion($text, $field['label']),
                self::TYPE_CODE => preg_match(Options::PROPERTY_CODE_PATTERN, $text) === 1
                    ? [$text, null]
                    : [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_CODE', ['#FIELD#' => $field['label']])],
                default => self::checkText($name, $text, $field['label']),
            };
            $values[$name] = $value;
            if ($error !== null) {
                $errors[$name] = (string) $error;
            }
        }
        if ($mode === Options::MODE_URL && !isset($errors[Options::DATABASE_URL])) {
            $typedUrl = is_string($input[Options::DATABASE_URL] ?? null) ? $input[Options::DATABASE_URL] : '';
            $values[Options::DATABASE_PASSWORD] = self::urlPassword($typedUrl, $values[Options::DATABASE_URL], $values[Options::DATABASE_PASSWORD]);
        }
        return ['values' => $values, 'errors' => $errors];
    }

    /** True when $name is a storage field of another mode than $mode (null: the mode itself is invalid, check nothing of it). */
    private static function unusedBy(?string $mode, string $name): bool
    {
        return match ($name) {
            Options::DATABASE_PATH => $mode !== Options::MODE_SQLITE,
            Options::DATABASE_URL, Options::DATABASE_PASSWORD => $mode !== Options::MODE_URL,
            default => false,
        };
    }

    /**
     * The password to store with a URL: the one typed into the password field,
     * else the one typed inside the URL, else the stored one if the URL is the
     * stored URL, else none.
     */
    private static function urlPassword(#[\SensitiveParameter] string $typedUrl, string $url, #[\SensitiveParameter] string $typedPassword): string
    {
        if ($typedPassword !== '') {
            return $typedPassword;
        }
        $inline = DatabaseUrl::splitPassword(trim($typedUrl))[1];
        if ($inline !== null) {
            return $inline;
        }
        return $url === Options::databaseUrl() ? Options::databasePassword() : '';
    }

    /**
     * Opens the ledger with the submitted storage settings (database file, time
     * zone, region, batch limit), so that a file that cannot be created or written,
     * or a zone the ledger does not know, is refused before it is saved.
     *
     * @param array<string, string> $values Valid values from validate().
     * @throws \CashbackException
     */
    public static function openLedger(#[\SensitiveParameter] array $values): \CashbackLedger
    {
        $ledger = Settings::fromArray([
            'database' => self::database($values),
            'timezone' => $values[Options::TIMEZONE],
            'default_region' => $values[Options::DEFAULT_REGION],
            'max_batch' => (int) $values[Options::MAX_BATCH],
        ])->openLedger(create: true); // choosing a new database sets up a ledger there (its file or its tables)
        $ledger->health();
        return $ledger;
    }

    /**
     * The database setting (path or URL with password) of valid values from validate().
     *
     * @throws StorageException
     */
    public static function database(#[\SensitiveParameter] array $values): string
    {
        return LedgerFactory::databaseFor(
            $values[Options::DATABASE_MODE],
            Options::absolutePath($values[Options::DATABASE_PATH]),
            $values[Options::DATABASE_URL],
            $values[Options::DATABASE_PASSWORD],
        );
    }

    /**
     * The form error for a ledger that would not open with $values: next to the
     * field that chose the database (the zone for an unknown zone), naming the
     * database by its location, never by its password.
     *
     * @return array<string, string> option name => message
     */
    public static function ledgerError(#[\SensitiveParameter] array $values, \CashbackException $e): array
    {
        $mode = $values[Options::DATABASE_MODE];
        $field = match (true) {
            $e->getErrorCode() === 'invalid_option' && !str_contains($e->getMessage(), 'table_prefix') => Options::TIMEZONE,
            $mode === Options::MODE_SITE => Options::DATABASE_MODE,
            $mode === Options::MODE_URL => Options::DATABASE_URL,
            default => Options::DATABASE_PATH,
        };
        try {
            $where = DatabaseUrl::location(self::database($values));
        } catch (StorageException) {
            $where = self::modes()[$mode] ?? $mode;
        }
        return [$field => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_LEDGER', [
            '#PATH#' => $where,
            '#ERROR#' => $e->getErrorCode() . ': ' . $e->getMessage(),
        ])];
    }

    /** @param array<string, int> $hours */
    public static function storeHoursText(array $hours): string
    {
        $lines = [];
        foreach ($hours as $store => $value) {
            $lines[] = $store . ' = ' . $value;
        }
        return implode("\n", $lines);
    }

    /** @return array<string, int> The per-store thresholds of a validated store_silence_hours value (JSON). */
    public static function storeHoursMap(string $json): array
    {
        $map = json_decode($json, true);
        return is_array($map) ? array_map('intval', $map) : [];
    }

    /**
     * The URL of mode url: a mysql:// or mariadb:// URL the extension reads, stored
     * without its password (validate() keeps the password apart).
     */
    private static function checkDatabaseUrl(#[\SensitiveParameter] string $text, string $label): array
    {
        if ($text === '' || str_contains($text, "\0") || strlen($text) > 2048) {
            return ['', Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_REQUIRED', ['#FIELD#' => $label])];
        }
        $url = DatabaseUrl::displayable($text);
        if ($url === '') {
            // Nothing of the text in the message: it may hold a password.
            return ['', Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_DATABASE_URL', ['#FIELD#' => $label])];
        }
        return [$url, null];
    }

    private static function checkText(string $name, string $text, string $label): array
    {
        if ($text === '' || str_contains($text, "\0") || mb_strlen($text) > 1024) {
            return [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_REQUIRED', ['#FIELD#' => $label])];
        }
        if ($name === Options::DATABASE_PATH && (str_ends_with($text, '/') || is_dir(Options::absolutePath($text)))) {
            return [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_DATABASE_FILE', ['#FIELD#' => $label])];
        }
        return [$text, null];
    }

    /**
     * A region code, checked by the extension itself (the region of phone numbering it
     * reads numbers without a country code in), stored upper case.
     */
    private static function checkRegion(string $text, string $label): array
    {
        $region = strtoupper($text);
        $error = Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_REGION', ['#FIELD#' => $label, '#VALUE#' => $text]);
        if (preg_match(Options::REGION_PATTERN, $region) !== 1) {
            return [$text, $error];
        }
        try {
            // Any valid international number: what matters is whether the region is refused.
            \CashbackLedger::normalizePhone('+79001234567', $region);
        } catch (\CashbackException $e) {
            if ($e->getErrorCode() === 'invalid_region') {
                return [$text, $error];
            }
            throw $e;
        }
        return [$region, null];
    }

    private static function checkInt(string $name, string $text, string $label): array
    {
        [$min, $max] = Options::INT_RANGES[$name];
        if (preg_match('/^[0-9]{1,12}$/', $text) === 1 && (int) $text >= $min && (int) $text <= $max) {
            return [(string) (int) $text, null];
        }
        return [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_INT', ['#FIELD#' => $label, '#MIN#' => $min, '#MAX#' => $max])];
    }

    private static function checkDecimal(string $text, string $label, ?int $max): array
    {
        $text = str_replace(',', '.', $text);
        if (preg_match(Options::DECIMAL_PATTERN, $text) !== 1) {
            return [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_DECIMAL', ['#FIELD#' => $label])];
        }
        if ($max !== null && (float) $text > $max) {
            return [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_PERCENT', ['#FIELD#' => $label])];
        }
        return [$text, null];
    }

    private static function checkEmails(string $text): array
    {
        $emails = preg_split('/[\s,;]+/', $text, -1, PREG_SPLIT_NO_EMPTY) ?: [];
        foreach ($emails as $email) {
            if (filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
                return [$text, Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_EMAIL', ['#EMAIL#' => $email])];
            }
        }
        return [implode(', ', $emails), null];
    }

    /** "store-1 = 12" lines (also "store-1: 12") into the JSON the option stores. */
    private static function checkStoreHours(string $text): array
    {
        [$min, $max] = Options::STORE_HOURS_RANGE;
        $map = [];
        foreach (preg_split('/\R/u', $text) ?: [] as $number => $line) {
            $line = trim($line);
            if ($line === '' || str_starts_with($line, '#')) {
                continue;
            }
            $error = Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_STORE_HOURS', [
                '#LINE#' => $number + 1, '#TEXT#' => $line, '#MIN#' => $min, '#MAX#' => $max,
            ]);
            if (preg_match('/^(.+?)\s*[=:]\s*([0-9]{1,5})$/u', $line, $match) !== 1) {
                return [$text, $error];
            }
            $store = trim($match[1]);
            $hours = (int) $match[2];
            if (!Options::isStoreId($store) || $hours < $min || $hours > $max) {
                return [$text, $error];
            }
            $map[$store] = $hours;
        }
        return [json_encode((object) $map, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), null];
    }
}
