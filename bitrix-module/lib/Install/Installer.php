<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\SiteTable;
use Bitrix\Main\UrlRewriter;
use Retaillab\Cashback\Charset;
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
 * What the kernel does not report is checked here: the routing config is read
 * back after Configuration::saveConfiguration() (RoutingConfig), CAgent::AddAgent(),
 * CEventType::Add() and CEventMessage::Add() are checked for false; what failed is a
 * warning on the result page (the install goes on: the ledger and the API work
 * without it) and the CAdminException the kernel left in $APPLICATION is taken
 * away, so that the page does not read it as a failed install. A second install
 * request over an installed module (a double click) registers nothing twice
 * (ModuleManager::registerModule() is a plain INSERT) and never rolls back the
 * first one.
 *
 * Group rights: the kernel's unRegisterModule() deletes the module's common group
 * rights (CMain::DelGroupRight). Uninstalling with the data kept stores them in
 * the module option KEPT_RIGHTS_OPTION (options survive unRegisterModule()), and
 * the next install gives them back and deletes the option. Not keeping the data
 * deletes the options, so the rights go with them.
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
        // The bare base path too (the contract's JSON 404), not a longer path that merely starts alike.
        'CONDITION' => '#^/local/api/cashback/v1(?:[/?]|$)#',
        'RULE' => '',
        'ID' => '',
        'PATH' => self::API_TARGET,
        'SORT' => 100,
    ];

    /** Every file the module installs into the site carries this string. */
    public const MARKER = 'retaillab.cashback';

    /** Module option holding the group rights of an uninstall that kept the data: JSON {"group id": "level"}. */
    public const KEPT_RIGHTS_OPTION = '~kept_group_rights';

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
        $charset = Charset::problem();
        if ($charset !== null) {
            return [$charset];
        }
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

        // A second request over an installed module (a double click): registerModule() would fail
        // on the duplicate, and rolling back would undo the first request's install.
        $wasInstalled = ModuleManager::isModuleInstalled(Module::ID);
        try {
            if (!$wasInstalled) {
                ModuleManager::registerModule(Module::ID);
            }
            $this->restoreGroupRights($report);
            $this->registerEvents($report);
            $this->addAgents($report);
            $this->installFiles();
            $this->installRouting($report);
            array_push($report->warnings, ...(new MailTemplates())->install());
        } catch (\Throwable $e) {
            $report->errors[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_STEP_FAILED', ['#ERROR#' => self::describe($e)]);
            if (!$wasInstalled) {
                // Leave nothing half-installed; the database (new and empty, or kept from before) stays.
                $this->uninstall(true);
            }
        }
        return $report;
    }

    /**
     * Takes the error a kernel call left in $APPLICATION (CAdminException texts end in
     * "<br>"), as plain text, and clears it.
     */
    public static function takeApplicationError(): string
    {
        $application = $GLOBALS['APPLICATION'] ?? null;
        if (!is_object($application) || !method_exists($application, 'GetException')) {
            return '';
        }
        $exception = $application->GetException();
        if (!$exception) {
            return '';
        }
        $application->ResetException();
        $parts = preg_split('#<br\s*/?>#i', (string) $exception->GetString()) ?: [];
        return implode('; ', array_filter(array_map(static fn (string $part) => trim(strip_tags($part)), $parts), 'strlen'));
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
            fn () => array_push($report->warnings, ...(new MailTemplates())->uninstall()),
        ];
        if ($keepData) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_DATA_KEPT', ['#PATH#' => $sqlitePath ?? $location]);
            // Before unRegisterModule(), which deletes them.
            $steps[] = fn () => $this->keepGroupRights($report);
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

    private function addAgents(Report $report): void
    {
        foreach (Manifest::AGENTS as [$call, $interval]) {
            // Re-adding replaces, never duplicates (reinstall over kept data). The kernel knows an
            // agent by NAME and USER_ID: with $existError false an existing one answers its ID.
            \CAgent::RemoveAgent($call, Module::ID);
            if (!\CAgent::AddAgent($call, Module::ID, 'N', $interval, '', 'Y', '', 100, false, false)) {
                $error = self::takeApplicationError();
                $report->warnings[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_AGENT_FAILED', [
                    '#AGENT#' => $call,
                    '#ERROR#' => $error !== '' ? $error : '-',
                ]);
            }
        }
    }

    /** Stores the module's common group rights (SITE_ID NULL: the ones unRegisterModule() deletes). */
    private function keepGroupRights(Report $report): void
    {
        $rights = [];
        $result = \CMain::GetGroupRightList(['MODULE_ID' => Module::ID]);
        while ($result && ($row = $result->Fetch())) {
            $rights[(string) (int) $row['GROUP_ID']] = (string) $row['G_ACCESS'];
        }
        if ($rights === []) {
            Option::delete(Module::ID, ['name' => self::KEPT_RIGHTS_OPTION]);
            return;
        }
        Option::set(Module::ID, self::KEPT_RIGHTS_OPTION, (string) json_encode($rights));
        $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_RIGHTS_KEPT', ['#COUNT#' => count($rights)]);
    }

    /** Gives back the group rights an uninstall kept, once. */
    private function restoreGroupRights(Report $report): void
    {
        $kept = json_decode(Option::get(Module::ID, self::KEPT_RIGHTS_OPTION, ''), true);
        if (!is_array($kept)) {
            return;
        }
        $restored = 0;
        foreach ($kept as $group => $right) {
            if ((int) $group > 0 && is_string($right) && $right !== '') {
                \CMain::SetGroupRight(Module::ID, (int) $group, $right);
                $restored++;
            }
        }
        Option::delete(Module::ID, ['name' => self::KEPT_RIGHTS_OPTION]);
        if ($restored > 0) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_RIGHTS_RESTORED', ['#COUNT#' => $restored]);
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
        $result = $config->add();
        if ($result === RoutingConfig::NOT_WRITABLE || $result === RoutingConfig::NOT_SAVED) {
            $report->warnings[] = (string) Loc::getMessage(
                $result === RoutingConfig::NOT_WRITABLE ? 'RETAILLAB_CASHBACK_INSTALL_ROUTING_NOT_WRITABLE' : 'RETAILLAB_CASHBACK_INSTALL_ROUTING_NOT_SAVED',
                ['#FILE#' => $config->settingsFile(), '#ROUTE_FILE#' => RoutingConfig::FILE, '#FALLBACK#' => self::API_TARGET],
            );
            return;
        }
        if ($result === RoutingConfig::MANUAL) {
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
        $result = $config->remove();
        if ($result === RoutingConfig::MANUAL) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_ROUTING_MANUAL', [
                '#FILE#' => (string) $config->extraFile(),
                '#ROUTE_FILE#' => RoutingConfig::FILE,
            ]);
        } elseif ($result === RoutingConfig::NOT_WRITABLE || $result === RoutingConfig::NOT_SAVED) {
            $report->notes[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_ROUTING_NOT_SAVED', [
                '#FILE#' => $config->settingsFile(),
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
