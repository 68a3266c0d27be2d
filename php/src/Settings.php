<?php

declare(strict_types=1);

namespace Cashback;

/**
 * Settings of a host: where the ledger lives and the request limits. Loaded
 * from a PHP file returning an array (var/config.php for the standalone
 * host); the Bitrix module builds it from its module options instead.
 */
final class Settings
{
    public const DEFAULTS = [
        'database' => '',
        'timezone' => 'Europe/Moscow',
        'busy_timeout_ms' => 5000,
        'max_batch' => 10000,
        'max_body_bytes' => 16 * 1024 * 1024,
        'retry_after_seconds' => 5,
        'auth_max_failures' => 10,
        'silence_hours' => 6,
        'admin_password_hash' => '',
    ];

    /** @param array<string, mixed> $values */
    private function __construct(private readonly array $values)
    {
    }

    /**
     * @param array<string, mixed> $values Overrides of DEFAULTS; unknown keys are refused.
     */
    public static function fromArray(array $values): self
    {
        $unknown = array_diff(array_keys($values), array_keys(self::DEFAULTS));
        if ($unknown !== []) {
            throw new \InvalidArgumentException('Unknown settings: ' . implode(', ', $unknown));
        }
        return new self($values + self::DEFAULTS);
    }

    /** Reads a config file that returns an array; a missing file means defaults. */
    public static function fromFile(string $file): self
    {
        if (!is_file($file)) {
            return self::fromArray([]);
        }
        $values = require $file;
        if (!is_array($values)) {
            throw new \InvalidArgumentException("$file must return an array");
        }
        return self::fromArray($values);
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

    /** Options for the CashbackLedger constructor. */
    public function ledgerOptions(): array
    {
        return [
            'timezone' => $this->string('timezone'),
            'busy_timeout_ms' => $this->int('busy_timeout_ms'),
            'max_batch' => $this->int('max_batch'),
            'auth_max_failures' => $this->int('auth_max_failures'),
            // Serving requests never creates the database: a deleted or moved ledger must answer 503,
            // not start over empty. Setup (php/bin/setup-demo.php, the Bitrix installer) creates it.
            'create' => false,
        ];
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
