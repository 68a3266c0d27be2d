<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * Checks the admin password against the configured password_hash() string.
 * Every attempt costs one full hash verification, whether a hash is
 * configured or not, and every failure the same delay, so neither timing nor
 * speed tells an attacker anything or lets them guess quickly.
 */
final class PasswordGate
{
    /** bcrypt (cost 10, like PASSWORD_DEFAULT) of a random string nobody knows. */
    private const DUMMY_HASH = '$2y$10$4g0K69JTTutxwgE3JcRxz.YvfWTsxZS4U.HTccjF433ciiuS.Jl9O';

    /** Longer input is not a password; it only makes slow hashes slower. */
    private const MAX_PASSWORD_BYTES = 1024;

    public function __construct(
        private readonly string $hash,
        private readonly int $failureDelayMicros = 500_000,
    ) {
    }

    public function isConfigured(): bool
    {
        return $this->hash !== '' && password_get_info($this->hash)['algo'] !== null;
    }

    public function verify(string $password): bool
    {
        $configured = $this->isConfigured();
        if (strlen($password) > self::MAX_PASSWORD_BYTES) {
            $password = '';
        }
        $matches = password_verify($password, $configured ? $this->hash : self::DUMMY_HASH);
        return $matches && $configured && $password !== '';
    }

    /** Called on every failed sign-in, whatever the reason. */
    public function slowDown(): void
    {
        usleep($this->failureDelayMicros);
    }
}
