<?php

/**
 * Cashback: phone reindex. Re-reads every user's phones into the ledger,
 * step by step (Reindexer), resumable after an interruption.
 *
 * Only wiring: each POST runs one step before any output, then the page
 * shows the progress (ReindexView) and, while users remain, posts the next
 * step itself. The run's state lives in a module option, so it survives a
 * closed browser or an expired session and resumes where it stopped.
 *
 * @global CMain $APPLICATION
 */

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Admin\BitrixUserIdSource;
use Retaillab\Cashback\Admin\Html;
use Retaillab\Cashback\Admin\Reindexer;
use Retaillab\Cashback\Admin\ReindexView;
use Retaillab\Cashback\Agent\AgentRunner;
use Retaillab\Cashback\Agent\OptionStateStore;
use Retaillab\Cashback\Customer\PhoneSync;
use Retaillab\Cashback\Module;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';
// The module's admin prolog (ADMIN_MODULE_NAME), next to this page under /local/modules or /bitrix/modules.
require_once __DIR__ . '/../prolog.php';

Loc::loadMessages(__FILE__);

if (!Loader::includeModule('retaillab.cashback')) {
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
    CAdminMessage::ShowMessage(Loc::getMessage('RETAILLAB_CASHBACK_REINDEX_NO_MODULE'));
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
    return;
}

// The reindex writes the ledger's phone index: right W.
if (!Module::allows($APPLICATION->GetGroupRight(Module::ID), Module::RIGHT_WRITE)) {
    $APPLICATION->AuthForm(Loc::getMessage('RETAILLAB_CASHBACK_REINDEX_ACCESS_DENIED'));
}

$request = Context::getCurrent()->getRequest();
$pageUrl = $APPLICATION->GetCurPageParam('', ['action', 'sessid']);
$view = new ReindexView();
$phoneSync = null;
$reindexer = new Reindexer(
    new BitrixUserIdSource(),
    static function (int $userId) use (&$phoneSync): void {
        $phoneSync->syncUser($userId);
    },
    new OptionStateStore(Module::ID, 'reindex_state'),
);

$running = false;
$failure = null;
$stale = false;
if ($request->isPost()) {
    $action = (string) $request->getPost('action');
    if (!check_bitrix_sessid()) {
        $stale = true;
    } else {
        try {
            if ($action === ReindexView::ACTION_RESET) {
                $reindexer->reset();
                LocalRedirect($pageUrl);
            }
            if ($action === ReindexView::ACTION_START) {
                $reindexer->start();
            }
            if ($action === ReindexView::ACTION_START || $action === ReindexView::ACTION_CONTINUE) {
                // Opened only for a step, so that showing the page never needs the ledger;
                // a ledger that cannot be opened stops the step before any user is counted.
                $phoneSync = PhoneSync::create();
                @set_time_limit(max(60, (int) ceil(Reindexer::TIME_BUDGET * 3)));
                $running = !$reindexer->step()->finished();
            }
        } catch (Throwable $e) {
            // Users not reached stay pending: the saved state is where the step stopped.
            $failure = $e;
        }
    }
}
$state = $reindexer->state();

$APPLICATION->SetTitle(Loc::getMessage('RETAILLAB_CASHBACK_REINDEX_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

if ($stale) {
    CAdminMessage::ShowMessage(Loc::getMessage('RETAILLAB_CASHBACK_REINDEX_STALE_FORM'));
}
if ($failure !== null) {
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Html::e(Loc::getMessage('RETAILLAB_CASHBACK_REINDEX_STEP_FAILED')),
        'DETAILS' => Html::e(AgentRunner::describe($failure)),
        'HTML' => true,
    ]);
}
echo $view->intro();
$message = $view->message($state, $running);
if ($message !== null) {
    CAdminMessage::ShowMessage($message);
}
echo $view->controls($state, $running, $pageUrl, bitrix_sessid_post());
if ($running) {
    echo $view->autoContinue($pageUrl, bitrix_sessid_post());
}

require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
