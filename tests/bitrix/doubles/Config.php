<?php

declare(strict_types=1);

// Test double of Bitrix\Main\Config\Option: an in-memory option store that,
// like Bitrix, falls back to the module's default_option.php.

namespace Bitrix\Main\Config;

final class Option
{
    /** @var array<string, array<string, string>> module => name => value */
    public static array $values = [];

    public static function get(string $moduleId, string $name, $default = '', $siteId = false): string
    {
        if (array_key_exists($name, self::$values[$moduleId] ?? [])) {
            return self::$values[$moduleId][$name];
        }
        if ($default !== '' && $default !== null) {
            return (string) $default;
        }
        return (string) (self::defaults($moduleId)[$name] ?? '');
    }

    public static function set(string $moduleId, string $name, $value = '', $siteId = ''): void
    {
        self::$values[$moduleId][$name] = (string) $value;
    }

    public static function delete(string $moduleId, array $filter = []): void
    {
        if (isset($filter['name'])) {
            unset(self::$values[$moduleId][$filter['name']]);
        } else {
            unset(self::$values[$moduleId]);
        }
    }

    /** @return array<string, mixed> */
    private static function defaults(string $moduleId): array
    {
        $file = \CASHBACK_MODULE_DIR . '/default_option.php';
        if (!is_file($file)) {
            return [];
        }
        include $file;
        $variable = str_replace('.', '_', $moduleId) . '_default_option';
        return $$variable ?? [];
    }
}
