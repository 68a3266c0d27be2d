<?php

// Result page of the module install (shown by retaillab_cashback::DoInstall).

use Bitrix\Main\Localization\Loc;

/** @var CMain $APPLICATION */
if (!check_bitrix_sessid()) {
    return;
}
Loc::loadMessages(__FILE__);

// The report decides: an exception some kernel call left in $APPLICATION is no failed install.
$report = retaillab_cashback::$report;
$exception = $APPLICATION->GetException();
$errors = $report !== null ? implode("\n", $report->errors) : ($exception ? (string) $exception->GetString() : '');
if ($errors !== '') {
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Loc::getMessage('RETAILLAB_CASHBACK_STEP_INSTALL_FAILED'),
        'DETAILS' => nl2br(htmlspecialcharsbx($errors)),
        'HTML' => true,
    ]);
} else {
    CAdminMessage::ShowNote(Loc::getMessage('RETAILLAB_CASHBACK_STEP_INSTALLED'));
}
if ($report !== null && $report->warnings !== []) {
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Loc::getMessage('RETAILLAB_CASHBACK_STEP_WARNINGS'),
        'DETAILS' => implode('<br><br>', array_map(static fn (string $warning) => htmlspecialcharsbx($warning), $report->warnings)),
        'HTML' => true,
    ]);
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
