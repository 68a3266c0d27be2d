<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\SiteTable;
use Bitrix\Main\UrlRewriter;
use Retaillab\Cashback\Ledger\DatabaseUrl;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;

Loc::loadMessages(__FILE__);

/**
 * Everything DoInstall and DoUninstall do, in one testable class. The step
 * pages (install/step.php, install/unstep.php) show its Report.
 *
 * Install, in order: requirements (the cashback extension), the ledger database
 * (created and migrated before anything is registered: it is the step that
 * fails on a misconfigured server), the module, event handlers and agents
 * (Manifest), files (admin wrappers, components, the API's fallback front
 * controller, the route file), the routing config and urlrewrite rule, the
 * mail event. Uninstall reverses each of them; the database and the options
 * survive unless the admin chose not to keep the data.
 *
 * The ledger's database is the stored storage choice (Options::databaseMode()):
 * a SQLite file (created with its folder), or a MariaDB/MySQL database, the
 * site's own or another, where the extension creates the ledger's tables
 * (CashbackLedger with create true). Uninstall never deletes anything in a
 * MariaDB/MySQL database, whatever the admin chose: it may be the site's own,
 * and tables are dropped only by someone who looked at them (the report says
 * which). Not keeping the data deletes the SQLite file (as it always did) and
 * the module options, which hold the URL and its password.
 */
final class Installer
{
    /** Bitrix routing exists since main 21.400.0. */
    public const MIN_MAIN_FOR_ROUTING = '21.400.0';

    /** Targets, relative to DOCUMENT_ROOT. */
    public const ROUTES_TARGET = '/local/routes/' . RoutingConfig::FILE;
    public const API_TARGET = '/local/api/cashback/v1/index.php';
    public const ADMIN_TARGET = '/bitrix/admin';
    public const COMPONENTS_TARGET = '/local/components';

    /** The urlrewrite.php rule of the fallback. ID stays empty: urlrewrite reindexing deletes rules with an ID. */
    public const URLREWRITE_RULE = [
        'CONDITION' => '#^/local/api/cashback/v1/#',
        'RULE' => '',
        'ID' => '',
        'PATH' => self::API_TARGET,
        'SORT' => 100,
    ];

    /** Every file the module installs into the site carries this string. */
    public const MARKER = 'retaillab.cashback';

    public function __construct(private readonly string $moduleDir, private readonly string $documentRoot)
    {
    }

    /** The installer of this copy of the module, for the site in $_SERVER['DOCUMENT_ROOT']. */
    public static function forThisModule(): self
    {
        return new self(dirname(__DIR__, 2), rtrim((string) ($_SERVER['DOCUMENT_ROOT'] ?? ''), '/'));
    }

    /** @return list<string> Localized reasons why the module cannot be installed here. */
    public function problems(): array
    {
        if (extension_loaded('cashback')) {
            return [];
        }
        return [(string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_NO_EXTENSION', [
            '#SAPI#' => PHP_SAPI,
            '#PHP_VERSION#' => PHP_VERSION,
            '#INI#' => php_ini_loaded_file() ?: '-',
            '#INI_DIR#' => PHP_CONFIG_FILE_SCAN_DIR !== '' ? PHP_CONFIG_FILE_SCAN_DIR : '-',
            '#EXTENSION_DIR#' => (string) ini_get('extension_dir'),
        ])];
    }

    /** True when this core has Bitrix routing (main 21.400+). */
    public function routingAvailable(): bool
    {
        $version = ModuleManager::getVersion('main');
        return is_string($version) && version_compare($version, self::MIN_MAIN_FOR_ROUTING, '>=');
    }

    public function install(): Report
    {
        $report = new Report();
        $report->errors = $this->problems();
        if (!$report->ok()) {
            return $report;
        }

        try {
            $database = LedgerFactory::database();
        } catch (\CashbackException $e) {
            $report->errors[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_STORAGE_FAILED', ['#ERROR#' => self::describe($e)]);
            return $report;
        }
        if (DatabaseUrl::isUrl($database)) {
            $location = DatabaseUrl::location($database);
            try {
                $health = LedgerFactory::create()->health();
            } catch (\Throwable $e) {
                $report->errors[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_MYSQL_FAILED', [
                    '#LOCATION#' => $location,
                    '#ERROR#' => self::describe($e),
                ]);
                return $report;
            }
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_MYSQL_READY', [
                '#LOCATION#' => $location,
                '#PREFIX#' => DatabaseUrl::tablePrefix($location),
                '#SCHEMA#' => (string) $health['schema_version'],
            ]);
        } else {
            try {
                (new DataDirectory($database, $this->documentRoot))->prepare();
                LedgerFactory::create()->health();
            } catch (\Throwable $e) {
                $report->errors[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_DATABASE_FAILED', [
                    '#PATH#' => $database,
                    '#ERROR#' => self::describe($e),
                ]);
                return $report;
            }
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_DATABASE_READY', ['#PATH#' => $database]);
            if ((new DataDirectory($database, $this->documentRoot))->isPublic()) {
                $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_DATABASE_PUBLIC', ['#DIR#' => dirname($database)]);
            }
        }

        try {
            ModuleManager::registerModule(Module::ID);
            $this->registerEvents($report);
            $this->addAgents();
            $this->installFiles();
            $this->installRouting($report);
            (new MailTemplates())->install();
        } catch (\Throwable $e) {
            $report->errors[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_STEP_FAILED', ['#ERROR#' => self::describe($e)]);
            // Leave nothing half-installed; the database (new and empty, or kept from before) stays.
            $this->uninstall(true);
        }
        return $report;
    }

    public function uninstall(bool $keepData): Report
    {
        $report = new Report();
        // Read before the options may be deleted below. A MariaDB/MySQL ledger is named by its location only.
        [$sqlitePath, $location] = $this->storage();
        $steps = [
            fn () => $this->unregisterEvents(),
            fn () => $this->removeAgents(),
            fn () => $this->uninstallFiles(),
            fn () => $this->uninstallRouting($report),
            fn () => (new MailTemplates())->uninstall(),
        ];
        if ($keepData) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_DATA_KEPT', ['#PATH#' => $sqlitePath ?? $location]);
        } elseif ($sqlitePath !== null) {
            $steps[] = function () use ($sqlitePath, $report): void {
                (new DataDirectory($sqlitePath, $this->documentRoot))->delete();
                Option::delete(Module::ID);
                $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_DATA_DELETED', ['#PATH#' => $sqlitePath]);
            };
        } else {
            $steps[] = function () use ($location, $report): void {
                // Nothing is dropped in a MariaDB/MySQL database (it may be the site's own): only the options go.
                Option::delete(Module::ID);
                $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_MYSQL_KEPT', [
                    '#LOCATION#' => $location,
                    '#PREFIX#' => DatabaseUrl::tablePrefix($location),
                ]);
            };
        }
        $steps[] = fn () => ModuleManager::unRegisterModule(Module::ID);
        // Best effort: one failing step must not leave the rest registered.
        foreach ($steps as $step) {
            try {
                $step();
            } catch (\Throwable $e) {
                $report->errors[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_STEP_FAILED', ['#ERROR#' => self::describe($e)]);
            }
        }
        return $report;
    }

    /**
     * Where the stored options put the ledger: [the SQLite file, null] or [null,
     * the MariaDB/MySQL location without password]. A site database that cannot be
     * read any more (its connection changed) is still a MariaDB/MySQL ledger.
     *
     * @return array{0: ?string, 1: string}
     */
    private function storage(): array
    {
        if (Options::databaseMode() === Options::MODE_SQLITE && !DatabaseUrl::isUrl(Options::databasePath())) {
            return [Options::databasePath(), ''];
        }
        try {
            $location = LedgerFactory::describe()['location'];
        } catch (\Throwable) {
            $location = '';
        }
        return [null, $location !== '' ? $location : (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_SITE_DATABASE')];
    }

    private function registerEvents(Report $report): void
    {
        $events = EventManager::getInstance();
        $skipped = [];
        foreach (Manifest::EVENTS as [$fromModule, $eventName, $class, $method, $compatible]) {
            if (in_array($fromModule, Manifest::OPTIONAL_MODULES, true) && !ModuleManager::isModuleInstalled($fromModule)) {
                $skipped[$fromModule] = true;
                continue;
            }
            if ($compatible) {
                $events->registerEventHandlerCompatible($fromModule, $eventName, Module::ID, $class, $method);
            } else {
                $events->registerEventHandler($fromModule, $eventName, Module::ID, $class, $method);
            }
        }
        foreach (array_keys($skipped) as $module) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_MODULE_MISSING', ['#MODULE#' => $module]);
        }
    }

    private function unregisterEvents(): void
    {
        $events = EventManager::getInstance();
        foreach (Manifest::EVENTS as [$fromModule, $eventName, $class, $method]) {
            $events->unRegisterEventHandler($fromModule, $eventName, Module::ID, $class, $method);
        }
    }

    private function addAgents(): void
    {
        foreach (Manifest::AGENTS as [$call, $interval]) {
            // Re-adding replaces, never duplicates (reinstall over kept data).
            \CAgent::RemoveAgent($call, Module::ID);
            \CAgent::AddAgent($call, Module::ID, 'N', $interval, '', 'Y', '', 100, false, false);
        }
    }

    private function removeAgents(): void
    {
        foreach (Manifest::AGENTS as [$call]) {
            \CAgent::RemoveAgent($call, Module::ID);
        }
    }

    private function installFiles(): void
    {
        Files::copyTree($this->moduleDir . '/install/admin', $this->documentRoot . self::ADMIN_TARGET);
        Files::copyTree($this->moduleDir . '/install/components', $this->documentRoot . self::COMPONENTS_TARGET);
        Files::copyFile($this->moduleDir . '/install/api/index.php', $this->documentRoot . self::API_TARGET);
    }

    private function uninstallFiles(): void
    {
        Files::removeCopies($this->moduleDir . '/install/admin', $this->documentRoot . self::ADMIN_TARGET);
        Files::removeCopies($this->moduleDir . '/install/components', $this->documentRoot . self::COMPONENTS_TARGET);
        $this->removeOwnFile(self::API_TARGET);
    }

    private function installRouting(Report $report): void
    {
        foreach ($this->siteIds() as $siteId) {
            UrlRewriter::add($siteId, self::URLREWRITE_RULE);
        }
        if (!$this->routingAvailable()) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_ROUTING_UNAVAILABLE', [
                '#VERSION#' => (string) ModuleManager::getVersion('main'),
            ]);
            return;
        }
        $target = $this->documentRoot . self::ROUTES_TARGET;
        if (is_file($target) && !$this->isOwnFile($target)) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_ROUTES_FOREIGN', ['#FILE#' => self::ROUTES_TARGET]);
            return;
        }
        Files::copyFile($this->moduleDir . '/install/routes/' . RoutingConfig::FILE, $target);
        $config = new RoutingConfig($this->documentRoot);
        if ($config->add() === RoutingConfig::MANUAL) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_ROUTING_MANUAL', [
                '#FILE#' => (string) $config->extraFile(),
                '#ROUTE_FILE#' => RoutingConfig::FILE,
            ]);
        }
        $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_ROUTING_WEBSERVER');
    }

    private function uninstallRouting(Report $report): void
    {
        foreach ($this->siteIds() as $siteId) {
            UrlRewriter::delete($siteId, ['CONDITION' => self::URLREWRITE_RULE['CONDITION'], 'PATH' => self::URLREWRITE_RULE['PATH']]);
        }
        $config = new RoutingConfig($this->documentRoot);
        if ($config->remove() === RoutingConfig::MANUAL) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_ROUTING_MANUAL', [
                '#FILE#' => (string) $config->extraFile(),
                '#ROUTE_FILE#' => RoutingConfig::FILE,
            ]);
        }
        $this->removeOwnFile(self::ROUTES_TARGET);
    }

    /** Deletes a file the module installed (never someone else's file of the same name), and emptied folders. */
    private function removeOwnFile(string $relative): void
    {
        $file = $this->documentRoot . $relative;
        if (is_file($file) && $this->isOwnFile($file)) {
            @unlink($file);
            Files::removeEmptyDirs(dirname($file), $this->documentRoot . '/local');
        }
    }

    private function isOwnFile(string $file): bool
    {
        return str_contains((string) @file_get_contents($file), self::MARKER);
    }

    /** @return list<string> */
    private function siteIds(): array
    {
        $ids = [];
        $result = SiteTable::getList(['select' => ['LID'], 'order' => ['SORT' => 'ASC']]);
        while ($row = $result->fetch()) {
            $ids[] = (string) $row['LID'];
        }
        return $ids;
    }

    private static function describe(\Throwable $e): string
    {
        return $e instanceof \CashbackException ? $e->getErrorCode() . ': ' . $e->getMessage() : $e->getMessage();
    }
}
