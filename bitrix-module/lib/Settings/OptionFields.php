<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Settings;

use Bitrix\Main\Localization\Loc;
use Cashback\Settings;
use Retaillab\Cashback\Options;

Loc::loadMessages(__FILE__);

/**
 * The editable options of the settings page: their tabs, types, labels, and
 * the validation of a submitted form. Nothing is saved unless every field is
 * valid and the ledger opens with the new storage settings.
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
            Options::DATABASE_PATH => [
                'tab' => self::TAB_STORAGE, 'type' => self::TYPE_TEXT,
                'label' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PATH'),
                'hint' => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PATH_HINT'),
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

    /** @return array<string, string> The stored values as the form shows them. */
    public static function current(): array
    {
        $values = [];
        foreach (array_keys(self::all()) as $name) {
            $values[$name] = Options::get($name);
        }
        $values[Options::STORE_SILENCE_HOURS] = self::storeHoursText(Options::storeSilenceHours());
        return $values;
    }

    /**
     * Checks a submitted form.
     *
     * @param array<string, mixed> $input The POST data (option name => value).
     * @return array{values: array<string, string>, errors: array<string, string>}
     *     values: what to store (canonical form); errors: option name => message.
     */
    public static function validate(array $input): array
    {
        $values = [];
        $errors = [];
        foreach (self::all() as $name => $field) {
            $raw = $input[$name] ?? null;
            $text = is_string($raw) ? trim($raw) : '';
            [$value, $error] = match ($field['type']) {
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
        return ['values' => $values, 'errors' => $errors];
    }

    /**
     * Opens the ledger with the submitted storage settings (database file, time
     * zone, region, batch limit), so that a file that cannot be created or written,
     * or a zone the ledger does not know, is refused before it is saved.
     *
     * @param array<string, string> $values Valid values from validate().
     * @throws \CashbackException
     */
    public static function openLedger(array $values): \CashbackLedger
    {
        $ledger = Settings::fromArray([
            'database' => Options::absolutePath($values[Options::DATABASE_PATH]),
            'timezone' => $values[Options::TIMEZONE],
            'default_region' => $values[Options::DEFAULT_REGION],
            'max_batch' => (int) $values[Options::MAX_BATCH],
        ])->openLedger(create: true); // choosing a new file sets up a ledger there
        $ledger->health();
        return $ledger;
    }

    /**
     * The form error for a ledger that would not open with $values.
     *
     * @return array<string, string> option name => message
     */
    public static function ledgerError(array $values, \CashbackException $e): array
    {
        $field = $e->getErrorCode() === 'invalid_option' ? Options::TIMEZONE : Options::DATABASE_PATH;
        return [$field => (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_ERROR_LEDGER', [
            '#PATH#' => Options::absolutePath($values[Options::DATABASE_PATH]),
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
