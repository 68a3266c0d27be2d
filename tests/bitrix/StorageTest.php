<?php

declare(strict_types=1);

use Bitrix\Main\Application;
use Bitrix\Main\Config\Configuration;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Context;
use Bitrix\Main\EventManager;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\SiteTable;
use Bitrix\Main\UrlRewriter;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Ledger\DatabaseUrl;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Ledger\SiteConnection;
use Retaillab\Cashback\Ledger\StorageException;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;
use Retaillab\Cashback\Settings\OptionFields;
use Retaillab\Cashback\Settings\Outcome;
use Retaillab\Cashback\Settings\SettingsPage;
use Retaillab\Cashback\Tests\Support\RunsTheInstaller;

require_once CASHBACK_MODULE_DIR . '/install/index.php';

/** A connection class of another module that extends Bitrix's MySQL one (a cluster or proxy class would). */
class StorageTestMysqliConnection extends \Bitrix\Main\DB\MysqliConnection
{
}

/**
 * Where the ledger lives: the SQLite file, the site's own database (read from
 * Bitrix's default connection, the Configuration and connection-pool doubles
 * over a real temporary /bitrix/.settings.php), or another MariaDB/MySQL URL.
 * The URL building is checked against the extension's own reading of it
 * (describeDatabase); the ledger is opened for real on the MariaDB server of
 * tests/mariadb/server.sh (CASHBACK_MARIADB_DIR, which make test starts), in
 * databases cb_bitrix_* made and dropped here. No password may ever reach HTML.
 */
final class StorageTest extends TestCase
{
    use RunsTheInstaller;

    /** A password with every character a URL treats specially (BitrixVM generates such ones). */
    private const PASSWORD = 'p@ss:w/rd?#%[]+= &x~"\'<b>';

    private const TCP_DEFAULTS = ['socket' => '/var/run/mysqld/mysqld.sock', 'port' => 3306, 'host' => ''];

    private string $root;
    private string $previousRoot;

    /** @var list<string> databases to drop */
    private array $databases = [];

    /** @var list<string> MariaDB users to drop */
    private array $users = [];

    private ?string $previousSocket = null;

    protected function setUp(): void
    {
        $this->previousRoot = $_SERVER['DOCUMENT_ROOT'];
        $this->root = sys_get_temp_dir() . '/cashback-storage-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->root . '/bitrix/admin', 0700, true);
        mkdir($this->root . '-data', 0700, true);
        $_SERVER['DOCUMENT_ROOT'] = $this->root;
        Option::$values = [];
        Option::set(Module::ID, Options::DATABASE_PATH, $this->root . '-data/cashback.db');
        Configuration::reset();
        Application::reset();
        ModuleManager::reset();
        EventManager::reset();
        \CAgent::reset();
        \CMain::reset();
        \CEventType::reset();
        \CEventMessage::reset();
        UrlRewriter::reset();
        SiteTable::reset();
        \BitrixSessidDouble::$valid = true;
        $GLOBALS['APPLICATION'] = new \CMain();
        Context::setRequest(new HttpRequest('GET', '/bitrix/admin/partner_modules.php'));
        retaillab_cashback::$report = null;
    }

    protected function tearDown(): void
    {
        if ($this->previousSocket !== null) {
            ini_set('mysqli.default_socket', $this->previousSocket);
        }
        $_SERVER['DOCUMENT_ROOT'] = $this->previousRoot;
        Option::$values = [];
        Configuration::reset();
        Application::reset();
        ModuleManager::reset();
        Context::setRequest(new HttpRequest());
        if ($this->databases !== [] || $this->users !== []) {
            $admin = self::admin();
            foreach ($this->databases as $database) {
                $admin->query("DROP DATABASE IF EXISTS `$database`");
            }
            foreach ($this->users as $user) {
                $admin->query("DROP USER IF EXISTS $user");
            }
        }
        self::removeTree($this->root);
        self::removeTree($this->root . '-data');
    }

    // --- The URL of the site's database, from a .settings.php entry -------------------------------------------

    public function testTheUrlCarriesEveryPartEncodedAndTheExtensionReadsThemBack(): void
    {
        $url = SiteConnection::urlFromSettings([
            'className' => '\\Bitrix\\Main\\DB\\MysqliConnection', // as .settings.php writes it, with the leading backslash
            'host' => 'db.example.local:3307',
            'database' => 'sitemanager',
            'login' => 'bitrix0',
            'password' => self::PASSWORD,
            'options' => 2,
        ], self::TCP_DEFAULTS);

        $this->assertSame('mysql://bitrix0:' . rawurlencode(self::PASSWORD) . '@db.example.local:3307/sitemanager', $url);
        $this->assertSame(['backend' => 'mysql', 'location' => 'mysql://bitrix0@db.example.local:3307/sitemanager'], CashbackLedger::describeDatabase($url));
        $this->assertSame(self::PASSWORD, DatabaseUrl::splitPassword($url)[1], 'the password the extension decodes is the site\'s, byte for byte');
        $this->assertSame('mysql://bitrix0@db.example.local:3307/sitemanager', DatabaseUrl::splitPassword($url)[0]);

        // A login with URL characters is encoded too; the extension decodes it.
        $url = SiteConnection::urlFromSettings(['className' => 'Bitrix\Main\DB\MysqliConnection', 'host' => '10.0.0.5', 'database' => 'shop_db', 'login' => 'shop@site:1', 'password' => 'x'], self::TCP_DEFAULTS);
        $this->assertSame('mysql://shop%40site%3A1:x@10.0.0.5:3306/shop_db', $url);
        $this->assertStringStartsWith('mysql://shop@site:1@10.0.0.5:3306/', CashbackLedger::describeDatabase($url)['location']);

        // No password in the connection: none in the URL.
        $url = SiteConnection::urlFromSettings(['className' => 'Bitrix\Main\DB\MysqliConnection', 'host' => 'db', 'database' => 'site', 'login' => 'root', 'password' => ''], self::TCP_DEFAULTS);
        $this->assertSame('mysql://root@db:3306/site', $url);
    }

    public function testPortsAreReadAsMysqliConnectionAndMysqliReadThem(): void
    {
        $url = static fn (string $host, array $defaults = self::TCP_DEFAULTS): string => CashbackLedger::describeDatabase(SiteConnection::urlFromSettings(
            ['className' => 'Bitrix\Main\DB\MysqliConnection', 'host' => $host, 'database' => 'site', 'login' => 'u', 'password' => 'secret-pw'],
            $defaults,
        ))['location'];

        $this->assertSame('mysql://u@127.0.0.1:3307/site', $url('127.0.0.1:3307'), 'a non-default port');
        $this->assertSame('mysql://u@db.local:3306/site', $url('db.local'), 'no port: mysqli.default_port');
        $this->assertSame('mysql://u@db.local:3310/site', $url('db.local', ['port' => 3310] + self::TCP_DEFAULTS), 'mysqli.default_port of this PHP');
        $this->assertSame('mysql://u@db.local:3306/site', $url('db.local', ['port' => 0] + self::TCP_DEFAULTS), 'and mysqlnd\'s 3306 without one');
        $this->assertSame('mysql://u@db.local:3306/site', $url('db.local:'), 'intval of nothing is 0: the default port');
        $this->assertSame('mysql://u@db.local:3306/site', $url('db.local:abc'), 'intval of text is 0: the default port');
        $this->assertSame('mysql://u@my_db:5000/site', $url('my_db:5000'), 'container host names');
        $this->assertSame('mysql://u@db2:3306/site', $url('', ['host' => 'db2'] + self::TCP_DEFAULTS), 'an empty host is mysqli.default_host');
    }

    public function testLocalhostIsTheSocketOfMysqliAsForTheSite(): void
    {
        $url = static fn (string $host, array $defaults = self::TCP_DEFAULTS): string => CashbackLedger::describeDatabase(SiteConnection::urlFromSettings(
            ['className' => 'Bitrix\Main\DB\MysqliConnection', 'host' => $host, 'database' => 'sitemanager', 'login' => 'bitrix0', 'password' => 'secret-pw'],
            $defaults,
        ))['location'];
        $socket = 'mysql://bitrix0@localhost/sitemanager?socket=/var/run/mysqld/mysqld.sock';

        $this->assertSame($socket, $url('localhost'), 'mysqlnd: localhost is the Unix socket of mysqli.default_socket');
        $this->assertSame($socket, $url('LocalHost'), 'in any case');
        $this->assertSame($socket, $url('localhost:3307'), 'with a port too: mysqlnd ignores it for localhost');
        $this->assertSame($socket, $url('localhost:/home/bitrix/mysql.sock'), 'MysqliConnection drops a path after the colon (intval 0)');
        $this->assertSame($socket, $url('', ['host' => ''] + self::TCP_DEFAULTS), 'an empty host is localhost');
        $this->assertSame(
            'mysql://bitrix0@localhost/sitemanager?socket=/tmp/mysql.sock',
            $url('localhost', ['socket' => ''] + self::TCP_DEFAULTS),
            'mysqlnd\'s own socket when mysqli.default_socket is empty',
        );
        $this->assertSame(
            'mysql://bitrix0@localhost/sitemanager?socket=/run/my sql+1/mysqld.sock',
            $url('localhost', ['socket' => '/run/my sql+1/mysqld.sock'] + self::TCP_DEFAULTS),
            'a socket path with a space and a plus reaches the extension unchanged',
        );
        $raw = SiteConnection::urlFromSettings(['className' => 'Bitrix\Main\DB\MysqliConnection', 'host' => 'localhost', 'database' => 'sitemanager', 'login' => 'bitrix0', 'password' => self::PASSWORD], self::TCP_DEFAULTS);
        $this->assertSame(self::PASSWORD, DatabaseUrl::splitPassword($raw)[1]);
    }

    public function testOnlyAMysqlConnectionIsAccepted(): void
    {
        $settings = ['host' => 'localhost', 'database' => 'site', 'login' => 'u', 'password' => 'secret-pw'];
        $this->assertStringStartsWith('mysql://u:secret-pw@localhost/site?socket=', SiteConnection::urlFromSettings(
            ['className' => StorageTestMysqliConnection::class] + $settings,
            self::TCP_DEFAULTS,
        ), 'a subclass of MysqliConnection is MySQL');

        foreach (['\\Bitrix\\Main\\DB\\PgsqlConnection', 'Bitrix\Main\DB\OracleConnection', 'Bitrix\Main\DB\MssqlConnection', ''] as $class) {
            try {
                SiteConnection::urlFromSettings(['className' => $class] + $settings, self::TCP_DEFAULTS);
                $this->fail("$class accepted");
            } catch (StorageException $e) {
                $this->assertInstanceOf(\CashbackException::class, $e, 'handled wherever ledger failures are');
                $this->assertSame('invalid_path', $e->getErrorCode());
                $shown = $class !== '' ? ltrim($class, '\\') : '-';
                $this->assertSame(Loc::getMessage('RETAILLAB_CASHBACK_SITE_DB_NOT_MYSQL', ['#CLASS#' => $shown]), $e->getMessage());
                $this->assertStringContainsString($shown . ',', $e->getMessage());
                if (LANGUAGE_ID === 'ru') {
                    $this->assertSame(
                        'Сайт работает с базой данных через ' . $shown . ', а журнал кэшбэка хранится только в MariaDB/MySQL (подключение Bitrix\Main\DB\MysqliConnection). Выберите файл SQLite или укажите адрес отдельной базы MariaDB/MySQL.',
                        $e->getMessage(),
                    );
                }
                $this->assertStringNotContainsString('secret-pw', $e->getMessage());
            }
        }

        foreach ([
            [['host' => 'db host'] + $settings, 'RETAILLAB_CASHBACK_SITE_DB_BAD_HOST'],
            [['host' => 'db/x:3306'] + $settings, 'RETAILLAB_CASHBACK_SITE_DB_BAD_HOST'],
            [['host' => 'db:70000'] + $settings, 'RETAILLAB_CASHBACK_SITE_DB_BAD_HOST'],
            [['login' => ''] + $settings, 'RETAILLAB_CASHBACK_SITE_DB_INCOMPLETE'],
            [['database' => ''] + $settings, 'RETAILLAB_CASHBACK_SITE_DB_INCOMPLETE'],
        ] as [$broken, $code]) {
            try {
                SiteConnection::urlFromSettings(['className' => 'Bitrix\Main\DB\MysqliConnection'] + $broken, self::TCP_DEFAULTS);
                $this->fail(json_encode($broken));
            } catch (StorageException $e) {
                $expected = Loc::getMessage($code, ['#HOST#' => $broken['host']]);
                $this->assertSame($expected, $e->getMessage());
                $this->assertStringNotContainsString('secret-pw', $e->getMessage());
            }
        }
    }

    public function testTheModulesOwnStackTracesHoldNoPassword(): void
    {
        // As the CLI and php.ini-development have it: arguments in traces, long strings kept.
        $ignore = ini_set('zend.exception_ignore_args', '0');
        $length = ini_set('zend.exception_string_param_max_len', '1000000');
        try {
            $traces = [];
            try {
                LedgerFactory::databaseFor(Options::MODE_URL, '', '', self::PASSWORD);
            } catch (StorageException $e) {
                $traces[] = $e;
            }
            try {
                SiteConnection::urlFromSettings(['className' => 'Bitrix\Main\DB\PgsqlConnection', 'host' => 'h', 'database' => 'd', 'login' => 'u', 'password' => self::PASSWORD]);
            } catch (StorageException $e) {
                $traces[] = $e;
            }
            $this->assertCount(2, $traces);
            foreach ($traces as $e) {
                $this->assertPasswordAbsent((string) $e . print_r($e->getTrace(), true));
            }
        } finally {
            ini_set('zend.exception_ignore_args', (string) $ignore);
            ini_set('zend.exception_string_param_max_len', (string) $length);
        }
    }

    // --- The site's connection through the kernel --------------------------------------------------------------

    public function testTheSiteModeReadsBitrixsDefaultConnection(): void
    {
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => 'db.local:3307', 'database' => 'sitemanager', 'login' => 'bitrix0', 'password' => self::PASSWORD, 'options' => 2]);
        Option::set(Module::ID, Options::DATABASE_MODE, Options::MODE_SITE);

        $expected = 'mysql://bitrix0:' . rawurlencode(self::PASSWORD) . '@db.local:3307/sitemanager';
        $this->assertSame($expected, SiteConnection::url());
        $this->assertSame($expected, LedgerFactory::database());
        $this->assertSame($expected, LedgerFactory::settings()->database(), 'what every caller of the factory opens');
        $this->assertSame(['backend' => 'mysql', 'location' => 'mysql://bitrix0@db.local:3307/sitemanager'], LedgerFactory::describe());

        // .settings_extra.php replaces the whole section, as in the kernel: the pool follows it.
        file_put_contents($this->root . '/bitrix/.settings_extra.php', "<?php\nreturn " . var_export(['connections' => ['value' => ['default' => [
            'className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => '10.1.1.1', 'database' => 'replica', 'login' => 'bitrix0', 'password' => 'x',
        ]], 'readonly' => true]], true) . ";\n");
        Configuration::reset();
        Application::reset();
        $this->assertSame('mysql://bitrix0:x@10.1.1.1:3306/replica', LedgerFactory::database());

        // Without a connection at all.
        unlink($this->root . '/bitrix/.settings_extra.php');
        unlink($this->root . '/bitrix/.settings.php');
        Configuration::reset();
        Application::reset();
        try {
            LedgerFactory::open();
            $this->fail('opened without a connection');
        } catch (\CashbackException $e) {
            $this->assertSame('invalid_path', $e->getErrorCode());
            $this->assertStringContainsString('connections → default', $e->getMessage());
        }
    }

    public function testAPostgresqlSiteIsRefusedAndNothingIsSaved(): void
    {
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\PgsqlConnection', 'host' => 'localhost', 'database' => 'sitemanager', 'login' => 'bitrix0', 'password' => self::PASSWORD]);
        LedgerFactory::create(); // the SQLite ledger in use
        $page = new SettingsPage('W');

        $outcome = $page->handle('POST', $this->form([Options::DATABASE_MODE => Options::MODE_SITE]), true);
        $this->assertFalse($outcome->saved);
        $this->assertSame([Options::DATABASE_MODE], array_keys($outcome->errors));
        $this->assertStringContainsString('invalid_path', $outcome->errors[Options::DATABASE_MODE]);
        $this->assertStringContainsString('Bitrix\Main\DB\PgsqlConnection', $outcome->errors[Options::DATABASE_MODE]);
        $this->assertStringContainsString('MariaDB/MySQL', $outcome->errors[Options::DATABASE_MODE]);
        $this->assertSame(Options::MODE_SQLITE, Options::databaseMode(), 'nothing saved');

        $html = $page->renderOptionsTab(OptionFields::TAB_STORAGE, $outcome) . json_encode($page->messages($outcome), JSON_UNESCAPED_UNICODE);
        $this->assertStringContainsString('Bitrix\Main\DB\PgsqlConnection', $html, 'the mode hint says why');
        $this->assertPasswordAbsent($html);

        // A mode stored by hand anyway: every caller gets the refusal as a ledger failure.
        Option::set(Module::ID, Options::DATABASE_MODE, Options::MODE_SITE);
        try {
            LedgerFactory::open();
            $this->fail('opened on PostgreSQL');
        } catch (\CashbackException $e) {
            $this->assertSame('invalid_path', $e->getErrorCode());
        }
        $status = $page->renderStorageStatus();
        $this->assertStringContainsString('invalid_path', $status);
        $this->assertStringContainsString('color:#c00', $status);
        $this->assertPasswordAbsent($status . $page->renderKeysTab(new Outcome()));

        // The installer refuses before registering anything, saying why.
        $this->assertFalse($this->install());
        $this->assertStringContainsString('Bitrix\Main\DB\PgsqlConnection', $this->exceptionText());
        $this->assertStringContainsString('database_mode', $this->exceptionText());
        $this->assertSame([], ModuleManager::$calls);
        $this->assertPasswordAbsent($this->exceptionText() . $GLOBALS['APPLICATION']->adminFiles[0]['html']);

        // The API answers as for any configuration fault: 500, the details in the server log only.
        $log = ini_set('error_log', $this->root . '/php-error.log');
        try {
            \BitrixSessidDouble::$valid = false;
            HttpRequest::$input = '';
            $controller = new \Retaillab\Cashback\Controller\Api(new HttpRequest('GET', '/local/api/cashback/v1/balance', ['X-API-Key' => 'cbk_x'], ['user_phone' => '79001234567']));
            $response = $controller->buildResponse($controller->run('balance'));
            $this->assertSame(500, $response->getStatus());
            $this->assertSame('internal_error', json_decode($response->getContent(), true)['error']);
            $logged = (string) @file_get_contents($this->root . '/php-error.log');
            $this->assertStringContainsString('PgsqlConnection', $logged);
            $this->assertPasswordAbsent($response->getContent() . $logged);
        } finally {
            ini_set('error_log', (string) $log);
            \BitrixSessidDouble::$valid = true;
        }
    }

    // --- The settings page never shows a password --------------------------------------------------------------

    public function testAPasswordTypedIntoTheFormIsNeverRenderedBack(): void
    {
        LedgerFactory::create();
        $page = new SettingsPage('W');
        // Port 1 refuses connections: the save fails after every field validated, and the form comes back.
        $typed = 'mysql://shop:' . rawurlencode(self::PASSWORD) . '@127.0.0.1:1/cb_shop';
        $outcome = $page->handle('POST', $this->form([
            Options::DATABASE_MODE => Options::MODE_URL,
            Options::DATABASE_URL => $typed,
            Options::DATABASE_PASSWORD => self::PASSWORD . '-field',
        ]), true);

        $this->assertFalse($outcome->saved);
        $this->assertSame([Options::DATABASE_URL], array_keys($outcome->errors));
        $this->assertStringContainsString('database_unavailable', $outcome->errors[Options::DATABASE_URL]);
        $this->assertStringContainsString('mysql://shop@127.0.0.1:1/cb_shop', $outcome->errors[Options::DATABASE_URL], 'named by its location');
        $html = $page->renderOptionsTab(OptionFields::TAB_STORAGE, $outcome);
        $this->assertStringContainsString('value="mysql://shop@127.0.0.1:1/cb_shop"', $html, 'the URL comes back without its password');
        $this->assertMatchesRegularExpression('/<input type="password" id="retaillab_cashback_database_password" name="database_password" value=""/', $html);
        $this->assertPasswordAbsent($html . json_encode($page->messages($outcome), JSON_UNESCAPED_UNICODE) . implode("\n", $outcome->errors));
        $this->assertSame(Options::MODE_SQLITE, Options::databaseMode(), 'nothing saved');
        $this->assertSame('', Options::databasePassword());

        // A URL the extension cannot read comes back empty (it could hide a password anywhere).
        foreach (['mysql://shop:pa/ss' . self::PASSWORD . '@127.0.0.1/x', 'postgres://shop:' . rawurlencode(self::PASSWORD) . '@h/db', 'mysql://' . rawurlencode(self::PASSWORD) . '@'] as $bad) {
            $outcome = $page->handle('POST', $this->form([Options::DATABASE_MODE => Options::MODE_URL, Options::DATABASE_URL => $bad]), true);
            $this->assertSame([Options::DATABASE_URL], array_keys($outcome->errors), $bad);
            $html = $page->renderOptionsTab(OptionFields::TAB_STORAGE, $outcome);
            $this->assertStringContainsString('name="database_url" value=""', $html);
            $this->assertPasswordAbsent($html . implode("\n", $outcome->errors));
        }

        // An error on another field with a valid URL typed: still no password in the form.
        $outcome = $page->handle('POST', $this->form([Options::DATABASE_MODE => Options::MODE_URL, Options::DATABASE_URL => $typed, Options::MAX_BATCH => '0']), true);
        $this->assertSame([Options::MAX_BATCH], array_keys($outcome->errors));
        $this->assertPasswordAbsent($page->renderOptionsTab(OptionFields::TAB_STORAGE, $outcome));
    }

    public function testTheSiteDatabaseIsShownByItsLocationOnly(): void
    {
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => '127.0.0.1:1', 'database' => 'sitemanager', 'login' => 'bitrix0', 'password' => self::PASSWORD]);
        Option::set(Module::ID, Options::DATABASE_MODE, Options::MODE_SITE);
        $page = new SettingsPage('R');

        $html = $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome()) . $page->renderKeysTab(new Outcome());
        $this->assertStringContainsString('mysql://bitrix0@127.0.0.1:1/sitemanager', $html, 'the site database in the mode hint and the status');
        $this->assertStringContainsString('database_unavailable', $html, 'the status names the error code');
        $this->assertStringContainsString('<option value="site" selected>', $html);
        $this->assertPasswordAbsent($html);

        // The install report and the uninstall pages name it the same way.
        $this->assertFalse($this->install());
        $this->assertStringContainsString('mysql://bitrix0@127.0.0.1:1/sitemanager', $this->exceptionText());
        $this->assertPasswordAbsent($this->exceptionText() . $GLOBALS['APPLICATION']->adminFiles[0]['html']);
        $this->assertSame([], ModuleManager::$calls, 'nothing registered without the ledger');

        $GLOBALS['APPLICATION'] = new \CMain();
        $this->uninstall([]);
        $question = $GLOBALS['APPLICATION']->adminFiles[0]['html'];
        $this->assertStringContainsString('id="retaillab_cashback_mysql_kept"', $question, 'the question says MySQL tables stay');
        $this->assertStringContainsString('local_cashback_', $question);
        $this->assertPasswordAbsent($question);
    }

    // --- On a real MariaDB server ------------------------------------------------------------------------------

    public function testTheFactoryOpensTheLedgerInTheSiteDatabase(): void
    {
        $server = $this->mariadb();
        $database = $this->newDatabase();
        [$login, $password] = $this->newUser($database, self::PASSWORD);
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => '127.0.0.1:' . $server['port'], 'database' => $database, 'login' => $login, 'password' => $password, 'options' => 2]);
        LedgerFactory::create(); // the SQLite ledger of before

        $page = new SettingsPage('W');
        $outcome = $page->handle('POST', $this->form([Options::DATABASE_MODE => Options::MODE_SITE]), true);
        $this->assertSame([], $outcome->errors);
        $this->assertTrue($outcome->saved);
        $this->assertSame(Options::MODE_SITE, Options::databaseMode());
        $this->assertSame('', Options::databaseUrl(), 'nothing of the site connection is copied into the options');
        $this->assertSame('', Options::databasePassword());

        // Saving created the tables; the factory's ledger (create false, as the API opens it) works in them.
        $ledger = LedgerFactory::open();
        $health = $ledger->health();
        $this->assertSame(['mysql', "mysql://$login@127.0.0.1:{$server['port']}/$database"], [$health['backend'], $health['path']]);
        $ledger->linkPhone(42, '+7 900 123-45-67', true);
        $result = $ledger->apply(['external_id' => 'st-1', 'type' => 'accrual', 'amount' => '150.50', 'user_phone' => '89001234567'], ['endpoint' => 'transactions', 'client' => 'test']);
        $this->assertSame('success', $result['status'], json_encode($result));
        $this->assertSame(150.5, LedgerFactory::open()->balanceByPhone('79001234567')['balance']);
        $this->assertContains('local_cashback_entries', $this->tables($database), 'beside the site\'s own tables, with the default prefix');

        $status = $page->renderStorageStatus();
        $this->assertStringContainsString('mysql', $status);
        $this->assertStringContainsString('color:#080', $status);
        $this->assertStringContainsString((string) $health['schema_version'], $status);
        $this->assertPasswordAbsent($status . $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome()) . $page->renderKeysTab(new Outcome()));

        // A wrong password on the site's side: the page names the code, never the password.
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => '127.0.0.1:' . $server['port'], 'database' => $database, 'login' => $login, 'password' => self::PASSWORD . 'wrong']);
        $failed = $page->handle('POST', $this->form([]), true);
        $this->assertSame([Options::DATABASE_MODE], array_keys($failed->errors));
        $this->assertStringContainsString('database_unavailable', $failed->errors[Options::DATABASE_MODE]);
        $this->assertPasswordAbsent(implode("\n", $failed->errors) . $page->renderStorageStatus(), self::PASSWORD . 'wrong');
    }

    public function testTheSiteDatabaseThroughLocalhostUsesMysqlisSocket(): void
    {
        $server = $this->mariadb();
        $database = $this->newDatabase();
        // The server's own ledger user this time (it may use the cb_* databases).
        $login = rawurldecode((string) parse_url($server['app'], PHP_URL_USER));
        $password = rawurldecode((string) parse_url($server['app'], PHP_URL_PASS));
        $this->previousSocket = (string) ini_get('mysqli.default_socket');
        ini_set('mysqli.default_socket', $server['socket']);
        // What a BitrixVM site writes: localhost, the socket left to PHP.
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => 'localhost', 'database' => $database, 'login' => $login, 'password' => $password]);
        Option::set(Module::ID, Options::DATABASE_MODE, Options::MODE_SITE);

        $health = LedgerFactory::create()->health();
        $this->assertSame('mysql', $health['backend']);
        $this->assertSame("mysql://$login@localhost/$database?socket={$server['socket']}", $health['path']);
        $this->assertSame($health['path'], LedgerFactory::describe()['location']);
        $this->assertContains('local_cashback_entries', $this->tables($database));
    }

    public function testAnotherDatabaseByUrlKeepsItsPasswordApart(): void
    {
        $server = $this->mariadb();
        $database = $this->newDatabase();
        [$login] = $this->newUser($database, self::PASSWORD);
        LedgerFactory::create();
        $page = new SettingsPage('W');
        $url = "mysql://$login@127.0.0.1:{$server['port']}/$database?table_prefix=shop_";

        // The password typed inside the URL (percent-encoded, as URLs need it) moves into its own option.
        $outcome = $page->handle('POST', $this->form([
            Options::DATABASE_MODE => Options::MODE_URL,
            Options::DATABASE_URL => DatabaseUrl::withPassword($url, self::PASSWORD),
        ]), true);
        $this->assertSame([], $outcome->errors);
        $this->assertTrue($outcome->saved);
        $this->assertSame($url, Options::databaseUrl());
        $this->assertSame(self::PASSWORD, Options::databasePassword());
        $this->assertSame('mysql', LedgerFactory::open()->health()['backend']);
        $this->assertContains('shop_entries', $this->tables($database), 'the URL\'s table prefix');

        $html = $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome());
        $this->assertStringContainsString('value="' . htmlspecialchars($url) . '"', $html);
        $this->assertStringContainsString(Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PASSWORD_STORED'), $html);
        $this->assertPasswordAbsent($html);

        // The form as shown, saved again (another tab changed): the stored password stays.
        $this->assertTrue($page->handle('POST', $this->form([Options::SILENCE_HOURS => '9']), true)->saved);
        $this->assertSame(self::PASSWORD, Options::databasePassword());
        $this->assertSame(9, Options::silenceHours());

        // Another URL without a password typed: the stored one is not sent there.
        $other = "mysql://$login@127.0.0.1:{$server['port']}/$database";
        $outcome = $page->handle('POST', $this->form([Options::DATABASE_URL => $other]), true);
        $this->assertSame([Options::DATABASE_URL], array_keys($outcome->errors));
        $this->assertStringContainsString('using password: NO', $outcome->errors[Options::DATABASE_URL]);
        $this->assertSame($url, Options::databaseUrl(), 'nothing saved');

        // Raw in the password field (no encoding by hand), for the other URL.
        $outcome = $page->handle('POST', $this->form([Options::DATABASE_URL => $other, Options::DATABASE_PASSWORD => self::PASSWORD]), true);
        $this->assertSame([], $outcome->errors);
        $this->assertSame($other, Options::databaseUrl());
        $this->assertSame(self::PASSWORD, Options::databasePassword());
        $this->assertContains('local_cashback_entries', $this->tables($database));

        // Back to the file: the URL and its password stay stored, unused, and the SQLite ledger opens again.
        $this->assertTrue($page->handle('POST', $this->form([Options::DATABASE_MODE => Options::MODE_SQLITE]), true)->saved);
        $this->assertSame('sqlite', LedgerFactory::open()->health()['backend']);
        $this->assertSame(self::PASSWORD, Options::databasePassword());
    }

    public function testInstallCreatesTheTablesAndUninstallNeverDropsThem(): void
    {
        $server = $this->mariadb();
        $database = $this->newDatabase();
        [$login, $password] = $this->newUser($database, self::PASSWORD);
        $this->writeSettings(['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => '127.0.0.1:' . $server['port'], 'database' => $database, 'login' => $login, 'password' => $password]);
        // Options kept from a previous install (or set before it): the site's database.
        Option::set(Module::ID, Options::DATABASE_MODE, Options::MODE_SITE);

        $this->assertTrue($this->install(), $this->exceptionText());
        $this->assertContains('local_cashback_entries', $this->tables($database));
        $this->assertFileDoesNotExist($this->root . '-data/cashback.db', 'no SQLite file for a MySQL ledger');
        $this->assertDirectoryDoesNotExist($this->root . '/bitrix/php_interface/retaillab.cashback');
        $notes = implode("\n", retaillab_cashback::$report->notes);
        $this->assertStringContainsString("mysql://$login@127.0.0.1:{$server['port']}/$database", $notes);
        $this->assertStringContainsString('local_cashback_', $notes);
        $this->assertPasswordAbsent($notes . $GLOBALS['APPLICATION']->adminFiles[0]['html']);
        $key = LedgerFactory::open()->createApiKey('1C central')['key'];

        // Unticked "keep data": the options go, the tables in the site's database stay, and the report says so.
        $GLOBALS['APPLICATION'] = new \CMain();
        $this->uninstall(['step' => '2', 'savedata' => 'N']);
        $this->assertFalse(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertArrayNotHasKey(Module::ID, Option::$values);
        $tables = $this->tables($database);
        $this->assertContains('local_cashback_entries', $tables);
        $this->assertContains('local_cashback_api_keys', $tables);
        $page = $GLOBALS['APPLICATION']->adminFiles[0]['html'];
        $this->assertStringContainsString(htmlspecialchars("mysql://$login@127.0.0.1:{$server['port']}/$database"), $page);
        $this->assertStringContainsString('local_cashback_*', $page);
        $this->assertPasswordAbsent($page . implode("\n", retaillab_cashback::$report->notes));

        // The data is still there for whoever reinstalls with the same choice.
        Option::set(Module::ID, Options::DATABASE_MODE, Options::MODE_SITE);
        $this->assertTrue($this->install(), $this->exceptionText());
        $this->assertSame('1C central', LedgerFactory::open()->verifyApiKey($key)['name']);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** A complete, valid settings form with $changes applied (as the Save button posts it). */
    private function form(array $changes): array
    {
        return ['Update' => 'Y'] + $changes + OptionFields::current();
    }

    /** Writes DOCUMENT_ROOT/bitrix/.settings.php with a default connection, as the Bitrix installer does. */
    private function writeSettings(array $connection): void
    {
        file_put_contents($this->root . '/bitrix/.settings.php', "<?php\nreturn " . var_export([
            'utf_mode' => ['value' => true, 'readonly' => true],
            'connections' => ['value' => ['default' => $connection], 'readonly' => true],
        ], true) . ";\n");
        Configuration::reset();
        Application::reset();
    }

    private function assertPasswordAbsent(string $text, string $password = self::PASSWORD): void
    {
        foreach ([$password, rawurlencode($password), urlencode($password), htmlspecialchars($password), htmlspecialchars($password, ENT_QUOTES | ENT_HTML5), 'secret-pw'] as $form) {
            $this->assertStringNotContainsString($form, $text);
        }
    }

    /** @return array{app: string, admin: string, port: int, socket: string} the test server; without one the test is skipped, or fails if CASHBACK_MARIADB_DIR names one */
    private function mariadb(): array
    {
        static $server = null;
        if ($server === null) {
            $configured = getenv('CASHBACK_MARIADB_DIR');
            $dir = $configured !== false && $configured !== '' ? $configured : CASHBACK_REPO . '/var/mariadb-test';
            $script = CASHBACK_REPO . '/tests/mariadb/server.sh';
            $run = static fn (string $command): string => trim((string) shell_exec('bash ' . escapeshellarg($script) . ' ' . $command . ' ' . escapeshellarg($dir) . ' 2>/dev/null'));
            $admin = $run('url');
            $app = $run('app-url');
            if ($admin !== '' && $app !== '') {
                $server = ['app' => $app, 'admin' => $admin, 'port' => (int) parse_url($admin, PHP_URL_PORT), 'socket' => realpath($dir) . '/sock'];
            } elseif ($configured !== false && $configured !== '') {
                // make test named a server: its absence is a failure, not a reason to skip.
                $server = "CASHBACK_MARIADB_DIR=$configured: no MariaDB server runs there (tests/mariadb/server.sh start DIR PORT)";
            } else {
                $server = false;
            }
        }
        if (is_string($server)) {
            $this->fail($server);
        }
        if ($server === false) {
            $this->markTestSkipped('no MariaDB test server (make test starts one: tests/mariadb/server.sh start var/mariadb-test 13306)');
        }
        return $server;
    }

    private static function admin(): \mysqli
    {
        static $connection = null;
        if ($connection === null) {
            $dir = getenv('CASHBACK_MARIADB_DIR') ?: CASHBACK_REPO . '/var/mariadb-test';
            $url = trim((string) shell_exec('bash ' . escapeshellarg(CASHBACK_REPO . '/tests/mariadb/server.sh') . ' url ' . escapeshellarg($dir) . ' 2>/dev/null'));
            $parts = parse_url($url);
            mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
            $connection = new \mysqli($parts['host'], rawurldecode($parts['user']), rawurldecode($parts['pass']), '', (int) $parts['port']);
        }
        return $connection;
    }

    /** A new, empty database cb_bitrix_* (the ledger's test user may use cb_* only), dropped in tearDown. */
    private function newDatabase(): string
    {
        $this->mariadb();
        $name = 'cb_bitrix_' . getmypid() . '_' . bin2hex(random_bytes(4));
        self::admin()->query("CREATE DATABASE `$name` CHARACTER SET utf8mb4");
        $this->databases[] = $name;
        // A table of the site's own, as Bitrix has them, which nothing may touch.
        self::admin()->query("CREATE TABLE `$name`.b_option (MODULE_ID varchar(50) NOT NULL, NAME varchar(100) NOT NULL, VALUE text, PRIMARY KEY (MODULE_ID, NAME))");
        return $name;
    }

    /**
     * A database user with $password (over TCP and the socket) allowed only $database, dropped in tearDown.
     *
     * @return array{0: string, 1: string} login, password
     */
    private function newUser(string $database, string $password): array
    {
        $login = 'cbx_' . bin2hex(random_bytes(4));
        $admin = self::admin();
        foreach (['127.0.0.1', 'localhost'] as $host) {
            $user = "'$login'@'$host'";
            $admin->query("CREATE USER $user IDENTIFIED BY '" . $admin->real_escape_string($password) . "'");
            $admin->query("GRANT ALL PRIVILEGES ON `$database`.* TO $user");
            $this->users[] = $user;
        }
        return [$login, $password];
    }

    /** @return list<string> the tables of $database */
    private function tables(string $database): array
    {
        $result = self::admin()->query("SELECT table_name FROM information_schema.tables WHERE table_schema = '" . self::admin()->real_escape_string($database) . "'");
        return array_map(static fn (array $row) => (string) reset($row), $result->fetch_all(MYSQLI_ASSOC));
    }

    private function exceptionText(): string
    {
        $exception = $GLOBALS['APPLICATION']->GetException();
        return $exception ? $exception->GetString() : '';
    }

    private static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $items = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::CHILD_FIRST);
        foreach ($items as $item) {
            $item->isDir() ? rmdir($item->getPathname()) : unlink($item->getPathname());
        }
        rmdir($dir);
    }
}
