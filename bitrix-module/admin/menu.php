<?php

// Admin menu of the module (Services > Cashback ledger). Shown from access level R;
// the phone reindex and the settings need W. Pages: the sync log and the reindex page
// (admin/log.php, admin/reindex.php, reached through their /bitrix/admin wrappers).

use Bitrix\Main\Localization\Loc;

/** @var CMain $APPLICATION */
global $APPLICATION;

Loc::loadMessages(__FILE__);

$retaillabCashbackRight = (string) $APPLICATION->GetGroupRight('retaillab.cashback');
if ($retaillabCashbackRight === '' || $retaillabCashbackRight < 'R') {
    return false;
}

$retaillabCashbackItems = [
    [
        'text' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_LOG'),
        'title' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_LOG_TITLE'),
        'url' => '/bitrix/admin/retaillab_cashback_log.php?lang=' . LANGUAGE_ID,
        'more_url' => ['/bitrix/admin/retaillab_cashback_log.php'],
    ],
];
if ($retaillabCashbackRight >= 'W') {
    $retaillabCashbackItems[] = [
        'text' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_REINDEX'),
        'title' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_REINDEX_TITLE'),
        'url' => '/bitrix/admin/retaillab_cashback_reindex.php?lang=' . LANGUAGE_ID,
        'more_url' => ['/bitrix/admin/retaillab_cashback_reindex.php'],
    ];
    $retaillabCashbackItems[] = [
        'text' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_SETTINGS'),
        'title' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_SETTINGS_TITLE'),
        'url' => '/bitrix/admin/settings.php?lang=' . LANGUAGE_ID . '&mid=retaillab.cashback&mid_menu=1',
    ];
}

return [
    'parent_menu' => 'global_menu_services',
    'section' => 'retaillab_cashback',
    'sort' => 500,
    'text' => Loc::getMessage('RETAILLAB_CASHBACK_MENU'),
    'title' => Loc::getMessage('RETAILLAB_CASHBACK_MENU_TITLE'),
    'icon' => 'sale_menu_icon_buyers_affiliate',
    'page_icon' => 'sale_page_icon_buyers',
    'items_id' => 'menu_retaillab_cashback',
    'items' => $retaillabCashbackItems,
];
