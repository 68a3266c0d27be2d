<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

/**
 * File copies of the installer in plain PHP (CopyDirFiles/DeleteDirFiles do the
 * same in Bitrix; these are tested for real). Removal only touches what the
 * module ships, never other files in the target folders.
 */
final class Files
{
    /** Mode of created folders and copied files (Bitrix's BX_*_PERMISSIONS when defined). */
    private static function dirMode(): int
    {
        return defined('BX_DIR_PERMISSIONS') ? (int) BX_DIR_PERMISSIONS : 0755;
    }

    private static function fileMode(): int
    {
        return defined('BX_FILE_PERMISSIONS') ? (int) BX_FILE_PERMISSIONS : 0644;
    }

    public static function ensureDir(string $dir, ?int $mode = null): void
    {
        if (!is_dir($dir) && !@mkdir($dir, $mode ?? self::dirMode(), true) && !is_dir($dir)) {
            throw new \RuntimeException("cannot create $dir");
        }
    }

    /** Copies one file, creating its folder; replaces an existing copy. */
    public static function copyFile(string $from, string $to): void
    {
        self::ensureDir(dirname($to));
        if (!@copy($from, $to)) {
            throw new \RuntimeException("cannot copy $from to $to");
        }
        @chmod($to, self::fileMode());
    }

    /**
     * Copies every file below $from into $to, keeping relative paths.
     *
     * @return list<string> The relative paths copied.
     */
    public static function copyTree(string $from, string $to): array
    {
        $copied = [];
        foreach (self::filesBelow($from) as $relative) {
            self::copyFile($from . '/' . $relative, $to . '/' . $relative);
            $copied[] = $relative;
        }
        return $copied;
    }

    /**
     * Removes from $to the files that $from has (same relative paths), then the
     * folders that became empty, up to but excluding $to.
     *
     * @return list<string> The relative paths removed.
     */
    public static function removeCopies(string $from, string $to): array
    {
        $removed = [];
        foreach (self::filesBelow($from) as $relative) {
            $target = $to . '/' . $relative;
            if (is_file($target) && @unlink($target)) {
                $removed[] = $relative;
            }
            self::removeEmptyDirs(dirname($target), $to);
        }
        return $removed;
    }

    /** Removes $dir and its parents while they are empty, stopping at $stopAt (kept). */
    public static function removeEmptyDirs(string $dir, string $stopAt): void
    {
        $stopAt = rtrim($stopAt, '/');
        while (str_starts_with($dir, $stopAt . '/') && is_dir($dir) && self::isEmptyDir($dir)) {
            if (!@rmdir($dir)) {
                return;
            }
            $dir = dirname($dir);
        }
    }

    public static function isEmptyDir(string $dir): bool
    {
        $entries = @scandir($dir);
        return $entries !== false && array_diff($entries, ['.', '..']) === [];
    }

    /** @return list<string> Relative paths of the files below $dir, sorted; none when $dir is missing. */
    public static function filesBelow(string $dir): array
    {
        if (!is_dir($dir)) {
            return [];
        }
        $files = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $file) {
            if ($file->isFile()) {
                $files[] = substr($file->getPathname(), strlen($dir) + 1);
            }
        }
        sort($files);
        return $files;
    }
}
