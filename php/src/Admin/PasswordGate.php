<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * Checks the admin password against the configured password_hash() string.
 * Every attempt costs one full hash verification, whether a hash is
 * configured or not, so timing tells an attacker nothing. How often an
 * address may guess is the ledger's login throttle (AdminApp::logIn).
 */
final class PasswordGate
{
    /** bcrypt (cost 10, like PASSWORD_DEFAULT) of a random string nobody knows. */
    private const DUMMY_HASH = '$2y$10$4g0K69JTTutxwgE3JcRxz.YvfWTsxZS4U.HTccjF433ciiuS.Jl9O';

    /** Longer input is not a password; it only makes slow hashes slower. */
    private const MAX_PASSWORD_BYTES = 1024;

    public function __construct(private readonly string $hash)
    {
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

    /**
     * What a session signed in here keeps to prove it still belongs: it
     * changes with the configured hash and with the instance. Keyed by the
     * hash, so a session file reveals nothing of it. Null when sign-in is
     * disabled, so that no session is accepted.
     */
    public function fingerprint(string $instance): ?string
    {
        return $this->isConfigured() ? hash_hmac('sha256', $instance, $this->hash) : null;
    }
}
