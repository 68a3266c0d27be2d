<?php

declare(strict_types=1);

namespace Cashback;

/**
 * Settings of a host: where the ledger lives, the ledger's options and the
 * request limits. Loaded from a PHP file returning an array (var/config.php
 * for the standalone host); the Bitrix module builds it from its module
 * options instead. The keys and their defaults are defaults().
 */
final class Settings
{
    /**
     * The host's own settings. The ledger's options (timezone, max_batch and the
     * others) and their defaults come from the extension, CashbackLedger::defaults(),
     * so they are written only there.
     */
    private const HOST_DEFAULTS = [
        'database' => '',
        'max_body_bytes' => 16 * 1024 * 1024,
        'retry_after_seconds' => 5,
        'silence_hours' => 6,
        'admin_password_hash' => '',
    ];

    /** @param array<string, mixed> $values */
    private function __construct(private readonly array $values)
    {
    }

    /**
     * Every setting with its default: the host's own and the ledger's options.
     *
     * @return array<string, string|int|bool>
     */
    public static function defaults(): array
    {
        return self::HOST_DEFAULTS + \CashbackLedger::defaults();
    }

    /**
     * @param array<string, mixed> $values Overrides of defaults(); unknown keys and values of
     *     another type than their default's are refused.
     * @throws \InvalidArgumentException
     */
    public static function fromArray(array $values): self
    {
        $defaults = self::defaults();
        $unknown = array_diff(array_keys($values), array_keys($defaults));
        if ($unknown !== []) {
            throw new \InvalidArgumentException('Unknown settings: ' . implode(', ', $unknown));
        }
        foreach ($values as $name => $value) {
            // A quoted number would otherwise be cast silently, and a typo such as '1O000' read as 1.
            if (get_debug_type($value) !== get_debug_type($defaults[$name])) {
                throw new \InvalidArgumentException(
                    "setting $name must be " . get_debug_type($defaults[$name]) . ', not ' . get_debug_type($value),
                );
            }
        }
        return new self($values + $defaults);
    }

    /**
     * Reads a settings file: PHP returning an array. A file that does not start
     * with `<?php` is refused without being read as PHP (PHP would send its text
     * to the client as output), and whatever the PHP file prints is dropped.
     * The messages name the file and the problem, never its content.
     *
     * @param bool $required A missing file is an error; otherwise it means the defaults.
     * @throws \UnexpectedValueException for every problem of the file.
     */
    public static function fromFile(string $file, bool $required = false): self
    {
        if (!$required && !file_exists($file)) {
            return self::fromArray([]);
        }
        self::checkPhpFile($file);
        $values = self::run($file);
        if (!is_array($values)) {
            throw self::fileError($file, 'must return an array of settings, not ' . get_debug_type($values));
        }
        try {
            return self::fromArray($values);
        } catch (\InvalidArgumentException $e) {
            throw self::fileError($file, $e->getMessage());
        }
    }

    /** @throws \UnexpectedValueException unless $file is a readable file that starts with the PHP open tag */
    private static function checkPhpFile(string $file): void
    {
        // Every request reads the config: the usual case costs one read, the diagnosis only a failure.
        $head = is_file($file) ? @file_get_contents($file, false, null, 0, 6) : false;
        if (is_string($head) && preg_match('/^<\?php(\s|$)/i', $head) === 1) {
            return;
        }
        $problem = match (true) {
            !file_exists($file) => 'does not exist',
            !is_file($file) => 'is not a regular file',
            $head === false => 'cannot be read',
            default => 'is not a PHP settings file (it must start with <?php)',
        };
        throw self::fileError($file, $problem);
    }

    /** The file's return value; its output (echo, text outside the PHP tags) is discarded. */
    private static function run(string $file): mixed
    {
        $level = ob_get_level();
        ob_start();
        try {
            return require $file;
        } catch (\ParseError $e) {
            // PHP's message quotes the offending token: text of the file.
            throw self::fileError($file, "is not valid PHP (syntax error on line {$e->getLine()}; check it with php -l)");
        } catch (\Throwable $e) {
            throw self::fileError($file, 'failed while running: ' . $e::class . " on line {$e->getLine()}");
        } finally {
            while (ob_get_level() > $level) {
                ob_end_clean();
            }
        }
    }

    private static function fileError(string $file, string $problem): \UnexpectedValueException
    {
        return new \UnexpectedValueException("config file $file: $problem");
    }

    public function database(): string
    {
        return (string) $this->values['database'];
    }

    public function int(string $name): int
    {
        return (int) $this->values[$name];
    }

    public function string(string $name): string
    {
        return (string) $this->values[$name];
    }

    /** Options for the CashbackLedger constructor: every option the ledger has a default for. */
    public function ledgerOptions(): array
    {
        $options = [];
        foreach (\CashbackLedger::defaults() as $name => $default) {
            $options[$name] = match (true) {
                is_bool($default) => (bool) $this->values[$name],
                is_int($default) => $this->int($name),
                default => $this->string($name),
            };
        }
        // Serving requests never creates the database: a deleted or moved ledger must answer 503,
        // not start over empty. Setup (php/bin/setup-demo.php, the Bitrix installer) creates it.
        return $options + ['create' => false];
    }

    /**
     * Opens the ledger (the extension caches the connection per process).
     * Only setup passes $create: serving requests never creates the file.
     */
    public function openLedger(bool $create = false): \CashbackLedger
    {
        $path = $this->database();
        return new \CashbackLedger($path === '' ? null : $path, ['create' => $create] + $this->ledgerOptions());
    }
}
