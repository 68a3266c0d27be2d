<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Ledger;

/**
 * The module's handling of MariaDB/MySQL URLs as the extension reads them:
 * `mysql://user:password@host:port/database?socket=/path&table_prefix=x_`
 * (also `mariadb://`; user and password percent-encoded). The extension parses
 * the URL (WHATWG rules); this class only moves the password out of a URL and
 * back in, so that the module can store and show the URL without it.
 *
 * The userinfo of a URL is everything before the last `@` of its authority,
 * and the authority ends at the first `/`, `?` or `#`; the password is the
 * userinfo after its first `:`. That is how the extension's URL parser splits
 * them, so a password moved out here is the one the extension would have used.
 *
 * Parameters that may hold a password are #[\SensitiveParameter] here and in the
 * module's other storage code, so PHP leaves them out of exception traces.
 */
final class DatabaseUrl
{
    public const SCHEMES = ['mysql', 'mariadb'];

    /** The ledger's tables without table_prefix: the extension's default. */
    public const DEFAULT_TABLE_PREFIX = 'local_cashback_';

    /** What describeDatabase() shows for a URL it cannot parse (nothing of the URL itself). */
    private const UNPARSABLE = '(a URL that does not parse)';

    private const AUTHORITY = '~^(\s*[A-Za-z][A-Za-z0-9+.\-]*://)([^/?#]*)@~';

    /** True when $setting names a MariaDB/MySQL database rather than a SQLite file. */
    public static function isUrl(#[\SensitiveParameter] string $setting): bool
    {
        $lower = strtolower(ltrim($setting));
        foreach (self::SCHEMES as $scheme) {
            if (str_starts_with($lower, $scheme . '://')) {
                return true;
            }
        }
        return false;
    }

    /**
     * The URL without its password, and the password (percent-decoded; null when the URL has none).
     *
     * @return array{0: string, 1: ?string}
     */
    public static function splitPassword(#[\SensitiveParameter] string $url): array
    {
        if (preg_match(self::AUTHORITY, $url, $match) !== 1) {
            return [$url, null];
        }
        $colon = strpos($match[2], ':');
        if ($colon === false) {
            return [$url, null];
        }
        $user = substr($match[2], 0, $colon);
        $password = rawurldecode(substr($match[2], $colon + 1));
        return [$match[1] . $user . '@' . substr($url, strlen($match[0])), $password];
    }

    /** $url with $password (raw, percent-encoded here) in place of any password it has; '' means none. */
    public static function withPassword(#[\SensitiveParameter] string $url, #[\SensitiveParameter] string $password): string
    {
        [$url] = self::splitPassword($url);
        if ($password === '' || preg_match(self::AUTHORITY, $url, $match) !== 1) {
            return $url;
        }
        return $match[1] . $match[2] . ':' . rawurlencode($password) . '@' . substr($url, strlen($match[0]));
    }

    /** A socket path as the URL's socket= parameter (the query is form-decoded: `+` and `%` must be encoded, `/` need not). */
    public static function encodeQueryValue(string $value): string
    {
        return str_replace('%2F', '/', rawurlencode($value));
    }

    /**
     * Where a database setting points, as it may be shown anywhere (settings page,
     * install report, logs): the extension's location, which never holds a password.
     */
    public static function location(#[\SensitiveParameter] string $setting): string
    {
        return (string) \CashbackLedger::describeDatabase($setting)['location'];
    }

    /** A database setting as it may be shown: a URL by its location, a file path as it is. */
    public static function shown(#[\SensitiveParameter] string $setting): string
    {
        return self::isUrl($setting) ? self::location($setting) : $setting;
    }

    /** True when the extension can read $url (a URL it cannot parse is refused when the ledger is opened). */
    public static function parses(#[\SensitiveParameter] string $url): bool
    {
        return self::isUrl($url) && !str_contains(self::location($url), self::UNPARSABLE);
    }

    /**
     * Text typed into the URL field, as it may be shown in the form again: without
     * its password, and only if the extension reads it (anything else could hide a
     * password in a place this class does not split); '' otherwise.
     */
    public static function displayable(#[\SensitiveParameter] string $text): string
    {
        [$url] = self::splitPassword(trim($text));
        if ($url === '' || !self::parses($url)) {
            return '';
        }
        // PHP's own URL parser must not find a password either.
        $parts = parse_url($url);
        return is_array($parts) && isset($parts['pass']) ? '' : $url;
    }

    /** The prefix of the ledger's tables for a location from location(). */
    public static function tablePrefix(string $location): string
    {
        return preg_match('/[?&]table_prefix=([A-Za-z0-9_]*)/', $location, $match) === 1 ? $match[1] : self::DEFAULT_TABLE_PREFIX;
    }
}
