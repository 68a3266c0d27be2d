<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Ledger;

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * "Use the site's database": the ledger's URL built from the connection Bitrix
 * itself uses, so host, database, login and password are never typed twice.
 * The ledger's tables (prefix local_cashback_) then live beside Bitrix's b_*.
 *
 * Facts of the Bitrix core this relies on, read in the main module's source
 * (yuliai/bitrix-modules, main 26.250.0 at commit 8c34763, unless noted):
 *
 *  - Application::getConnection($name = '') returns the connection pool's
 *    connection, '' being 'default' (main/lib/Application.php, commit 39cd5bc;
 *    the pool: avshatalov48/bitrix-core-business
 *    modules/main/lib/data/connectionpool.php, commit 998ac41).
 *    The pool builds it from Configuration::getValue('connections')['default'],
 *    i.e. the 'connections' => ['value' => ['default' => [...]]] section of
 *    /bitrix/.settings.php (or .settings_extra.php, which replaces whole
 *    sections: main/lib/config/configuration.php), with `new $className($entry)`.
 *    Reading the live connection covers whatever the pool was given, so the
 *    module never includes .settings.php itself.
 *  - The entry's keys: className, host, database, login, password, options;
 *    DB\Connection (main/lib/db/connection.php, commit 793dd13) stores the four
 *    strings and returns them from getHost(), getDatabase(), getLogin(),
 *    getPassword().
 *  - MySQL is \Bitrix\Main\DB\MysqliConnection (extends MysqlCommonConnection);
 *    PostgreSQL is PgsqlConnection, which extends DB\Connection directly. Only a
 *    MysqliConnection (or a subclass) is accepted here: the ledger speaks MySQL.
 *  - MysqliConnection::connectInternal() (main/lib/db/mysqliconnection.php) cuts
 *    'host' at its first ':', takes intval() of the rest as the port and calls
 *    mysqli::real_connect() with the port only when it is > 0. So "db:3307" is
 *    port 3307, and "localhost:/run/mysqld/mysqld.sock" is host localhost with
 *    port 0: the path is dropped, MysqliConnection cannot name a socket.
 *
 * And of PHP's mysqli, which then connects (php/php-src): real_connect() without
 * a socket or a port uses the ini settings mysqli.default_socket and
 * mysqli.default_port, and an empty host mysqli.default_host
 * (ext/mysqli/mysqli_nonapi.c, mysqli_common_connect); mysqlnd connects to the
 * host "localhost" (any case) through the Unix socket, /tmp/mysql.sock when none
 * is set, whatever the port, and to any other host over TCP, port 3306 when 0
 * (ext/mysqlnd/mysqlnd_connection.c, mysqlnd_conn_data::get_scheme, and
 * mysqlnd_conn_data::connect for an empty host). The URL below reproduces that,
 * so the ledger reaches the very server the site uses: "localhost" (with or
 * without a port) becomes ?socket= of this PHP's mysqli.default_socket.
 */
final class SiteConnection
{
    /** Bitrix's MySQL connection class (PHP 8 has no other: MysqlConnection needs the removed mysql extension). */
    public const MYSQLI_CLASS = 'Bitrix\Main\DB\MysqliConnection';

    /** mysqlnd's socket when mysqli.default_socket is empty. */
    public const MYSQLND_DEFAULT_SOCKET = '/tmp/mysql.sock';

    /** mysqlnd's port when none is given (and mysqli.default_port is empty). */
    public const DEFAULT_PORT = 3306;

    /** A host name or IPv4 address as a URL may carry it unencoded. */
    private const HOST_PATTERN = '/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/';

    /**
     * The ledger's URL for the site's default connection.
     *
     * @throws StorageException no connection, not MySQL, a host that cannot be read
     */
    public static function url(): string
    {
        try {
            $connection = Application::getConnection();
        } catch (\Throwable $e) {
            // The kernel's messages name a class or a connection, never a password.
            throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_NO_CONNECTION', ['#ERROR#' => $e->getMessage()]));
        }
        if (!$connection instanceof \Bitrix\Main\DB\Connection) {
            throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_NO_CONNECTION', ['#ERROR#' => 'default']));
        }
        return self::urlFromSettings(self::settingsOf($connection));
    }

    /**
     * A connection object as the .settings.php entry it was made from (the kernel's getters).
     *
     * @return array{className: string, host: string, database: string, login: string, password: string}
     */
    public static function settingsOf(\Bitrix\Main\DB\Connection $connection): array
    {
        return [
            'className' => $connection::class,
            'host' => (string) $connection->getHost(),
            'database' => (string) $connection->getDatabase(),
            'login' => (string) $connection->getLogin(),
            'password' => (string) $connection->getPassword(),
        ];
    }

    /**
     * The ledger's URL for a 'connections' → 'value' → <name> entry of .settings.php.
     *
     * @param array<string, mixed> $connection className, host, database, login, password
     * @param array{socket?: string, port?: int, host?: string}|null $mysqliDefaults mysqli's ini
     *     defaults (mysqli.default_socket, mysqli.default_port, mysqli.default_host); null: this PHP's.
     * @throws StorageException
     */
    public static function urlFromSettings(#[\SensitiveParameter] array $connection, ?array $mysqliDefaults = null): string
    {
        $defaults = ($mysqliDefaults ?? self::mysqliDefaults()) + ['socket' => '', 'port' => 0, 'host' => ''];
        $class = ltrim((string) ($connection['className'] ?? ''), '\\');
        if ($class === '' || !is_a($class, self::MYSQLI_CLASS, true)) {
            throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_NOT_MYSQL', ['#CLASS#' => $class !== '' ? $class : '-']));
        }
        $login = (string) ($connection['login'] ?? '');
        $database = (string) ($connection['database'] ?? '');
        if ($login === '' || $database === '') {
            throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_INCOMPLETE'));
        }

        // As MysqliConnection::connectInternal(): host up to the first ':', intval() of the rest.
        $host = (string) ($connection['host'] ?? '');
        $port = 0;
        if (($colon = strpos($host, ':')) !== false) {
            $port = (int) substr($host, $colon + 1);
            $host = substr($host, 0, $colon);
        }
        // As mysqli and mysqlnd: an empty host is mysqli.default_host, else localhost.
        if ($host === '') {
            $host = (string) $defaults['host'] !== '' ? (string) $defaults['host'] : 'localhost';
        }

        $url = 'mysql://' . rawurlencode($login);
        $password = (string) ($connection['password'] ?? '');
        if ($password !== '') {
            $url .= ':' . rawurlencode($password);
        }
        if (strcasecmp($host, 'localhost') === 0) {
            // mysqlnd: localhost is the Unix socket, the port does not matter.
            $socket = (string) $defaults['socket'] !== '' ? (string) $defaults['socket'] : self::MYSQLND_DEFAULT_SOCKET;
            return $url . '@localhost/' . rawurlencode($database) . '?socket=' . DatabaseUrl::encodeQueryValue($socket);
        }
        if (preg_match(self::HOST_PATTERN, $host) !== 1) {
            throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_BAD_HOST', ['#HOST#' => (string) ($connection['host'] ?? '')]));
        }
        if ($port <= 0) {
            $port = (int) $defaults['port'] > 0 ? (int) $defaults['port'] : self::DEFAULT_PORT;
        }
        if ($port > 65535) {
            throw new StorageException((string) Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_BAD_HOST', ['#HOST#' => (string) ($connection['host'] ?? '')]));
        }
        return $url . '@' . $host . ':' . $port . '/' . rawurlencode($database);
    }

    /**
     * This PHP's mysqli defaults, which Bitrix's own connection gets from mysqli
     * (empty when mysqli is not loaded: then mysqlnd's own defaults apply).
     *
     * @return array{socket: string, port: int, host: string}
     */
    public static function mysqliDefaults(): array
    {
        return [
            'socket' => (string) ini_get('mysqli.default_socket'),
            'port' => (int) ini_get('mysqli.default_port'),
            'host' => (string) ini_get('mysqli.default_host'),
        ];
    }
}
