<?php

declare(strict_types=1);

// Test double of Bitrix\Main\Config\Option: an in-memory option store (b_option) that,
// like Bitrix, falls back to the module's default_option.php.
//
// Option::get() follows modules/main/lib/config/option.php of avshatalov48/bitrix-core-business
// as stored at f22798d (main 22.200.150; no version is stored at the later commits up to
// 0d02fd9, main 23.300.100: 03e3b57, 822aeaa, 0d02fd9):
// - a stored value is returned as stored, an empty string included (isset() of the loaded row);
// - otherwise, when $default == "" (loose: '', null and false, not '0'), the module's
//   default_option.php value ($<module_id with _>_default_option[$name]) if it isset();
// - otherwise $default itself, unconverted (null stays null, false stays false).
// Values read back are strings, as b_option stores them. Site-specific values
// (b_option_site, $siteId) are not modelled: every value is the site-less one.

namespace Bitrix\Main\Config;

final class Option
{
    /** @var array<string, array<string, string>> module => name => value */
    public static array $values = [];

    public static function get(string $moduleId, string $name, $default = '', $siteId = false): mixed
    {
        if (isset(self::$values[$moduleId][$name])) {
            return self::$values[$moduleId][$name];
        }
        if ($default == '') {
            $defaults = self::defaults($moduleId);
            if (isset($defaults[$name])) {
                return $defaults[$name];
            }
        }
        return $default;
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

    /** default_option.php of the module (only this repository's module has one). @return array<string, mixed> */
    private static function defaults(string $moduleId): array
    {
        $file = \CASHBACK_MODULE_DIR . '/default_option.php';
        if ($moduleId !== 'retaillab.cashback' || !is_file($file)) {
            return [];
        }
        include $file;
        $variable = str_replace('.', '_', $moduleId) . '_default_option';
        return isset($$variable) && is_array($$variable) ? $$variable : [];
    }
}

/**
 * Test double of Bitrix\Main\Config\Configuration over the site's real files:
 * DOCUMENT_ROOT/bitrix/.settings.php, overridden section by section by
 * /bitrix/.settings_extra.php. Like the kernel: add() leaves a readonly section
 * alone, addReadonly() writes it anyway, saveConfiguration() rewrites only
 * .settings.php (never the extra file).
 *
 * Checked against the real class in yuliai/bitrix-modules (main 26.250.0, commit
 * 8c34763, main/lib/config/configuration.php): getValue($name) is the section's
 * 'value' (null when absent); the extra file replaces whole sections. The real
 * class finds both files with Loader::getLocal(), i.e. /local/ before /bitrix/;
 * the double reads /bitrix/ only.
 */
final class Configuration
{
    private static ?Configuration $instance = null;

    /** @var array<string, array{value: mixed, readonly: bool}>|null */
    private ?array $data = null;

    /** @var array<string, array{value: mixed, readonly: bool}>|null what .settings.php holds */
    private ?array $stored = null;

    public static function getInstance($moduleId = null): Configuration
    {
        return self::$instance ??= new self();
    }

    /** Forgets what was loaded (the next call reads the files again, as a new hit would). */
    public static function reset(): void
    {
        self::$instance = null;
    }

    public static function getValue($name)
    {
        return self::getInstance()->get($name);
    }

    public static function setValue($name, $value): void
    {
        $configuration = self::getInstance();
        $configuration->add($name, $value);
        $configuration->saveConfiguration();
    }

    public function get($name)
    {
        $this->load();
        return $this->data[$name]['value'] ?? null;
    }

    public function add($name, $value): void
    {
        $this->load();
        if (empty($this->data[$name]['readonly'])) {
            $this->data[$name] = ['value' => $value, 'readonly' => false];
        }
        if (empty($this->stored[$name]['readonly'])) {
            $this->stored[$name] = ['value' => $value, 'readonly' => false];
        }
    }

    public function addReadonly($name, $value): void
    {
        $this->load();
        $this->data[$name] = ['value' => $value, 'readonly' => true];
        $this->stored[$name] = ['value' => $value, 'readonly' => true];
    }

    public function delete($name): void
    {
        $this->load();
        unset($this->data[$name], $this->stored[$name]);
    }

    /**
     * Like the kernel (avshatalov48/bitrix-core-business, modules/main/lib/config/configuration.php
     * at 0d02fd9, main 23.300.100): rewrites the whole /bitrix/.settings.php, first trying
     * chmod 0644 when the file is not writable, and checks nothing: it returns nothing, and a
     * write that fails (a read-only file PHP does not own, a folder in the way, a full disk) is
     * only a PHP warning of file_put_contents(), never a result or an exception for the caller.
     * The double keeps it silent (@): the caller learns nothing either way.
     */
    public function saveConfiguration(): void
    {
        $this->load();
        $path = self::path('/bitrix/.settings.php');
        if (!is_writable($path)) {
            @chmod($path, 0644);
        }
        @file_put_contents($path, "<?php\nreturn " . var_export($this->stored, true) . ";\n");
    }

    private function load(): void
    {
        if ($this->data !== null) {
            return;
        }
        $read = static function (string $file): array {
            if (!is_file($file)) {
                return [];
            }
            $data = include $file;
            return is_array($data) ? $data : [];
        };
        $this->stored = $read(self::path('/bitrix/.settings.php'));
        $this->data = $read(self::path('/bitrix/.settings_extra.php')) + $this->stored;
    }

    private static function path(string $relative): string
    {
        return rtrim((string) $_SERVER['DOCUMENT_ROOT'], '/') . $relative;
    }
}
