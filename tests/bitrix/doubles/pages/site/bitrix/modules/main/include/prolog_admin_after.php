<?php

// Double of /bitrix/modules/main/include/prolog_admin_after.php (0d02fd9) and the admin
// header it includes (interface/prolog_main_admin.php; the top panel of interface/top_panel.php):
// the page title ($APPLICATION->SetTitle() before this point) and the top panel, whose
// "Settings" button opens /bitrix/admin/settings.php?lang=…&mid=ADMIN_MODULE_NAME (mid=main
// when the page did not define ADMIN_MODULE_NAME) with back_url_settings, the current URI,
// unless the page is settings.php itself. The same ADMIN_MODULE_NAME picks the help section.
// Dies unless B_PROLOG_INCLUDED (prolog_admin_before.php) is true, as the real one does.

use Retaillab\Cashback\Tests\Doubles\PageRun;

if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}
PageRun::$prologShown = true;
(static function (): void {
    global $APPLICATION;
    $title = (string) $APPLICATION->GetTitle();
    $settings = BX_ROOT . '/admin/settings.php?lang=' . LANG . '&mid=' . (defined('ADMIN_MODULE_NAME') ? ADMIN_MODULE_NAME : 'main')
        . ($APPLICATION->GetCurPage() !== BX_ROOT . '/admin/settings.php' ? '&back_url_settings=' . urlencode((string) ($_SERVER['REQUEST_URI'] ?? '')) : '');
    echo '<!DOCTYPE html><html><head><meta charset="', LANG_CHARSET, '"><title>', htmlspecialchars($title), '</title></head>',
        '<body class="adm-workarea"><div id="bx-panel" class="adm-header"><a class="adm-header-setting-btn" href="',
        htmlspecialchars($settings), '">', LANGUAGE_ID === 'ru' ? 'Настройки' : 'Settings', '</a></div>',
        '<h1 class="adm-title" id="adm-title">', htmlspecialchars($title), '</h1><div id="adm-workarea-content">';
})();
