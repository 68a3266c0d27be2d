<?php

// Settings > Module settings > Cashback ledger. The logic and the HTML of the tabs are in
// Retaillab\Cashback\Settings\SettingsPage (tested without Bitrix); this file is the Bitrix frame:
// access check, CSRF check, CAdminTabControl and the standard access-rights tab.

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Settings\OptionFields;
use Retaillab\Cashback\Settings\Outcome;
use Retaillab\Cashback\Settings\SettingsPage;

/** @var CMain $APPLICATION */
defined('B_PROLOG_INCLUDED') && B_PROLOG_INCLUDED === true || die();

$module_id = 'retaillab.cashback';
Loc::loadMessages(__FILE__);

if (!Loader::includeModule($module_id)) {
    CAdminMessage::ShowMessage(Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_NOT_INSTALLED'));
    return;
}

$RIGHT = $APPLICATION->GetGroupRight($module_id);
$page = new SettingsPage((string) $RIGHT);
if (!$page->canRead()) {
    $APPLICATION->AuthForm(Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_ACCESS_DENIED'));
    return;
}

$request = Application::getInstance()->getContext()->getRequest();
$outcome = $page->handle(
    (string) $request->getRequestMethod(),
    $request->getPostList()->toArray(),
    $request->isPost() && check_bitrix_sessid(),
);

$aTabs = [
    ['DIV' => 'retaillab_cashback_storage', 'TAB' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_STORAGE'), 'TITLE' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_STORAGE_TITLE')],
    ['DIV' => 'retaillab_cashback_monitoring', 'TAB' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_MONITORING'), 'TITLE' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_MONITORING_TITLE')],
    ['DIV' => 'retaillab_cashback_shop', 'TAB' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_SHOP'), 'TITLE' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_SHOP_TITLE')],
    ['DIV' => 'retaillab_cashback_keys', 'TAB' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_KEYS'), 'TITLE' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_KEYS_TITLE')],
    ['DIV' => 'retaillab_cashback_rights', 'TAB' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_RIGHTS'), 'TITLE' => Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_TAB_RIGHTS_TITLE')],
];
$tabControl = new CAdminTabControl('retaillab_cashback_options', $aTabs);

// The access-rights tab is the main module's group_rights.php: it saves the rights by itself whenever
// it is included on a POST with $Update (the Save button) for a user with right W and a valid session,
// whatever became of the rest of the form. Saving is all or nothing: the rights are saved here, only
// once the settings were saved (validation passed); in every other case the tab is shown without saving.
// It reads the request from the globals Bitrix makes of it (FormDecode); Apply posts no Update.
if ($outcome->saved) {
    $REQUEST_METHOD = 'POST';
    $Update = 'Y';
    ob_start();
    require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/admin/group_rights.php';
    ob_end_clean();
    LocalRedirect($APPLICATION->GetCurPage() . '?mid=' . urlencode($module_id) . '&lang=' . urlencode(LANGUAGE_ID)
        . '&' . $tabControl->ActiveTabParam());
}
// Not saved (a refused or failed save, a key action, a plain view): the tab below must not save either.
$Update = '';

// With HTML => true CAdminMessage prints MESSAGE and DETAILS as given: both are plain text here (a key's
// name is whatever the operator typed), so both are escaped.
foreach ($page->messages($outcome) as $message) {
    CAdminMessage::ShowMessage([
        'TYPE' => $message['type'],
        'MESSAGE' => htmlspecialcharsbx($message['message']),
        'DETAILS' => nl2br(htmlspecialcharsbx($message['details'])),
        'HTML' => true,
    ]);
}

$tabControl->Begin();
?>
<form method="post" name="retaillab_cashback_options"
      action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>?mid=<?= urlencode($module_id) ?>&amp;lang=<?= urlencode(LANGUAGE_ID) ?>">
    <?= bitrix_sessid_post() ?>
    <?php
    $tabControl->BeginNextTab();
    echo $page->renderOptionsTab(OptionFields::TAB_STORAGE, $outcome);
    $tabControl->BeginNextTab();
    echo $page->renderOptionsTab(OptionFields::TAB_MONITORING, $outcome);
    $tabControl->BeginNextTab();
    echo $page->renderOptionsTab(OptionFields::TAB_SHOP, $outcome);
    $tabControl->BeginNextTab();
    echo $page->renderKeysTab($outcome);
    $tabControl->BeginNextTab();
    require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/admin/group_rights.php';
    $tabControl->Buttons();
    ?>
    <input type="submit" name="Update" class="adm-btn-save" value="<?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_SAVE')) ?>"<?= $page->canWrite() ? '' : ' disabled' ?>>
    <input type="submit" name="Apply" value="<?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_OPTIONS_APPLY')) ?>"<?= $page->canWrite() ? '' : ' disabled' ?>>
    <?php $tabControl->End(); ?>
</form>
