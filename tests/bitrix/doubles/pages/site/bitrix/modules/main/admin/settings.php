<?php

// Double of /bitrix/modules/main/admin/settings.php (bitrix-core-business, main 23.300,
// stored at 03e3b57): Settings > Module settings. Facts it follows:
// - prolog_admin_before.php first; the user needs view_other_settings or edit_other_settings
//   (the double's administrator has both);
// - the modules offered: main, and every installed module with install/index.php and options.php
//   (looked up under /local first, then /bitrix) for which $APPLICATION->GetGroupRight($module)
//   is at least "R"; a module below R is left out;
// - $mid = $_REQUEST["mid"]; a module not offered (or without the file) falls back to "main";
// - the module's options.php is included at this file's scope (the global one: every global,
//   FormDecode()'s among them, is visible to it) inside ob_start(), its output kept;
// - then SetTitle, prolog_admin_after.php, the module selector, the kept output, epilog_admin.php.
// The main module's own settings page is a stub here.

use Bitrix\Main\ModuleManager;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';

$arModules = ['main' => ['PAGE' => __DIR__ . '/../options.php', 'NAME' => 'Главный модуль']];
foreach (array_keys(ModuleManager::$installed) as $module) {
    if ($module === 'main' || $APPLICATION->GetGroupRight($module) < 'R') {
        continue;
    }
    foreach (['/local/modules/', '/bitrix/modules/'] as $root) {
        if (is_file($_SERVER['DOCUMENT_ROOT'] . $root . $module . '/install/index.php')) {
            if (is_file($_SERVER['DOCUMENT_ROOT'] . $root . $module . '/options.php')) {
                $arModules[$module] = ['PAGE' => $_SERVER['DOCUMENT_ROOT'] . $root . $module . '/options.php', 'NAME' => $module];
            }
            break;
        }
    }
}

$mid = is_string($_REQUEST['mid'] ?? null) ? $_REQUEST['mid'] : '';
if ($mid === '' || !isset($arModules[$mid]) || !file_exists($arModules[$mid]['PAGE'])) {
    $mid = 'main';
}

ob_start();
include $arModules[$mid]['PAGE'];
$strModuleSettingsTabs = ob_get_contents();
ob_end_clean();

$APPLICATION->SetTitle('Настройки модулей');
require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

echo '<form action=""><select name="mid" id="retaillab-test-mid">';
foreach ($arModules as $k => $m) {
    echo '<option value="', htmlspecialcharsbx($k), '"', $mid === $k ? ' selected' : '', '>', htmlspecialcharsbx($m['NAME']), '</option>';
}
echo '</select></form><br />';

echo $strModuleSettingsTabs;
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
