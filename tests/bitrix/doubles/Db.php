<?php

declare(strict_types=1);

// Test doubles of the main module's database connection classes, as far as the
// module reads them, and the exceptions a refused query throws (DB\Exception,
// SqlException, SqlQueryException: ModuleManager::registerModule() of a module
// registered already, doubles/Main.php): the connection pool behind Application::getConnection()
// and the connection objects it creates from the 'connections' section of
// /bitrix/.settings.php (read through the Configuration double, over real
// temporary .settings.php files). Nothing here connects to a database.
//
// Followed: the main module of 1C-Bitrix as published in yuliai/bitrix-modules
// (main 26.250.0, commit 8c34763: main/lib/config/configuration.php,
// main/lib/db/mysqliconnection.php; commit 793dd13: main/lib/db/connection.php)
// and avshatalov48/bitrix-core-business (modules/main/lib/data/connectionpool.php
// at 998ac41, modules/main/lib/data/connection.php at 50d9397). What is imitated:
//   - ConnectionPool::getConnection($name = ''): '' means 'default'; the
//     parameters are Configuration::getValue('connections')[$name]; the class
//     is the entry's 'className' (a missing class is a ConfigurationException);
//     `new $className($parameters)`, kept per name; null when nothing is configured.
//     (The old core's fallback to php_interface/dbconn.php is left out.)
//   - Data\Connection keeps the configuration array (getConfiguration());
//     DB\Connection reads host, database, login, password and options
//     (default 2) from it and returns them from getHost(), getDatabase(),
//     getLogin(), getPassword().
//   - MysqliConnection extends MysqlCommonConnection extends DB\Connection;
//     PgsqlConnection extends DB\Connection directly.

namespace Bitrix\Main {
    if (!class_exists(SystemException::class, false)) {
        class SystemException extends \Exception
        {
        }
    }
}

namespace Bitrix\Main\Config {
    if (!class_exists(ConfigurationException::class, false)) {
        class ConfigurationException extends \Bitrix\Main\SystemException
        {
        }
    }
}

namespace Bitrix\Main\Data {
    use Bitrix\Main\Config\Configuration;
    use Bitrix\Main\Config\ConfigurationException;

    /** Bitrix\Main\Data\Connection (avshatalov48/bitrix-core-business, modules/main/lib/data/connection.php, 50d9397): the configuration array. */
    abstract class Connection
    {
        protected $configuration;

        public function __construct(array $configuration)
        {
            $this->configuration = $configuration;
        }

        public function getConfiguration()
        {
            return $this->configuration;
        }
    }

    /** Bitrix\Main\Data\ConnectionPool (avshatalov48/bitrix-core-business, modules/main/lib/data/connectionpool.php, 998ac41). */
    class ConnectionPool
    {
        public const DEFAULT_CONNECTION_NAME = 'default';

        /** @var array<string, Connection> */
        protected $connections = [];

        public function getConnection($name = '')
        {
            if ($name === '') {
                $name = self::DEFAULT_CONNECTION_NAME;
            }
            if (!isset($this->connections[$name])) {
                $parameters = Configuration::getValue('connections')[$name] ?? null;
                if (!empty($parameters) && is_array($parameters)) {
                    $className = $parameters['className'] ?? '';
                    if (!is_string($className) || $className === '' || !class_exists($className)) {
                        throw new ConfigurationException("no connection class $className for the connection $name");
                    }
                    $this->connections[$name] = new $className($parameters);
                }
            }
            return $this->connections[$name] ?? null;
        }
    }
}

namespace Bitrix\Main\DB {
    if (!class_exists(Exception::class, false)) {
        /**
         * Bitrix\Main\DB\Exception (avshatalov48/bitrix-core-business,
         * modules/main/lib/db/exception.php, d3f1449): the message is "message:
         * database message" (or either one alone), the code 400.
         */
        class Exception extends \Bitrix\Main\SystemException
        {
            protected $databaseMessage;

            public function __construct($message = '', $databaseMessage = '', ?\Throwable $previous = null)
            {
                if ($message != '' && $databaseMessage != '') {
                    $message .= ': ' . $databaseMessage;
                } elseif ($message == '') {
                    $message = $databaseMessage;
                }
                $this->databaseMessage = $databaseMessage;
                parent::__construct((string) $message, 400, $previous);
            }

            public function getDatabaseMessage()
            {
                return $this->databaseMessage;
            }
        }
    }

    if (!class_exists(SqlQueryException::class, false)) {
        /** Bitrix\Main\DB\SqlException (modules/main/lib/db/sqlexception.php, 1faf5ac). */
        class SqlException extends Exception
        {
        }

        /**
         * Bitrix\Main\DB\SqlQueryException (same file): what a connection throws when
         * the database refuses a query, e.g. a duplicate key; getQuery() is the SQL.
         */
        class SqlQueryException extends SqlException
        {
            protected $query = '';

            public function __construct($message = '', $databaseMessage = '', $query = '', ?\Throwable $previous = null)
            {
                parent::__construct($message, $databaseMessage, $previous);
                $this->query = $query;
            }

            public function getQuery()
            {
                return $this->query;
            }
        }
    }

    /** Bitrix\Main\DB\Connection (yuliai/bitrix-modules, main/lib/db/connection.php, 793dd13): the four strings and their getters. */
    abstract class Connection extends \Bitrix\Main\Data\Connection
    {
        public const PERSISTENT = 1;
        public const DEFERRED = 2;

        protected $host;
        protected $database;
        protected $login;
        protected $password;
        protected $options = 0;

        public function __construct(array $configuration)
        {
            parent::__construct($configuration);
            $this->host = $configuration['host'] ?? '';
            $this->database = $configuration['database'] ?? '';
            $this->login = $configuration['login'] ?? '';
            $this->password = $configuration['password'] ?? '';
            $this->options = intval($configuration['options'] ?? 2);
        }

        public function getHost()
        {
            return $this->host;
        }

        public function getDatabase()
        {
            return $this->database;
        }

        public function getLogin()
        {
            return $this->login;
        }

        public function getPassword()
        {
            return $this->password;
        }
    }

    /** Bitrix\Main\DB\MysqlCommonConnection: the base of the MySQL connections. */
    abstract class MysqlCommonConnection extends Connection
    {
    }

    /** Bitrix\Main\DB\MysqliConnection (yuliai/bitrix-modules main 26.250.0, main/lib/db/mysqliconnection.php): only its class matters here. */
    class MysqliConnection extends MysqlCommonConnection
    {
    }

    /** Bitrix\Main\DB\PgsqlConnection (avshatalov48/bitrix-core-business, modules/main/lib/db/pgsqlconnection.php): not a MySQL one. */
    class PgsqlConnection extends Connection
    {
    }
}
