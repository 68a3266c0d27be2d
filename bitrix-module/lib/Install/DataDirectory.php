<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

/**
 * The folder of the ledger's SQLite file. Inside DOCUMENT_ROOT it gets a
 * deny-all .htaccess (Apache; nginx needs its own rule, see README.md); the file
 * carries a marker so that uninstall removes only what the module wrote.
 */
final class DataDirectory
{
    public const HTACCESS_MARKER = '# retaillab.cashback: ledger data, never served';

    public const HTACCESS = self::HTACCESS_MARKER . "\n"
        . "<IfModule mod_authz_core.c>\n    Require all denied\n</IfModule>\n"
        . "<IfModule !mod_authz_core.c>\n    Order allow,deny\n    Deny from all\n</IfModule>\n";

    /** SQLite's own files next to the database. */
    public const SUFFIXES = ['', '-wal', '-shm', '-journal'];

    public function __construct(private readonly string $databasePath, private readonly string $documentRoot)
    {
    }

    public function directory(): string
    {
        return dirname($this->databasePath);
    }

    /** True when the folder is below DOCUMENT_ROOT, i.e. could be served by the web server. */
    public function isPublic(): bool
    {
        $root = rtrim($this->documentRoot, '/');
        return $root !== '' && str_starts_with($this->normalize($this->directory()) . '/', $this->normalize($root) . '/');
    }

    /** Creates the folder (owner and group only) and, inside DOCUMENT_ROOT, its .htaccess. */
    public function prepare(): void
    {
        Files::ensureDir($this->directory(), 0770);
        $htaccess = $this->directory() . '/.htaccess';
        if ($this->isPublic() && !is_file($htaccess) && file_put_contents($htaccess, self::HTACCESS) === false) {
            throw new \RuntimeException("cannot write $htaccess");
        }
    }

    /** Deletes the database files, then the module's .htaccess and the folder if nothing else is left. */
    public function delete(): void
    {
        foreach (self::SUFFIXES as $suffix) {
            if (is_file($this->databasePath . $suffix)) {
                @unlink($this->databasePath . $suffix);
            }
        }
        $dir = $this->directory();
        $htaccess = $dir . '/.htaccess';
        $entries = array_values(array_diff(@scandir($dir) ?: [], ['.', '..']));
        if ($entries === ['.htaccess'] && str_starts_with((string) @file_get_contents($htaccess), self::HTACCESS_MARKER)) {
            @unlink($htaccess);
        }
        if (is_dir($dir) && Files::isEmptyDir($dir)) {
            @rmdir($dir);
        }
    }

    private function normalize(string $path): string
    {
        $real = realpath($path);
        return rtrim($real !== false ? $real : $path, '/');
    }
}
