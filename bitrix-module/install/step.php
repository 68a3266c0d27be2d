<?php

// Result page of the module install (shown by retaillab_cashback::DoInstall).

use Bitrix\Main\Localization\Loc;

/** @var CMain $APPLICATION */
if (!check_bitrix_sessid()) {
    return;
}
Loc::loadMessages(__FILE__);

$report = retaillab_cashback::$report;
$exception = $APPLICATION->GetException();
if ($exception) {
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Loc::getMessage('RETAILLAB_CASHBACK_STEP_INSTALL_FAILED'),
        'DETAILS' => nl2br(htmlspecialcharsbx($exception->GetString())),
        'HTML' => true,
    ]);
} else {
    CAdminMessage::ShowNote(Loc::getMessage('RETAILLAB_CASHBACK_STEP_INSTALLED'));
}
if ($report !== null && $report->notes !== []) {
    echo '<ul>';
    foreach ($report->notes as $note) {
        echo '<li>', htmlspecialcharsbx($note), '</li>';
    }
    echo '</ul>';
}
?>
<form action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>">
    <input type="hidden" name="lang" value="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
    <input type="submit" value="<?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_STEP_BACK')) ?>">
</form>
