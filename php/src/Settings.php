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
     * @return array<string, string|int>
     */
    public static function defaults(): array
    {
        return self::HOST_DEFAULTS + \CashbackLedger::defaults();
    }

    /**
     * @param array<string, mixed> $values Overrides of defaults(); unknown keys are refused.
     */
    public static function fromArray(array $values): self
    {
        $defaults = self::defaults();
        $unknown = array_diff(array_keys($values), array_keys($defaults));
        if ($unknown !== []) {
            throw new \InvalidArgumentException('Unknown settings: ' . implode(', ', $unknown));
        }
        return new self($values + $defaults);
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

    /** Options for the CashbackLedger constructor: every option the ledger has a default for. */
    public function ledgerOptions(): array
    {
        $options = [];
        foreach (\CashbackLedger::defaults() as $name => $default) {
            $options[$name] = is_int($default) ? $this->int($name) : $this->string($name);
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
