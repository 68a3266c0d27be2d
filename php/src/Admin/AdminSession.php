<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * The admin's sign-in, kept in a PHP session: a cookie limited to the admin
 * path, HttpOnly and SameSite=Strict, a CSRF token per session, a new session
 * id on sign-in, and expiry after idleness or a working day.
 *
 * A sign-in is bound to its host and password: the cookie is named after the
 * instance, because hosts on one machine share PHP's session directory and a
 * browser sends a host's cookies to every port; and the session keeps the
 * password gate's fingerprint, so changing or removing the password hash
 * signs every session out.
 *
 * A session is started only when needed (the login form, a request that
 * carries the cookie), so anonymous hits on /admin/ leave no files behind.
 */
final class AdminSession
{
    private const COOKIE_PREFIX = 'cashback_admin_';
    private const IDLE_SECONDS = 3600;
    private const MAX_AGE_SECONDS = 12 * 3600;
    private const OWN_DIRECTORY = 'cashback-admin-sessions';

    private readonly string $cookieName;

    /**
     * @param string $instance What tells this host from others on the machine (its database).
     * @param ?string $fingerprint PasswordGate::fingerprint(); null accepts no sign-in.
     */
    public function __construct(
        private readonly string $cookiePath,
        private readonly bool $secureCookie,
        string $instance,
        private readonly ?string $fingerprint,
    ) {
        $this->cookieName = self::COOKIE_PREFIX . substr(hash('sha256', $instance), 0, 16);
    }

    public function hasCookie(): bool
    {
        return is_string($_COOKIE[$this->cookieName] ?? null);
    }

    public function start(): void
    {
        if (session_status() === PHP_SESSION_ACTIVE) {
            return;
        }
        session_name($this->cookieName);
        session_set_cookie_params([
            'lifetime' => 0,
            'path' => $this->cookiePath,
            'secure' => $this->secureCookie,
            'httponly' => true,
            'samesite' => 'Strict',
        ]);
        $options = [
            // Refuse session ids the server did not issue (session fixation).
            'use_strict_mode' => true,
            'use_only_cookies' => true,
            'use_trans_sid' => false,
            // The response sets its own Cache-Control: no-store.
            'cache_limiter' => '',
            'gc_maxlifetime' => self::MAX_AGE_SECONDS,
        ];
        $configured = self::directoryOf((string) ini_get('session.save_path'));
        if ((string) ini_get('session.save_handler') === 'files' && !self::isWritableDirectory($configured)) {
            $options['save_path'] = self::ownDirectory();
            // No cron job cleans our own directory (Debian's only cleans its own), so PHP must.
            $options['gc_probability'] = 1;
            $options['gc_divisor'] = 100;
        }
        if (!session_start($options)) {
            throw new \RuntimeException('The admin session could not be started');
        }
        $this->endIfInvalid(time());
    }

    public function isAuthenticated(): bool
    {
        if (!$this->hasCookie()) {
            return false;
        }
        $this->start();
        return isset($_SESSION['auth']);
    }

    public function csrfToken(): string
    {
        $this->start();
        if (!is_string($_SESSION['csrf'] ?? null)) {
            $_SESSION['csrf'] = bin2hex(random_bytes(32));
        }
        return $_SESSION['csrf'];
    }

    public function isValidCsrfToken(string $token): bool
    {
        if (!$this->hasCookie()) {
            return false;
        }
        $this->start();
        $expected = $_SESSION['csrf'] ?? null;
        return is_string($expected) && $token !== '' && hash_equals($expected, $token);
    }

    public function logIn(): void
    {
        $this->start();
        session_regenerate_id(true);
        $now = time();
        $_SESSION = [
            'csrf' => bin2hex(random_bytes(32)),
            'auth' => ['since' => $now, 'seen' => $now, 'fingerprint' => $this->fingerprint],
        ];
    }

    public function logOut(): void
    {
        $this->start();
        $_SESSION = [];
        session_destroy();
        setcookie($this->cookieName, '', [
            'expires' => 1,
            'path' => $this->cookiePath,
            'secure' => $this->secureCookie,
            'httponly' => true,
            'samesite' => 'Strict',
        ]);
    }

    /** Releases the session file lock before slow work such as database queries. */
    public function close(): void
    {
        if (session_status() === PHP_SESSION_ACTIVE) {
            session_write_close();
        }
    }

    /** Signs out a session that has timed out or was opened under another password or host. */
    private function endIfInvalid(int $now): void
    {
        $auth = $_SESSION['auth'] ?? null;
        if (!is_array($auth)) {
            return;
        }
        if ($this->isStale($auth, $now) || !$this->isBound($auth)) {
            unset($_SESSION['auth']);
            return;
        }
        $_SESSION['auth']['seen'] = $now;
    }

    private function isStale(array $auth, int $now): bool
    {
        $since = (int) ($auth['since'] ?? 0);
        $seen = (int) ($auth['seen'] ?? 0);
        return $now - $seen > self::IDLE_SECONDS || $now - $since > self::MAX_AGE_SECONDS;
    }

    private function isBound(array $auth): bool
    {
        $fingerprint = $auth['fingerprint'] ?? null;
        return $this->fingerprint !== null && is_string($fingerprint) && hash_equals($this->fingerprint, $fingerprint);
    }

    /** The directory of a save_path, which may be written "N;MODE;/path". */
    private static function directoryOf(string $savePath): string
    {
        $parts = explode(';', $savePath);
        return (string) end($parts);
    }

    private static function isWritableDirectory(string $path): bool
    {
        return $path !== '' && is_dir($path) && is_writable($path);
    }

    private static function ownDirectory(): string
    {
        $directory = rtrim(sys_get_temp_dir(), '/') . '/' . self::OWN_DIRECTORY;
        if (!is_dir($directory) && !@mkdir($directory, 0700, true) && !is_dir($directory)) {
            throw new \RuntimeException("Cannot create the admin session directory $directory");
        }
        return $directory;
    }
}
