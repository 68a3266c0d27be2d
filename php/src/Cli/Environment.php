<?php

declare(strict_types=1);

namespace Cashback\Cli;

use Cashback\Settings;

/**
 * The settings and the ledger a command works on, chosen by --config and
 * --database. Both are opened on first use, so --help and argument errors
 * never touch the configuration or the database.
 */
final class Environment
{
    private ?Settings $settings = null;
    private ?\CashbackLedger $ledger = null;

    public function __construct(
        private readonly string $repository,
        private readonly ?string $configOption,
        private readonly ?string $databaseOption,
        private readonly Output $output,
    ) {
    }

    public function settings(): Settings
    {
        return $this->settings ??= $this->loadSettings();
    }

    /** @throws \CashbackException when the database cannot be opened */
    public function ledger(): \CashbackLedger
    {
        return $this->ledger ??= $this->openLedger();
    }

    /** The database as it may be shown (a URL without its password). */
    public function databaseShown(): string
    {
        return \CashbackLedger::describeDatabase($this->databasePath())['location'];
    }

    /** --database, else the config's database, else the cashback.database ini setting (as the hosts do). */
    public function databasePath(): string
    {
        $path = $this->databaseOption ?? $this->settings()->database();
        if ($path === '') {
            $path = (string) ini_get('cashback.database');
        }
        if ($path === '') {
            throw Failure::config('no database configured: set \'database\' in ' . $this->configFile() . ' or pass --database=PATH|URL');
        }
        return $path;
    }

    /**
     * The operator's CLI sets ledgers up, so it creates a missing database (the
     * hosts never do) — and says so, in case the path was mistyped or the file moved.
     */
    private function openLedger(): \CashbackLedger
    {
        $path = $this->databasePath();
        $database = \CashbackLedger::describeDatabase($path);
        $isNew = $database['backend'] === 'sqlite' && !file_exists($path);
        $ledger = new \CashbackLedger($path, ['create' => true] + $this->settings()->ledgerOptions());
        if ($isNew) {
            $this->output->warn("note: created a new ledger database at {$database['location']}");
        }
        return $ledger;
    }

    /** An explicitly chosen file must exist; the default one may be absent (then defaults apply). */
    private function loadSettings(): Settings
    {
        try {
            return Settings::fromFile($this->configFile(), required: $this->isConfigChosen());
        } catch (\UnexpectedValueException $e) {
            throw Failure::config($e->getMessage());
        }
    }

    private function configFile(): string
    {
        if ($this->configOption !== null) {
            return $this->configOption;
        }
        $fromEnvironment = getenv('CASHBACK_CONFIG');
        return is_string($fromEnvironment) && $fromEnvironment !== ''
            ? $fromEnvironment
            : $this->repository . '/var/config.php';
    }

    private function isConfigChosen(): bool
    {
        return $this->configOption !== null || (string) getenv('CASHBACK_CONFIG') !== '';
    }
}
