<?php

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Install\Installer;
use Retaillab\Cashback\Install\Report;

Loc::loadMessages(__FILE__);

/**
 * The module's description for Bitrix (Marketplace > Installed solutions). The
 * work is done by Retaillab\Cashback\Install\Installer; this class only wires it
 * to the admin's install and uninstall pages (install/step.php, install/unstep.php).
 *
 * Bitrix includes this file on every modules-list page, installed or not: it does
 * nothing at include time besides loading its language file.
 */
class retaillab_cashback extends CModule
{
    public $MODULE_ID = 'retaillab.cashback';
    public $MODULE_VERSION;
    public $MODULE_VERSION_DATE;
    public $MODULE_NAME;
    public $MODULE_DESCRIPTION;
    public $PARTNER_NAME;
    public $PARTNER_URI;
    public $MODULE_GROUP_RIGHTS = 'Y';

    /** The last install or uninstall report, for the step pages. */
    public static ?Report $report = null;

    public function __construct()
    {
        $arModuleVersion = [];
        include __DIR__ . '/version.php';
        $this->MODULE_VERSION = $arModuleVersion['VERSION'] ?? '';
        $this->MODULE_VERSION_DATE = $arModuleVersion['VERSION_DATE'] ?? '';
        $this->MODULE_NAME = Loc::getMessage('RETAILLAB_CASHBACK_MODULE_NAME');
        $this->MODULE_DESCRIPTION = Loc::getMessage('RETAILLAB_CASHBACK_MODULE_DESCRIPTION');
        $this->PARTNER_NAME = Loc::getMessage('RETAILLAB_CASHBACK_PARTNER_NAME');
        $this->PARTNER_URI = Loc::getMessage('RETAILLAB_CASHBACK_PARTNER_URI');
    }

    /**
     * Installs, then shows the result page (install/step.php). IncludeAdminFile()
     * ends the request (it dies after the admin epilog), so the page is the only
     * outcome anyone sees: the return value is for a caller that does not die.
     */
    public function DoInstall()
    {
        global $APPLICATION;
        self::loadModuleClasses();
        $report = Installer::forThisModule()->install();
        self::$report = $report;
        if ($report->ok()) {
            // Nothing a kernel call left behind may pass for a failure.
            $APPLICATION->ResetException();
        } else {
            $APPLICATION->ThrowException(implode("\n", $report->errors));
        }
        $APPLICATION->IncludeAdminFile(Loc::getMessage('RETAILLAB_CASHBACK_INSTALL_TITLE'), __DIR__ . '/step.php');
        return $report->ok();
    }

    /**
     * Two steps: the question "keep the ledger data?" (install/unstep.php, kept by
     * default), then the uninstall itself with its report on the same page.
     */
    public function DoUninstall()
    {
        global $APPLICATION;
        self::loadModuleClasses();
        $request = Application::getInstance()->getContext()->getRequest();
        self::$report = null;
        if ((int) $request->get('step') >= 2 && check_bitrix_sessid()) {
            // Absent or anything but N keeps the data: deleting needs an explicit choice.
            self::$report = Installer::forThisModule()->uninstall($request->get('savedata') !== 'N');
            if (self::$report->ok()) {
                $APPLICATION->ResetException();
            } else {
                $APPLICATION->ThrowException(implode("\n", self::$report->errors));
            }
        }
        $APPLICATION->IncludeAdminFile(Loc::getMessage('RETAILLAB_CASHBACK_UNINSTALL_TITLE'), __DIR__ . '/unstep.php');
        return self::$report?->ok() ?? false;
    }

    public function GetModuleRightList()
    {
        return [
            'reference_id' => ['D', 'R', 'W'],
            'reference' => [
                '[D] ' . Loc::getMessage('RETAILLAB_CASHBACK_RIGHT_D'),
                '[R] ' . Loc::getMessage('RETAILLAB_CASHBACK_RIGHT_R'),
                '[W] ' . Loc::getMessage('RETAILLAB_CASHBACK_RIGHT_W'),
            ],
        ];
    }

    /**
     * A module that is not installed yet is not autoloaded by Bitrix: map its
     * namespace onto lib/ for the installer, and the shared API code (include.php).
     */
    private static function loadModuleClasses(): void
    {
        require_once dirname(__DIR__) . '/include.php';
        if (class_exists(Installer::class)) {
            return;
        }
        $lib = dirname(__DIR__) . '/lib/';
        spl_autoload_register(static function (string $class) use ($lib): void {
            $prefix = 'Retaillab\\Cashback\\';
            if (str_starts_with($class, $prefix)) {
                $file = $lib . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
                if (is_file($file)) {
                    require_once $file;
                }
            }
        });
    }
}
