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
 *   alone and tells the admin what to add by hand;
 * - saveConfiguration() rewrites the whole file and checks nothing (main 23.300:
 *   chmod 0644 if the file is not writable, file_put_contents, no result). So the
 *   change is made only when the file (or, while it does not exist, its folder) is
 *   writable — a read-only .settings.php is the site owner's choice, not to be
 *   chmod-ed — and the file is read back afterwards: if the route is not listed
 *   there the result is NOT_SAVED, and the API is served by the urlrewrite
 *   fallback until someone adds the entry by hand.
 *
 * The file is /bitrix/.settings.php (main 23.300 reads and writes only that
 * one); newer cores prefer /local/.settings.php when it exists, so that one is
 * checked and read back too.
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
    /** The settings file may not be written: nothing was attempted (the file is settingsFile()). */
    public const NOT_WRITABLE = 'not_writable';
    /** The file was written, but reading it back does not show the change (the file is settingsFile()). */
    public const NOT_SAVED = 'not_saved';

    /** Site-relative settings files the kernel may read, the one newer cores prefer first. */
    private const SETTINGS_FILES = ['/local/.settings.php', '/bitrix/.settings.php'];

    public function __construct(private readonly string $documentRoot)
    {
    }

    /** @return self::ADDED|self::ALREADY|self::MANUAL|self::NOT_WRITABLE|self::NOT_SAVED */
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
        if (!$this->writable()) {
            return self::NOT_WRITABLE;
        }
        $routing['config'] = [...$files, self::FILE];
        $this->save($routing);
        return $this->storedListsRoute() ? self::ADDED : self::NOT_SAVED;
    }

    /** @return self::REMOVED|self::ABSENT|self::MANUAL|self::NOT_WRITABLE|self::NOT_SAVED */
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
        if (!$this->writable()) {
            return self::NOT_WRITABLE;
        }
        $routing['config'] = array_values(array_filter($files, static fn ($file) => $file !== self::FILE));
        $this->save($routing);
        return $this->storedListsRoute() ? self::NOT_SAVED : self::REMOVED;
    }

    /** The settings file (site-relative) the kernel writes: /local/.settings.php when it exists, else /bitrix/.settings.php. */
    public function settingsFile(): string
    {
        return $this->existingSettingsFiles()[0] ?? self::SETTINGS_FILES[1];
    }

    /** True when every settings file there is may be written, and /bitrix/.settings.php may be created if it is missing. */
    private function writable(): bool
    {
        foreach (self::SETTINGS_FILES as $relative) {
            $file = $this->documentRoot . $relative;
            if (file_exists($file) ? !is_writable($file) : ($relative === self::SETTINGS_FILES[1] && !is_writable(dirname($file)))) {
                return false;
            }
        }
        return true;
    }

    /** Reads the settings files from disk again (not the kernel's copy in memory): does one list the route file? */
    private function storedListsRoute(): bool
    {
        foreach ($this->existingSettingsFiles() as $relative) {
            $file = $this->documentRoot . $relative;
            clearstatcache(true, $file);
            if (function_exists('opcache_invalidate')) {
                // The next hit must not run a cached copy either.
                @opcache_invalidate($file, true);
            }
            $data = is_file($file) ? (static fn (string $file) => @include $file)($file) : null;
            $files = is_array($data) && is_array($data['routing']['value'] ?? null) ? $this->files($data['routing']['value']) : [];
            if (in_array(self::FILE, $files, true)) {
                return true;
            }
        }
        return false;
    }

    /** @return list<string> the settings files that exist, site-relative, in the order the kernel prefers them */
    private function existingSettingsFiles(): array
    {
        return array_values(array_filter(self::SETTINGS_FILES, fn (string $relative) => file_exists($this->documentRoot . $relative)));
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
