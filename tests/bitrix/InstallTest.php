<?php

declare(strict_types=1);

use Bitrix\Main\Config\Configuration;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Context;
use Bitrix\Main\EventManager;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\SiteTable;
use Bitrix\Main\UrlRewriter;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Install\DataDirectory;
use Retaillab\Cashback\Install\Installer;
use Retaillab\Cashback\Install\Manifest;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;
use Retaillab\Cashback\Tests\Doubles\SiteEncoding;
use Retaillab\Cashback\Tests\Support\RunsTheInstaller;

require_once CASHBACK_MODULE_DIR . '/install/index.php';

/**
 * install/index.php (retaillab_cashback) and the Installer behind it, against
 * the kernel doubles and a temporary DOCUMENT_ROOT: what gets registered, which
 * files land where, and that uninstall takes back exactly the same set.
 */
final class InstallTest extends TestCase
{
    use RunsTheInstaller;

    private string $root;
    private string $previousRoot;

    protected function setUp(): void
    {
        $this->previousRoot = $_SERVER['DOCUMENT_ROOT'];
        $this->root = sys_get_temp_dir() . '/cashback-install-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->root . '/bitrix/admin', 0700, true);
        $_SERVER['DOCUMENT_ROOT'] = $this->root;

        Option::$values = [];
        ModuleManager::reset();
        ModuleManager::$installed['sale'] = true;
        EventManager::reset();
        \CAgent::reset();
        \CMain::reset();
        \CEventType::reset();
        \CEventMessage::reset();
        UrlRewriter::reset();
        SiteTable::reset();
        Configuration::reset();
        \BitrixSessidDouble::$valid = true;
        $GLOBALS['APPLICATION'] = new \CMain();
        Context::setRequest(new HttpRequest('GET', '/bitrix/admin/partner_modules.php'));
        retaillab_cashback::$report = null;
    }

    protected function tearDown(): void
    {
        $_SERVER['DOCUMENT_ROOT'] = $this->previousRoot;
        Option::$values = [];
        Configuration::reset();
        ModuleManager::reset();
        Context::setRequest(new HttpRequest());
        self::removeTree($this->root);
    }

    public function testModuleDescription(): void
    {
        $module = new retaillab_cashback();
        $this->assertSame(Module::ID, $module->MODULE_ID);
        $this->assertSame('Y', $module->MODULE_GROUP_RIGHTS);
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', $module->MODULE_VERSION);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $module->MODULE_VERSION_DATE);
        $this->assertNotEmpty($module->MODULE_NAME, 'the name comes from lang/<lang>/install/index.php');
        $this->assertNotEmpty($module->MODULE_DESCRIPTION);

        $rights = $module->GetModuleRightList();
        $this->assertSame(['D', 'R', 'W'], $rights['reference_id']);
        $this->assertCount(3, $rights['reference']);
        $this->assertStringStartsWith('[D] ', $rights['reference'][0]);
        $this->assertStringStartsWith('[W] ', $rights['reference'][2]);
    }

    public function testInstallRegistersExactlyTheManifest(): void
    {
        $this->assertTrue($this->install(), $this->exceptionText());

        $this->assertTrue(ModuleManager::isModuleInstalled(Module::ID));
        $expected = array_map(
            static fn (array $e) => ['from' => $e[0], 'event' => $e[1], 'to' => Module::ID, 'class' => $e[2], 'method' => $e[3], 'compatible' => $e[4]],
            Manifest::EVENTS,
        );
        $this->assertEqualsCanonicalizing($expected, array_values(EventManager::$handlers));
        // Old-style user events are "compatible", the sale events D7.
        foreach (EventManager::$handlers as $handler) {
            $this->assertSame($handler['from'] === 'main', $handler['compatible'], $handler['event']);
        }

        $agents = array_map(static fn (array $a) => [$a['name'], $a['interval'], $a['module'], $a['period'], $a['active']], array_values(\CAgent::$agents));
        $this->assertEqualsCanonicalizing(
            array_map(static fn (array $a) => [$a[0], $a[1], Module::ID, 'N', 'Y'], Manifest::AGENTS),
            $agents,
        );
        $this->assertSame([['\Retaillab\Cashback\Agent\SilenceAgent::run();', 900], ['\Retaillab\Cashback\Agent\PruneAgent::run();', 86400]], Manifest::AGENTS);

        $page = $GLOBALS['APPLICATION']->adminFiles[0];
        $this->assertStringEndsWith('/install/step.php', $page['file']);
        $this->assertStringContainsString('adm-note', $page['html']);
        $this->assertStringContainsString(Options::databasePath(), $page['html'], 'the report names the database');
    }

    public function testWithoutTheSaleModuleOnlyUserHandlersAreRegistered(): void
    {
        unset(ModuleManager::$installed['sale']);
        $this->assertTrue($this->install());

        $this->assertSame(['main'], array_values(array_unique(array_column(EventManager::$handlers, 'from'))));
        $this->assertCount(3, EventManager::$handlers);
        $this->assertStringContainsString('sale', implode("\n", retaillab_cashback::$report->notes));

        // Uninstall still takes back the whole manifest (nothing left if sale appeared meanwhile).
        $this->uninstall(['step' => '2']);
        $this->assertSame([], EventManager::$handlers);
        $this->assertSame(count(Manifest::EVENTS), count(array_filter(EventManager::$calls, static fn ($c) => $c[0] === 'unRegisterEventHandler')));
    }

    public function testUninstallRemovesTheSameSet(): void
    {
        $this->install();
        $registered = array_map(static fn (array $h) => [$h['from'], $h['event'], $h['class'], $h['method']], array_values(EventManager::$handlers));
        $this->assertCount(count(Manifest::EVENTS), $registered);

        $this->uninstall(['step' => '2', 'savedata' => 'Y']);

        $this->assertSame([], EventManager::$handlers);
        $unregistered = array_map(
            static fn (array $c) => array_slice($c, 1),
            array_values(array_filter(EventManager::$calls, static fn (array $c) => $c[0] === 'unRegisterEventHandler')),
        );
        $this->assertEqualsCanonicalizing($registered, $unregistered);
        $this->assertSame([], \CAgent::$agents);
        $removed = array_column(array_filter(\CAgent::$calls, static fn (array $c) => $c[0] === 'RemoveAgent'), 1);
        foreach (Manifest::AGENTS as [$call]) {
            $this->assertContains($call, $removed);
        }
        $this->assertFalse(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertSame([], \CEventType::$types);
        $this->assertSame([], \CEventMessage::$messages);
        $this->assertSame([], UrlRewriter::getList('s1'));
    }

    public function testInstallRefusesASiteNotInUtf8ModeAndChangesNothing(): void
    {
        SiteEncoding::$utfMode = false;
        try {
            $report = Installer::forThisModule()->install();
        } finally {
            SiteEncoding::reset();
        }
        $this->assertFalse($report->ok());
        $this->assertStringContainsString('UTF-8', implode("\n", $report->errors));
        $this->assertSame([], ModuleManager::$calls);
        $this->assertFalse(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertFileDoesNotExist($this->root . '/local/api/cashback/v1/index.php');
    }

    /** The fallback rule serves the bare base path (the JSON 404) and the API's paths, nothing that merely starts alike. */
    public function testTheUrlrewriteConditionCoversTheBareBasePath(): void
    {
        $condition = Installer::URLREWRITE_RULE['CONDITION'];
        foreach (['/local/api/cashback/v1', '/local/api/cashback/v1/', '/local/api/cashback/v1?x=1', '/local/api/cashback/v1/balance'] as $path) {
            $this->assertSame(1, preg_match($condition, $path), $path);
        }
        foreach (['/local/api/cashback/v10', '/local/api/cashback/v1.php', '/local/api/cashback/'] as $path) {
            $this->assertSame(0, preg_match($condition, $path), $path);
        }
    }

    public function testInstallRefusesWithoutTheExtension(): void
    {
        // The extension cannot be unloaded in this process: a child PHP without it (and without any php.ini).
        $script = $this->root . '/no-extension.php';
        file_put_contents($script, '<?php
            define("CASHBACK_REPO", ' . var_export(CASHBACK_REPO, true) . ');
            define("CASHBACK_MODULE_DIR", ' . var_export(CASHBACK_MODULE_DIR, true) . ');
            define("B_PROLOG_INCLUDED", true);
            define("LANGUAGE_ID", $argv[2]);
            $_SERVER["DOCUMENT_ROOT"] = $argv[1];
            foreach (glob(' . var_export(__DIR__ . '/doubles/*.php', true) . ') as $double) { require_once $double; }
            require CASHBACK_MODULE_DIR . "/install/index.php";
            try {
                (new retaillab_cashback())->DoInstall();
                $ok = "returned instead of ending the request";
            } catch (BitrixDieDouble) {
                $ok = retaillab_cashback::$report !== null && retaillab_cashback::$report->ok();
            }
            echo json_encode([
                "extension" => extension_loaded("cashback"),
                "ok" => $ok,
                "error" => $APPLICATION->GetException() ? $APPLICATION->GetException()->GetString() : null,
                "page" => $APPLICATION->adminFiles[0]["html"] ?? "",
                "module" => Bitrix\Main\ModuleManager::$calls,
                "events" => Bitrix\Main\EventManager::$calls,
                "agents" => CAgent::$calls,
                "files" => is_dir($argv[1] . "/local"),
            ], JSON_UNESCAPED_UNICODE);
        ');
        foreach (['ru' => 'php.ini', 'en' => 'php.ini'] as $language => $word) {
            $output = shell_exec(escapeshellarg(PHP_BINARY) . ' -n ' . escapeshellarg($script) . ' ' . escapeshellarg($this->root) . ' ' . $language . ' 2>&1');
            $result = json_decode((string) $output, true);
            $this->assertIsArray($result, (string) $output);
            $this->assertFalse($result['extension']);
            $this->assertFalse($result['ok']);
            $this->assertStringContainsString('extension=cashback.so', $result['error'], $language);
            $this->assertStringContainsString($word, $result['error'], $language);
            $this->assertStringContainsString('php -m | grep cashback', $result['error'], $language);
            $this->assertStringContainsString('extension=cashback.so', $result['page'], 'shown on the step page');
            $this->assertSame([], $result['module'], 'nothing registered');
            $this->assertSame([], $result['events']);
            $this->assertSame([], $result['agents']);
            $this->assertFalse($result['files'], 'nothing copied');
        }
    }

    public function testFilesLandInTheDocumentRootAndLeaveAgain(): void
    {
        // What the site had before: other admin pages, components, routes and a urlrewrite rule.
        file_put_contents($this->root . '/bitrix/admin/other_module_page.php', '<?php // not ours');
        mkdir($this->root . '/local/components/vendor/other', 0700, true);
        file_put_contents($this->root . '/local/components/vendor/other/class.php', '<?php // not ours');
        file_put_contents($this->root . '/bitrix/.settings.php', "<?php\nreturn ['routing' => ['value' => ['config' => ['web.php']], 'readonly' => true], 'other' => ['value' => 1, 'readonly' => false]];\n");
        UrlRewriter::add('s1', ['CONDITION' => '#^/catalog/#', 'RULE' => '', 'ID' => 'bitrix:catalog', 'PATH' => '/catalog/index.php']);

        $this->assertTrue($this->install(), $this->exceptionText());

        $module = CASHBACK_MODULE_DIR;
        foreach (glob($module . '/install/admin/*.php') as $wrapper) {
            $this->assertFileEquals($wrapper, $this->root . '/bitrix/admin/' . basename($wrapper));
        }
        foreach (self::filesBelow($module . '/install/components') as $relative) {
            $this->assertFileEquals($module . '/install/components/' . $relative, $this->root . '/local/components/' . $relative);
        }
        $this->assertFileEquals($module . '/install/api/index.php', $this->root . '/local/api/cashback/v1/index.php');
        $this->assertFileEquals($module . '/install/routes/cashback.php', $this->root . '/local/routes/cashback.php');

        // With routing, no physical file may sit at a routed path (the web server would serve it first).
        foreach (['balance', 'transactions', 'transactions/batch', 'health'] as $path) {
            $this->assertFileDoesNotExist($this->root . '/local/api/cashback/v1/' . $path);
        }

        // The routing config keeps its list and its other sections; the route file is added once.
        $settings = include $this->root . '/bitrix/.settings.php';
        $this->assertSame(['web.php', 'cashback.php'], $settings['routing']['value']['config']);
        $this->assertTrue($settings['routing']['readonly']);
        $this->assertSame(1, $settings['other']['value']);

        // The fallback rule, next to the site's own rules; an empty ID survives urlrewrite reindexing.
        $this->assertSame(
            [['CONDITION' => '#^/local/api/cashback/v1(?:[/?]|$)#', 'RULE' => '', 'ID' => '', 'PATH' => '/local/api/cashback/v1/index.php', 'SORT' => 100]],
            UrlRewriter::getList('s1', ['PATH' => '/local/api/cashback/v1/index.php']),
        );

        // The database folder, created below DOCUMENT_ROOT by default, is closed for Apache.
        $database = Options::databasePath();
        $this->assertSame($this->root . '/bitrix/php_interface/retaillab.cashback/cashback.db', $database);
        $this->assertFileExists($database);
        $this->assertStringContainsString('Require all denied', (string) file_get_contents(dirname($database) . '/.htaccess'));
        $this->assertStringContainsString('Deny from all', (string) file_get_contents(dirname($database) . '/.htaccess'));

        // Installing twice changes nothing.
        Configuration::reset();
        $this->assertTrue($this->install());
        $settings = include $this->root . '/bitrix/.settings.php';
        $this->assertSame(['web.php', 'cashback.php'], $settings['routing']['value']['config']);
        $this->assertCount(2, UrlRewriter::getList('s1'));

        Configuration::reset();
        $this->uninstall(['step' => '2']);

        foreach (glob($module . '/install/admin/*.php') as $wrapper) {
            $this->assertFileDoesNotExist($this->root . '/bitrix/admin/' . basename($wrapper));
        }
        $this->assertFileExists($this->root . '/bitrix/admin/other_module_page.php');
        $this->assertFileExists($this->root . '/local/components/vendor/other/class.php');
        $this->assertDirectoryDoesNotExist($this->root . '/local/components/retaillab');
        $this->assertDirectoryDoesNotExist($this->root . '/local/api');
        $this->assertFileDoesNotExist($this->root . '/local/routes/cashback.php');
        $settings = include $this->root . '/bitrix/.settings.php';
        $this->assertSame(['web.php'], $settings['routing']['value']['config']);
        $this->assertSame([['CONDITION' => '#^/catalog/#', 'RULE' => '', 'ID' => 'bitrix:catalog', 'PATH' => '/catalog/index.php', 'SORT' => 100]], UrlRewriter::getList('s1'));
        $this->assertFileExists($database, 'kept by default');
    }

    /**
     * The installed fallback front controller, served for real by PHP's built-in
     * server (which, like a urlrewrite rule, hands unknown paths below the folder
     * to its index.php). A stand-in prolog_before.php loads the doubles instead of
     * the Bitrix kernel.
     */
    public function testTheInstalledFallbackServesTheApi(): void
    {
        $this->assertTrue($this->install(), $this->exceptionText());
        $database = Options::databasePath();
        $ledger = LedgerFactory::open();
        $ledger->linkPhone(42, '79001234567', true);
        $key = $ledger->createApiKey('store-1', 'store-1')['key'];

        mkdir($this->root . '/bitrix/modules/main/include', 0700, true);
        file_put_contents($this->root . '/bitrix/modules/main/include/prolog_before.php', '<?php
            define("CASHBACK_REPO", ' . var_export(CASHBACK_REPO, true) . ');
            define("CASHBACK_MODULE_DIR", ' . var_export(CASHBACK_MODULE_DIR, true) . ');
            define("B_PROLOG_INCLUDED", true);
            define("LANGUAGE_ID", "ru");
            foreach (glob(' . var_export(__DIR__ . '/doubles/*.php', true) . ') as $double) { require_once $double; }
            require CASHBACK_MODULE_DIR . "/include.php";
            spl_autoload_register(static function (string $class): void {
                $file = CASHBACK_MODULE_DIR . "/lib/" . str_replace("\\\\", "/", substr($class, strlen("Retaillab\\\\Cashback\\\\"))) . ".php";
                if (str_starts_with($class, "Retaillab\\\\Cashback\\\\") && is_file($file)) { require $file; }
            });
            Bitrix\Main\Config\Option::set("retaillab.cashback", "database_path", ' . var_export($database, true) . ');
        ');

        $extension = getenv('CASHBACK_EXTENSION') ?: CASHBACK_REPO . '/target/release/libcashback.so';
        [$server, $base] = $this->startServer($extension);
        try {
            [$status, $body] = self::http('GET', $base . '/local/api/cashback/v1/health');
            $this->assertSame(200, $status);
            $this->assertSame('ok', $body['status']);

            [$status, $body] = self::http('GET', $base . '/local/api/cashback/v1/balance?user_phone=79001234567');
            $this->assertSame([401, ['error' => 'unauthorized']], [$status, $body]);

            $transaction = "\xEF\xBB\xBF" . json_encode(['type' => 'accrual', 'amount' => 150, 'external_id' => 'fb-1', 'user_phone' => '89001234567']);
            [$status, $body] = self::http('POST', $base . '/local/api/cashback/v1/transactions', ['X-API-Key: ' . $key, 'Content-Type: application/json'], $transaction);
            $this->assertSame(200, $status, json_encode($body));
            $this->assertSame(['ok', 150], [$body['status'], $body['balance']]);

            [$status, $body] = self::http('GET', $base . '/local/api/cashback/v1/balance?user_phone=79001234567', ['X-API-Key: ' . $key]);
            $this->assertSame(200, $status);
            $this->assertSame(150, $body['balance']);

            [$status, $body] = self::http('GET', $base . '/local/api/cashback/v1/no/such/thing', ['X-API-Key: ' . $key]);
            $this->assertSame([404, 'not_found'], [$status, $body['error']]);

            [$status, $body, $headers] = self::http('DELETE', $base . '/local/api/cashback/v1/balance', ['X-API-Key: ' . $key]);
            $this->assertSame([405, 'method_not_allowed'], [$status, $body['error']]);
            $this->assertContains('Allow: GET', $headers);
            $this->assertContains('Content-Type: application/json; charset=utf-8', $headers);
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
    }

    public function testUninstallAsksFirstAndKeepsTheDataByDefault(): void
    {
        $this->install();
        $database = Options::databasePath();
        $key = LedgerFactory::open()->createApiKey('1C central')['key'];
        Option::set(Module::ID, Options::SILENCE_HOURS, '12');

        // Step 1: the question, nothing removed yet.
        $GLOBALS['APPLICATION'] = new \CMain();
        $this->uninstall([]);
        $this->assertTrue(ModuleManager::isModuleInstalled(Module::ID));
        $form = $GLOBALS['APPLICATION']->adminFiles[0]['html'];
        $this->assertStringEndsWith('/install/unstep.php', $GLOBALS['APPLICATION']->adminFiles[0]['file']);
        $this->assertMatchesRegularExpression('/<input type="hidden" name="savedata" value="N">\s*<p>\s*<input type="checkbox" name="savedata" id="[^"]+" value="Y" checked>/', $form);
        $this->assertStringContainsString('name="step" value="2"', $form);
        $this->assertStringContainsString('name="sessid"', $form);

        // A forged step 2 without a valid session token does nothing.
        \BitrixSessidDouble::$valid = false;
        $this->uninstall(['step' => '2', 'savedata' => 'N']);
        $this->assertTrue(ModuleManager::isModuleInstalled(Module::ID));
        \BitrixSessidDouble::$valid = true;

        // Step 2 with the box left ticked (both values sent, Y last) keeps data and options.
        $GLOBALS['APPLICATION'] = new \CMain();
        $this->uninstall(['step' => '2', 'savedata' => 'Y']);
        $this->assertFalse(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertFileExists($database);
        $this->assertSame(12, Options::silenceHours());
        $this->assertStringContainsString($database, $GLOBALS['APPLICATION']->adminFiles[0]['html']);

        // Reinstalled over the kept data: the same key works, nothing is registered twice.
        $this->install();
        $this->assertSame('1C central', LedgerFactory::open()->verifyApiKey($key)['name']);
        $this->assertCount(count(Manifest::EVENTS), EventManager::$handlers);
        $this->assertCount(count(Manifest::AGENTS), \CAgent::$agents);
        $this->assertCount(2, \CEventMessage::$messages);

        // Unticked: data, folder and options go.
        $this->uninstall(['step' => '2', 'savedata' => 'N']);
        foreach (DataDirectory::SUFFIXES as $suffix) {
            $this->assertFileDoesNotExist($database . $suffix);
        }
        $this->assertDirectoryDoesNotExist(dirname($database));
        $this->assertDirectoryExists($this->root . '/bitrix/php_interface');
        $this->assertArrayNotHasKey(Module::ID, Option::$values);
    }

    public function testAStep2WithoutTheChoiceKeepsTheData(): void
    {
        $this->install();
        $this->uninstall(['step' => '2']);
        $this->assertFalse(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertFileExists(Options::databasePath());
    }

    public function testDataOutsideTheSiteRootGetsNoHtaccessAndForeignFilesStay(): void
    {
        $outside = $this->root . '-data';
        Option::set(Module::ID, Options::DATABASE_PATH, $outside . '/cashback.db');
        try {
            $this->install();
            $this->assertFileExists($outside . '/cashback.db');
            $this->assertFileDoesNotExist($outside . '/.htaccess');
            file_put_contents($outside . '/backup-notes.txt', 'the admin keeps things here');

            $this->uninstall(['step' => '2', 'savedata' => 'N']);
            $this->assertFileDoesNotExist($outside . '/cashback.db');
            $this->assertFileExists($outside . '/backup-notes.txt', 'only the ledger files are deleted');
        } finally {
            self::removeTree($outside);
        }
    }

    public function testAFailingDatabaseStopsTheInstallBeforeAnythingIsRegistered(): void
    {
        file_put_contents($this->root . '/not-a-folder', 'x');
        Option::set(Module::ID, Options::DATABASE_PATH, $this->root . '/not-a-folder/cashback.db');

        $this->assertFalse($this->install());

        $this->assertSame([], ModuleManager::$calls);
        $this->assertSame([], EventManager::$calls);
        $this->assertSame([], \CAgent::$calls);
        $this->assertDirectoryDoesNotExist($this->root . '/local');
        $this->assertStringContainsString($this->root . '/not-a-folder/cashback.db', $this->exceptionText());
        $this->assertStringContainsString('adm-message ERROR', $GLOBALS['APPLICATION']->adminFiles[0]['html']);
    }

    public function testOldCoresGetOnlyTheUrlrewriteFallback(): void
    {
        ModuleManager::$mainVersion = '20.200.300';
        $this->assertTrue($this->install());

        $this->assertFileExists($this->root . '/local/api/cashback/v1/index.php');
        $this->assertFileDoesNotExist($this->root . '/local/routes/cashback.php');
        $this->assertFileDoesNotExist($this->root . '/bitrix/.settings.php', 'the routing config is not touched');
        $this->assertCount(1, UrlRewriter::getList('s1'));
        $this->assertStringContainsString('20.200.300', implode("\n", retaillab_cashback::$report->notes));
    }

    public function testRoutingDefinedInSettingsExtraIsLeftToTheAdmin(): void
    {
        file_put_contents($this->root . '/bitrix/.settings_extra.php', "<?php\nreturn ['routing' => ['value' => ['config' => ['web.php']], 'readonly' => true]];\n");
        $this->assertTrue($this->install());

        $this->assertFileDoesNotExist($this->root . '/bitrix/.settings.php');
        $notes = implode("\n", retaillab_cashback::$report->notes);
        $this->assertStringContainsString('/bitrix/.settings_extra.php', $notes);
        $this->assertStringContainsString("'cashback.php'", $notes);
        $this->assertCount(1, UrlRewriter::getList('s1'), 'the fallback serves the API meanwhile');
    }

    public function testAForeignRouteFileIsNeitherReplacedNorDeleted(): void
    {
        mkdir($this->root . '/local/routes', 0700, true);
        file_put_contents($this->root . '/local/routes/cashback.php', '<?php return static function ($routes) {}; // another team\'s');
        $this->assertTrue($this->install());
        $this->assertStringContainsString("another team's", (string) file_get_contents($this->root . '/local/routes/cashback.php'));
        $this->assertStringContainsString('/local/routes/cashback.php', implode("\n", retaillab_cashback::$report->notes));

        $this->uninstall(['step' => '2']);
        $this->assertFileExists($this->root . '/local/routes/cashback.php');
    }

    public function testMailEventTypeAndTemplates(): void
    {
        // Loc::getDefaultLang (main 23.300): kz falls back to ru, ua to en.
        SiteTable::$rows = [['LID' => 's1', 'LANGUAGE_ID' => 'ru'], ['LID' => 's2', 'LANGUAGE_ID' => 'en'], ['LID' => 'kz', 'LANGUAGE_ID' => 'kz'],
            ['LID' => 'ua', 'LANGUAGE_ID' => 'ua']];
        $this->install();

        $types = array_values(\CEventType::$types);
        $this->assertSame(['ru', 'en'], array_column($types, 'LID'));
        foreach ($types as $type) {
            $this->assertSame('RETAILLAB_CASHBACK_STORE_SILENT', $type['EVENT_NAME']);
            $this->assertNotSame('RETAILLAB_CASHBACK_STORE_SILENT', $type['NAME'], 'a name from the lang file');
            foreach (Manifest::MAIL_EVENT_FIELDS as $field) {
                $this->assertStringContainsString("#$field#", $type['DESCRIPTION'], "{$type['LID']} describes #$field#");
            }
        }
        $this->assertNotSame($types[0]['NAME'], $types[1]['NAME'], 'Russian and English');

        $templates = array_values(\CEventMessage::$messages);
        $this->assertCount(2, $templates);
        [$ru, $en] = $templates;
        $this->assertSame(['s1', 'kz'], $ru['LID']);
        $this->assertSame(['s2', 'ua'], $en['LID']);
        foreach ($templates as $template) {
            $this->assertSame('Y', $template['ACTIVE']);
            $this->assertSame('#DEFAULT_EMAIL_FROM#', $template['EMAIL_FROM']);
            $this->assertSame('#EMAIL_TO#', $template['EMAIL_TO']);
            foreach (['STORE_ID', 'STORE_NAME', 'LAST_SEEN', 'HOURS'] as $field) {
                $this->assertStringContainsString("#$field#", $template['SUBJECT'] . $template['MESSAGE']);
            }
        }
        $this->assertMatchesRegularExpression('/[а-я]/u', $ru['MESSAGE']);
        $this->assertDoesNotMatchRegularExpression('/[а-я]/u', $en['MESSAGE']);
    }

    public function testATemplateWithoutSitesOfItsLanguageIsCreatedInactive(): void
    {
        $this->install();
        [$ru, $en] = array_values(\CEventMessage::$messages);
        $this->assertSame(['Y', ['s1']], [$ru['ACTIVE'], $ru['LID']]);
        $this->assertSame(['N', ['s1']], [$en['ACTIVE'], $en['LID']]);
    }

    /**
     * Configuration::saveConfiguration() rewrites /bitrix/.settings.php and checks
     * nothing: here the write fails (something that is not a file sits at the path,
     * as a failed write of any kind would leave the old file), and the installer must
     * notice by reading the file back, say so, and name the fallback that serves the API.
     */
    public function testARoutingConfigThatWasNotWrittenIsReported(): void
    {
        mkdir($this->root . '/bitrix/.settings.php');

        $this->assertTrue($this->install(), $this->exceptionText());

        $report = retaillab_cashback::$report;
        $warnings = implode("\n", $report->warnings);
        $this->assertStringContainsString('/bitrix/.settings.php', $warnings);
        $this->assertStringContainsString("'cashback.php'", $warnings, 'what to add by hand');
        $this->assertStringContainsString('urlrewrite.php', $warnings, 'what serves the API meanwhile');
        $this->assertStringContainsString('/local/api/cashback/v1/index.php', $warnings);
        $this->assertStringNotContainsString('routing_index.php', implode("\n", $report->notes), 'no claim that the routes are in place');
        $this->assertCount(1, UrlRewriter::getList('s1'), 'the fallback rule is there');
        $this->assertFileExists($this->root . '/local/api/cashback/v1/index.php');

        $page = $GLOBALS['APPLICATION']->adminFiles[0]['html'];
        $this->assertStringContainsString('adm-note', $page, 'installed');
        $this->assertStringContainsString(htmlspecialchars($report->warnings[0], ENT_COMPAT), $page, 'the warning is on the result page');
    }

    /**
     * A .settings.php the PHP user may not write (the site owner's protection) is not
     * touched at all: the kernel would chmod it 0644 if PHP owns it, or fail silently.
     * Root may write anything, so this runs for other users only.
     */
    public function testAReadOnlySettingsFileIsLeftAloneAndReported(): void
    {
        if (function_exists('posix_geteuid') && posix_geteuid() === 0) {
            // Root writes read-only files anyway (make test runs as root): this very test runs as nobody.
            $this->assertPassesAsNobody(__FUNCTION__);
            return;
        }
        $settings = $this->root . '/bitrix/.settings.php';
        $content = "<?php\nreturn ['routing' => ['value' => ['config' => ['web.php']], 'readonly' => true]];\n";
        file_put_contents($settings, $content);
        chmod($settings, 0444);
        try {
            $this->assertTrue($this->install(), $this->exceptionText());
            clearstatcache();
            $this->assertSame($content, file_get_contents($settings));
            $this->assertSame('0444', substr(sprintf('%o', fileperms($settings)), -4), 'no chmod');
            $warnings = implode("\n", retaillab_cashback::$report->warnings);
            $this->assertStringContainsString('/bitrix/.settings.php', $warnings);
            $this->assertStringContainsString('urlrewrite.php', $warnings);

            $this->uninstall(['step' => '2']);
            $this->assertSame($content, file_get_contents($settings));
        } finally {
            chmod($settings, 0644);
        }
    }

    /**
     * Runs one test of this class in a child PHPUnit as the user nobody, with the PHP
     * options of this run (the extension), read from /proc/self/cmdline.
     */
    private function assertPassesAsNobody(string $test): void
    {
        $command = explode("\0", rtrim((string) file_get_contents('/proc/self/cmdline'), "\0"));
        $script = array_search(realpath($_SERVER['SCRIPT_FILENAME']), array_map('realpath', $command), true);
        $this->assertIsInt($script, 'PHPUnit\'s script in this process\'s command line');
        $child = array_merge(['runuser', '-u', 'nobody', '--'], array_slice($command, 0, $script + 1), [
            '--configuration', __DIR__ . '/phpunit.xml', '--filter', '/' . preg_quote(self::class . '::' . $test, '/') . '$/',
        ]);
        $process = proc_open($child, [1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, CASHBACK_REPO);
        $output = stream_get_contents($pipes[1]);
        $status = proc_close($process);
        $this->assertSame(0, $status, $output);
        $this->assertStringContainsString('OK (1 test', $output);
    }

    /**
     * The kernel's unRegisterModule() deletes the module's group rights
     * (CMain::DelGroupRight): uninstalling with "keep data" and installing again must
     * give every group its access level back. Per-site rights survive the kernel anyway.
     */
    public function testGroupRightsSurviveAnUninstallThatKeepsTheData(): void
    {
        $this->assertTrue($this->install(), $this->exceptionText());
        \CMain::SetGroupRight(Module::ID, 5, 'R');
        \CMain::SetGroupRight(Module::ID, 6, 'W');
        \CMain::SetGroupRight(Module::ID, 7, 'W', 's1');
        \CMain::SetGroupRight('other.module', 5, 'W');

        $this->uninstall(['step' => '2', 'savedata' => 'Y']);
        $this->assertFalse(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertSame([], self::commonRights(Module::ID), 'the kernel dropped them');

        $GLOBALS['APPLICATION'] = new \CMain();
        $this->assertTrue($this->install(), $this->exceptionText());
        $this->assertSame([5 => 'R', 6 => 'W'], self::commonRights(Module::ID));
        $this->assertSame([5 => 'W'], self::commonRights('other.module'));
        $siteRights = array_values(array_filter(\CMain::$groupRights, static fn (array $r) => $r['SITE_ID'] === 's1'));
        $this->assertSame([[Module::ID, 7, 'W']], array_map(static fn (array $r) => [$r['MODULE_ID'], $r['GROUP_ID'], $r['G_ACCESS']], $siteRights));
        $this->assertContains(
            \Bitrix\Main\Localization\Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_RIGHTS_RESTORED', ['#COUNT#' => 2]),
            retaillab_cashback::$report->notes,
            'the report says how many groups got their rights back',
        );
        $this->assertArrayNotHasKey(\Retaillab\Cashback\Install\Installer::KEPT_RIGHTS_OPTION, Option::$values[Module::ID] ?? [], 'given back once');

        // Restored once: a later uninstall without the data leaves nothing to bring back.
        $this->uninstall(['step' => '2', 'savedata' => 'N']);
        $this->assertArrayNotHasKey(Module::ID, Option::$values);
        $this->assertTrue($this->install(), $this->exceptionText());
        $this->assertSame([], self::commonRights(Module::ID));
    }

    /** A second install request (a double click) must not undo the first one when registerModule() fails on the duplicate. */
    public function testASecondInstallRequestLeavesTheFirstInPlace(): void
    {
        $this->assertTrue($this->install(), $this->exceptionText());
        $GLOBALS['APPLICATION'] = new \CMain();
        $this->assertTrue($this->install(), $this->exceptionText());

        $this->assertTrue(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertSame([['registerModule', Module::ID]], ModuleManager::$calls, 'registered once, never unregistered');
        $this->assertCount(count(Manifest::EVENTS), EventManager::$handlers);
        $this->assertCount(count(Manifest::AGENTS), \CAgent::$agents);
        $this->assertCount(2, \CEventMessage::$messages);
    }

    /**
     * CEventType::Add() and CEventMessage::Add() return false and leave a
     * CAdminException in $APPLICATION when they refuse. The install goes on (the
     * ledger and the API work without the mail), the result page says "installed"
     * and what is missing, instead of hiding it or reading the leftover exception as
     * a failed install.
     */
    public function testMailTypesAndTemplatesThatCannotBeCreatedAreReported(): void
    {
        \CEventType::$refuse = 'b_event_type is read-only';

        $this->assertTrue($this->install(), $this->exceptionText());

        $this->assertTrue(ModuleManager::isModuleInstalled(Module::ID));
        $this->assertSame([], \CEventType::$types);
        $this->assertSame([], \CEventMessage::$messages);
        $warnings = implode("\n", retaillab_cashback::$report->warnings);
        $this->assertStringContainsString(Manifest::MAIL_EVENT, $warnings);
        $this->assertStringContainsString('b_event_type is read-only', $warnings, 'the core\'s reason');
        $this->assertStringContainsString('There is no event type', $warnings, 'the templates\' reason');
        $this->assertFalse($GLOBALS['APPLICATION']->GetException(), 'no leftover exception reads as a failed install');
        $page = $GLOBALS['APPLICATION']->adminFiles[0]['html'];
        $this->assertStringContainsString('adm-note', $page);
        $this->assertStringContainsString(Manifest::MAIL_EVENT, $page);
    }

    /** CEventMessage::GetList() matches TYPE_ID with LIKE: another event whose name only matches the pattern is not ours. */
    public function testAnotherEventWhoseNameMatchesTheLikePatternIsLeftAlone(): void
    {
        $twin = 'RETAILLAB-CASHBACK-STORE-SILENT';
        \CEventType::Add(['LID' => 'ru', 'EVENT_NAME' => $twin, 'NAME' => 'someone else\'s']);
        $foreign = (new \CEventMessage())->Add(['ACTIVE' => 'Y', 'EVENT_NAME' => $twin, 'LID' => ['s1'], 'EMAIL_FROM' => 'a@b.c', 'EMAIL_TO' => 'd@e.f', 'SUBJECT' => 'x', 'MESSAGE' => 'y']);
        $this->assertNotFalse($foreign);

        $this->assertTrue($this->install(), $this->exceptionText());
        $ours = array_filter(\CEventMessage::$messages, static fn (array $m) => $m['EVENT_NAME'] === Manifest::MAIL_EVENT);
        $this->assertCount(2, $ours, 'a foreign template does not count as ours');

        $this->uninstall(['step' => '2']);
        $this->assertSame([$foreign], array_keys(\CEventMessage::$messages), 'only ours are deleted');
    }

    public function testAdminMenuFollowsTheAccessLevel(): void
    {
        $menu = function (string $right) {
            $GLOBALS['APPLICATION'] = new \CMain();
            $GLOBALS['APPLICATION']->rights[Module::ID] = $right;
            return include CASHBACK_MODULE_DIR . '/admin/menu.php';
        };
        $this->assertFalse($menu('D'));
        $this->assertFalse($menu(''));

        $read = $menu('R');
        $this->assertSame('global_menu_services', $read['parent_menu']);
        $this->assertSame(['/bitrix/admin/retaillab_cashback_log.php?lang=' . LANGUAGE_ID], array_column($read['items'], 'url'));

        $write = $menu('W');
        $this->assertSame([
            '/bitrix/admin/retaillab_cashback_log.php?lang=' . LANGUAGE_ID,
            '/bitrix/admin/retaillab_cashback_reindex.php?lang=' . LANGUAGE_ID,
            '/bitrix/admin/settings.php?lang=' . LANGUAGE_ID . '&mid=retaillab.cashback&mid_menu=1',
        ], array_column($write['items'], 'url'));
        foreach ($write['items'] as $item) {
            $this->assertNotEmpty($item['text']);
        }
        $this->assertNotEmpty($write['text']);
    }

    /** @return array{0: resource, 1: string} the server process and its base URL */
    private function startServer(string $extension): array
    {
        for ($attempt = 0; $attempt < 5; $attempt++) {
            $port = random_int(20000, 60000);
            $server = proc_open(
                [PHP_BINARY, '-d', 'extension=' . $extension, '-S', "127.0.0.1:$port", '-t', $this->root],
                [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->root . '/server.log', 'a'], 2 => ['file', $this->root . '/server.log', 'a']],
                $pipes,
            );
            for ($wait = 0; $wait < 50; $wait++) {
                $socket = @fsockopen('127.0.0.1', $port, $errno, $error, 0.1);
                if ($socket !== false) {
                    fclose($socket);
                    return [$server, "http://127.0.0.1:$port"];
                }
                if (!proc_get_status($server)['running']) {
                    break;
                }
                usleep(100000);
            }
            proc_terminate($server);
            proc_close($server);
        }
        $this->fail('cannot start php -S: ' . @file_get_contents($this->root . '/server.log'));
    }

    /** @return array{0: int, 1: mixed, 2: list<string>} status, decoded JSON body, response headers */
    private static function http(string $method, string $url, array $headers = [], string $body = ''): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method, 'header' => $headers, 'content' => $body, 'ignore_errors' => true, 'timeout' => 10,
        ]]);
        $content = file_get_contents($url, false, $context);
        $responseHeaders = $http_response_header ?? [];
        preg_match('#^HTTP/\S+ (\d{3})#', $responseHeaders[0] ?? '', $match);
        return [(int) ($match[1] ?? 0), json_decode((string) $content, true), $responseHeaders];
    }

    /** @return array<int, string> group => level of the module's common rights (SITE_ID NULL) */
    private static function commonRights(string $module): array
    {
        $rights = [];
        $result = \CMain::GetGroupRightList(['MODULE_ID' => $module]);
        while ($row = $result->Fetch()) {
            $rights[$row['GROUP_ID']] = $row['G_ACCESS'];
        }
        ksort($rights);
        return $rights;
    }

    private function exceptionText(): string
    {
        $exception = $GLOBALS['APPLICATION']->GetException();
        return $exception ? $exception->GetString() : '';
    }

    /** @return list<string> */
    private static function filesBelow(string $dir): array
    {
        return \Retaillab\Cashback\Install\Files::filesBelow($dir);
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
