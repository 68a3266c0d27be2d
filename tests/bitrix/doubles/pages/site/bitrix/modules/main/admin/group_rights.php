<?php

// Double of /bitrix/modules/main/admin/group_rights.php (bitrix-core-business at 0d02fd9,
// main 23.300.100): the "Access" tab of a module's settings page, included inside the page's
// CAdminTabControl tab and run in the includer's scope. Facts it follows:
// - it reads $module_id from the includer; $MODULE_RIGHT = $APPLICATION->GetGroupRight($module_id);
//   the module object (CModule::CreateModuleObject) gives GetModuleRightList() when it has one,
//   else $APPLICATION->GetDefaultRightList();
// - groups: active ones, administrators' group only when the module says
//   SHOW_SUPER_ADMIN_GROUP_RIGHTS = 'Y';
// - nothing at all is shown or saved when $MODULE_RIGHT is 'D';
// - it SAVES whenever it is included with $REQUEST_METHOD == "POST" && $Update <> '' &&
//   $MODULE_RIGHT == "W" (exactly W) && check_bitrix_sessid(), and $GROUPS is not empty. It does not
//   know what else the page did with the request: it saves even when the page refused the rest of
//   the form. $Update, $REQUEST_METHOD, $GROUPS, $RIGHTS and $SITES are plain variables of the
//   includer's scope: the globals FormDecode() made of the POST (Update is the name of the Save
//   button: the Apply button posts Apply, not Update);
// - saving: the GROUP_DEFAULT_RIGHT option is removed and every group right of the module deleted
//   (common and per site), then for each posted GROUPS[i] with a RIGHTS[i]: group 0 is the default
//   right (option GROUP_DEFAULT_RIGHT; per site when the right is one of the list's "use_site" ones
//   and SITES[i] is set), another group gets $APPLICATION->SetGroupRight($module_id, $group, $right,
//   site or false);
// - it prints the rows: the default right (with bitrix_sessid_post() in its title cell), each group
//   that has a right, then an empty row to add one: inputs GROUPS[], RIGHTS[] and SITES[].
// The double does the same with CMain's b_module_group rows (Main.php), the Option double for
// GROUP_DEFAULT_RIGHT, and Retaillab\Cashback\Tests\Doubles\GroupRights for groups and sites; it
// counts each save in GroupRights::$saves.

use Bitrix\Main\Config\Option;
use Retaillab\Cashback\Tests\Doubles\GroupRights;

$module_id = $module_id ?? '';
$MODULE_RIGHT = $APPLICATION->GetGroupRight($module_id);

$md = (static function (string $moduleId) {
    // CModule::CreateModuleObject: the module's install/index.php, class named after the module id.
    foreach (['/local/modules/', '/bitrix/modules/'] as $root) {
        $file = $_SERVER['DOCUMENT_ROOT'] . $root . $moduleId . '/install/index.php';
        if (is_file($file)) {
            require_once $file;
            $class = str_replace('.', '_', $moduleId);
            return class_exists($class) ? new $class() : null;
        }
    }
    return null;
})((string) $module_id);

$arGROUPS = [];
foreach (GroupRights::$groups as $groupId => $group) {
    if (($group['ACTIVE'] ?? 'Y') === 'Y' && (($group['ADMIN'] ?? 'N') !== 'Y' || ($md->SHOW_SUPER_ADMIN_GROUP_RIGHTS ?? 'N') === 'Y')) {
        $arGROUPS[] = ['ID' => (int) $groupId, 'NAME' => htmlspecialcharsbx($group['NAME'])];
    }
}

if ($MODULE_RIGHT != 'D') {
    $arSites = ['reference_id' => array_keys(GroupRights::$sites), 'reference' => []];
    foreach (GroupRights::$sites as $siteId => $siteName) {
        $arSites['reference'][] = '[' . $siteId . '] ' . $siteName;
    }
    $ar = $md !== null && method_exists($md, 'GetModuleRightList') ? $md->GetModuleRightList() : $APPLICATION->GetDefaultRightList();
    $arRightsUseSites = array_values((array) ($ar['use_site'] ?? []));

    // The real file reads these bare (PHP warns when one is undefined, and goes on with null).
    if (($REQUEST_METHOD ?? null) == 'POST' && ($Update ?? null) <> '' && $MODULE_RIGHT == 'W' && check_bitrix_sessid()) {
        if (!empty($GROUPS)) {
            $RIGHTS = (array) ($RIGHTS ?? []);
            $SITES = (array) ($SITES ?? []);
            Option::delete($module_id, ['name' => 'GROUP_DEFAULT_RIGHT']);
            $APPLICATION->DelGroupRight($module_id, [], false);
            foreach ($arSites['reference_id'] as $site_id_tmp) {
                $APPLICATION->DelGroupRight($module_id, [], $site_id_tmp);
            }
            foreach ($GROUPS as $i => $group_id) {
                if ($group_id == '' || !array_key_exists($i, $RIGHTS) || $RIGHTS[$i] == '') {
                    continue;
                }
                $site = in_array($RIGHTS[$i], $arRightsUseSites) && ($SITES[$i] ?? '') != '' ? $SITES[$i] : false;
                if ((int) $group_id === 0) {
                    Option::set($module_id, 'GROUP_DEFAULT_RIGHT', $RIGHTS[$i], $site === false ? '' : $site);
                } else {
                    $APPLICATION->SetGroupRight($module_id, $group_id, $RIGHTS[$i], $site);
                }
            }
            GroupRights::$saves[$module_id] = (GroupRights::$saves[$module_id] ?? 0) + 1;
        }
    }

    (static function (string $moduleId, array $ar, array $arGROUPS, array $rights): void {
        $select = static function (string $current, bool $withDefault) use ($ar): string {
            $html = '<select class="typeselect" name="RIGHTS[]">' . ($withDefault ? '<option value="">(по умолчанию)</option>' : '');
            foreach ((array) ($ar['reference_id'] ?? $ar['REFERENCE_ID'] ?? []) as $n => $value) {
                $label = (string) (($ar['reference'] ?? $ar['REFERENCE'] ?? [])[$n] ?? $value);
                $html .= '<option' . (strcasecmp((string) $value, $current) === 0 ? ' selected' : '') . ' value="' . htmlspecialcharsbx($value) . '">' . htmlspecialcharsbx($label) . '</option>';
            }
            return $html . '</select>';
        };
        $default = (string) Option::get($moduleId, 'GROUP_DEFAULT_RIGHT', 'D');
        echo '<tr class="retaillab-test-rights-default"><td width="40%">', bitrix_sessid_post(), '<b>По умолчанию</b></td><td width="40%">',
            '<input type="hidden" name="GROUPS[]" value="0">', $select($default === '' ? 'D' : $default, false), '</td><td></td></tr>';
        foreach ($arGROUPS as $group) {
            $right = $rights['common'][$group['ID']] ?? '';
            if ($right === '') {
                continue;
            }
            echo '<tr class="retaillab-test-rights-group" data-group="', $group['ID'], '"><td width="40%">', $group['NAME'], ' [', $group['ID'], ']:</td><td width="40%">',
                '<input type="hidden" name="GROUPS[]" value="', $group['ID'], '">', $select($right, true), '</td><td></td></tr>';
        }
        echo '<tr class="retaillab-test-rights-add"><td><select name="GROUPS[]"><option value="">(выберите группу)</option><option value="0">По умолчанию</option>';
        foreach ($arGROUPS as $group) {
            echo '<option value="', $group['ID'], '">', $group['NAME'], ' [', $group['ID'], ']</option>';
        }
        echo '</select></td><td>', $select('', true), '</td><td><select name="SITES[]"><option value="">(все сайты)</option></select></td></tr>';
    })((string) $module_id, $ar, $arGROUPS, $APPLICATION->GetUserRightArray($module_id));
}
