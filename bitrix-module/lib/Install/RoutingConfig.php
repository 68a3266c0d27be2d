<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

use Bitrix\Main\Config\Configuration;

/**
 * Lists the module's route file in the kernel's routing config
 * ('routing' => ['value' => ['config' => ['web.php', 'cashback.php']]]) and takes
 * it out again, keeping every other file of the list and every other key.
 *
 * Two behaviours of Bitrix\Main\Config\Configuration matter here:
 * - add() silently ignores a section marked readonly, and the docs recommend
 *   'readonly' => true for routing; addReadonly() writes it anyway (and keeps it
 *   readonly);
 * - a section defined in .settings_extra.php overrides .settings.php, but
 *   saveConfiguration() writes only .settings.php. When the extra file defines
 *   routing, the change would not take effect: the installer leaves the config
 *   alone and tells the admin what to add by hand.
 */
final class RoutingConfig
{
    public const FILE = 'cashback.php';

    public const ADDED = 'added';
    public const ALREADY = 'already';
    public const REMOVED = 'removed';
    public const ABSENT = 'absent';
    /** The change must be made by hand (in the file named by extraFile()). */
    public const MANUAL = 'manual';

    public function __construct(private readonly string $documentRoot)
    {
    }

    /** @return self::ADDED|self::ALREADY|self::MANUAL */
    public function add(): string
    {
        $routing = $this->routing();
        $files = $this->files($routing);
        if (in_array(self::FILE, $files, true)) {
            return self::ALREADY;
        }
        if ($this->extraFile() !== null) {
            return self::MANUAL;
        }
        $routing['config'] = [...$files, self::FILE];
        $this->save($routing);
        return self::ADDED;
    }

    /** @return self::REMOVED|self::ABSENT|self::MANUAL */
    public function remove(): string
    {
        $routing = $this->routing();
        $files = $this->files($routing);
        if (!in_array(self::FILE, $files, true)) {
            return self::ABSENT;
        }
        if ($this->extraFile() !== null) {
            return self::MANUAL;
        }
        $routing['config'] = array_values(array_filter($files, static fn ($file) => $file !== self::FILE));
        $this->save($routing);
        return self::REMOVED;
    }

    /** The .settings_extra.php (site-relative) that defines routing, if any. */
    public function extraFile(): ?string
    {
        foreach (['/bitrix/.settings_extra.php', '/local/.settings_extra.php'] as $relative) {
            $file = $this->documentRoot . $relative;
            if (is_file($file)) {
                $data = (static fn (string $file) => include $file)($file);
                if (is_array($data) && array_key_exists('routing', $data)) {
                    return $relative;
                }
            }
        }
        return null;
    }

    /** @return array<string, mixed> */
    private function routing(): array
    {
        $routing = Configuration::getValue('routing');
        return is_array($routing) ? $routing : [];
    }

    /** @return list<string> */
    private function files(array $routing): array
    {
        $files = $routing['config'] ?? [];
        return is_array($files) ? array_values(array_map('strval', $files)) : [];
    }

    private function save(array $routing): void
    {
        $configuration = Configuration::getInstance();
        $configuration->addReadonly('routing', $routing);
        $configuration->saveConfiguration();
    }
}
