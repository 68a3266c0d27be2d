<?php

// Uninstall pages of the module (shown by retaillab_cashback::DoUninstall): first the
// question "keep the ledger data?" (kept unless the admin unticks it), then the result.

use Bitrix\Main\Localization\Loc;

/** @var CMain $APPLICATION */
if (!check_bitrix_sessid()) {
    return;
}
Loc::loadMessages(__FILE__);

$report = retaillab_cashback::$report;
if ($report === null):
    // A ledger in MariaDB/MySQL (maybe the site's own database) is never dropped: say so before the choice.
    try {
        $storage = \Retaillab\Cashback\Ledger\LedgerFactory::describe();
    } catch (\Throwable) {
        $storage = ['backend' => 'mysql', 'location' => ''];
    }
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_WARNING'),
        'DETAILS' => htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_WARNING_DETAILS')),
        'HTML' => true,
    ]);
    ?>
    <form action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>" method="post">
        <?= bitrix_sessid_post() ?>
        <input type="hidden" name="lang" value="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
        <input type="hidden" name="id" value="retaillab.cashback">
        <input type="hidden" name="uninstall" value="Y">
        <input type="hidden" name="step" value="2">
        <p><?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_SAVE_DATA_HINT')) ?></p>
        <?php if ($storage['backend'] === 'mysql'): ?>
            <p id="retaillab_cashback_mysql_kept"><?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_MYSQL_KEPT', [
                '#LOCATION#' => $storage['location'] !== '' ? $storage['location'] : Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_SITE_DATABASE'),
                '#PREFIX#' => \Retaillab\Cashback\Ledger\DatabaseUrl::tablePrefix($storage['location']),
            ])) ?></p>
        <?php endif; ?>
        <!-- An unticked checkbox sends nothing: the hidden N makes "delete" an explicit choice. -->
        <input type="hidden" name="savedata" value="N">
        <p>
            <input type="checkbox" name="savedata" id="retaillab_cashback_savedata" value="Y" checked>
            <label for="retaillab_cashback_savedata"><?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_SAVE_DATA')) ?></label>
        </p>
        <input type="submit" name="inst" value="<?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_SUBMIT')) ?>">
    </form>
<?php else:
    if ($report->errors !== []) {
        CAdminMessage::ShowMessage([
            'TYPE' => 'ERROR',
            'MESSAGE' => Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_FAILED'),
            'DETAILS' => nl2br(htmlspecialcharsbx(implode("\n", $report->errors))),
            'HTML' => true,
        ]);
    } else {
        CAdminMessage::ShowNote(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_DONE'));
    }
    if ($report->warnings !== []) {
        CAdminMessage::ShowMessage([
            'TYPE' => 'ERROR',
            'MESSAGE' => Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_WARNINGS'),
            'DETAILS' => implode('<br><br>', array_map(static fn (string $warning) => htmlspecialcharsbx($warning), $report->warnings)),
            'HTML' => true,
        ]);
    }
    if ($report->notes !== []) {
        echo '<ul>';
        foreach ($report->notes as $note) {
            echo '<li>', htmlspecialcharsbx($note), '</li>';
        }
        echo '</ul>';
    }
    ?>
    <form action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>">
        <input type="hidden" name="lang" value="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
        <input type="submit" value="<?= htmlspecialcharsbx(Loc::getMessage('RETAILLAB_CASHBACK_UNSTEP_BACK')) ?>">
    </form>
<?php endif;
