<?php

/**
 * Cashback: synchronization log.
 *
 * Only wiring. The filter fields, grid columns and rows, paging, CSV, the
 * silent-stores panel and the verify report are built by lib/Admin classes
 * (tested without the Bitrix core); this file reads the request, calls them,
 * and hands the results to bitrix:main.ui.filter, bitrix:main.ui.grid and
 * CAdminMessage.
 *
 * @global CMain $APPLICATION
 */

use Bitrix\Main\Application;
use Bitrix\Main\Context;
use Bitrix\Main\Grid\Options as GridOptions;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\Type\DateTime;
use Bitrix\Main\UI\Filter\Options as FilterOptions;
use Bitrix\Main\UI\PageNavigation;
use Retaillab\Cashback\Admin\CsvExport;
use Retaillab\Cashback\Admin\CursorPager;
use Retaillab\Cashback\Admin\Html;
use Retaillab\Cashback\Admin\SilentStoresPanel;
use Retaillab\Cashback\Admin\SyncLogFilter;
use Retaillab\Cashback\Admin\SyncLogGrid;
use Retaillab\Cashback\Admin\TimeFormat;
use Retaillab\Cashback\Admin\VerifyReport;
use Retaillab\Cashback\Agent\AgentRunner;
use Retaillab\Cashback\Agent\SilencePolicy;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';
// The module's admin prolog (ADMIN_MODULE_NAME), next to this page under /local/modules or /bitrix/modules.
require_once __DIR__ . '/../prolog.php';

Loc::loadMessages(__FILE__);

if (!Loader::includeModule('retaillab.cashback')) {
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
    CAdminMessage::ShowMessage(Loc::getMessage('RETAILLAB_CASHBACK_LOG_NO_MODULE'));
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
    return;
}

$right = $APPLICATION->GetGroupRight(Module::ID);
if (!Module::allows($right, Module::RIGHT_READ)) {
    $APPLICATION->AuthForm(Loc::getMessage('RETAILLAB_CASHBACK_LOG_ACCESS_DENIED'));
}

$request = Context::getCurrent()->getRequest();
$format = TimeFormat::forSite();
$grid = new SyncLogGrid($format);

$ledger = null;
$failure = null;
$stores = [];
try {
    $ledger = LedgerFactory::open();
    $stores = $ledger->storeActivity();
} catch (Throwable $e) {
    $failure = $e;
}

$filterFields = $grid->filterFields($stores);
$filter = SyncLogFilter::fromFilterValues(
    (new FilterOptions(SyncLogGrid::FILTER_ID))->getFilter($filterFields),
    // The filter holds times in the user's zone and the site's format.
    static function (string $text): ?int {
        try {
            return DateTime::createFromUserTime($text)->getTimestamp();
        } catch (Throwable) {
            return SyncLogFilter::timestamp($text);
        }
    },
);

// CSV export of the filtered log: before any output, streamed, then the hit ends.
if ($ledger !== null && $request->getQuery('export') === 'csv') {
    $APPLICATION->RestartBuffer();
    while (ob_get_level() > 0) {
        ob_end_clean();
    }
    header('Content-Type: text/csv; charset=UTF-8');
    header('Content-Disposition: attachment; filename="' . CsvExport::fileName(new DateTimeImmutable()) . '"');
    header('Cache-Control: no-store');
    header('X-Content-Type-Options: nosniff');
    $output = fopen('php://output', 'wb');
    try {
        (new CsvExport($grid->columnNames()))->write($output, $ledger, $filter->ledgerFilter);
    } catch (Throwable $e) {
        fwrite($output, CsvExport::line([Loc::getMessage('RETAILLAB_CASHBACK_LOG_EXPORT_FAILED') . ' ' . AgentRunner::describe($e)]));
    }
    fclose($output);
    die();
}

// "Verify ledger": POST with the session token, right W.
$verify = null;
if ($request->isPost() && $request->getPost('action') === VerifyReport::ACTION) {
    if (!Module::allows($right, Module::RIGHT_WRITE)) {
        $verify = VerifyReport::denied();
    } elseif (!check_bitrix_sessid()) {
        $verify = VerifyReport::staleForm();
    } elseif ($ledger === null) {
        $verify = VerifyReport::fromFailure($failure);
    } else {
        try {
            $verify = VerifyReport::fromResult($ledger->verify());
        } catch (Throwable $e) {
            $verify = VerifyReport::fromFailure($e);
        }
    }
}

// Page numbers over the ledger's cursors; the cursors of the pages seen are kept in the session.
$navParams = (new GridOptions(SyncLogGrid::GRID_ID))->GetNavParams(['nPageSize' => SyncLogGrid::DEFAULT_PAGE_SIZE]);
$nav = new PageNavigation(SyncLogGrid::NAV_ID);
$nav->allowAllRecords(false)->setPageSize(SyncLogGrid::pageSize($navParams['nPageSize'] ?? null))->initFromUri();
$rows = [];
$panel = null;
if ($ledger !== null) {
    try {
        $session = Application::getInstance()->getSession();
        $sessionKey = 'RETAILLAB_CASHBACK_LOG_CURSORS';
        $pager = new CursorPager(is_array($session[$sessionKey] ?? null) ? $session[$sessionKey] : []);
        $page = $pager->page(
            static fn (?int $cursor, int $limit): array => $ledger->syncLog($filter->ledgerFilter, $limit, $cursor),
            $filter->key(),
            $nav->getCurrentPage(),
            $nav->getPageSize(),
        );
        $session[$sessionKey] = $pager->state();
        $nav->setRecordCount($page->recordCountHint());
        $nav->setCurrentPage($page->page);
        $rows = $grid->rows($page->items);
        $panel = SilentStoresPanel::load($ledger, SilencePolicy::fromOptions(), $format);
    } catch (Throwable $e) {
        $failure = $e;
    }
}

$APPLICATION->SetTitle(Loc::getMessage('RETAILLAB_CASHBACK_LOG_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

if ($failure !== null) {
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Html::e(Loc::getMessage('RETAILLAB_CASHBACK_LOG_LEDGER_FAILED')),
        'DETAILS' => Html::e(AgentRunner::describe($failure)),
        'HTML' => true,
    ]);
}
if ($verify !== null) {
    CAdminMessage::ShowMessage($verify->adminMessage());
}
if ($filter->problems !== []) {
    CAdminMessage::ShowMessage([
        'TYPE' => 'ERROR',
        'MESSAGE' => Html::e(Loc::getMessage('RETAILLAB_CASHBACK_LOG_FILTER_IGNORED')),
        'DETAILS' => implode('<br>', array_map([Html::class, 'e'], $filter->problems)),
        'HTML' => true,
    ]);
}
if ($panel !== null) {
    if ($panel->thresholdProblems !== []) {
        $lines = [];
        foreach ($panel->thresholdProblems as $storeId => $message) {
            $lines[] = Html::e($storeId . ': ' . $message);
        }
        CAdminMessage::ShowMessage([
            'TYPE' => 'ERROR',
            'MESSAGE' => Html::e(Loc::getMessage('RETAILLAB_CASHBACK_LOG_THRESHOLDS_REFUSED')),
            'DETAILS' => implode('<br>', $lines),
            'HTML' => true,
        ]);
    }
    echo $panel->html();
}

$exportUrl = $APPLICATION->GetCurPageParam('export=csv', ['export', 'bxajaxid', 'AJAX_CALL', 'action', 'sessid']);
?>
<div class="adm-toolbar-panel-container">
    <div class="adm-toolbar-panel-flexible-space">
        <?php
        $APPLICATION->IncludeComponent('bitrix:main.ui.filter', '', [
            'FILTER_ID' => SyncLogGrid::FILTER_ID,
            'GRID_ID' => SyncLogGrid::GRID_ID,
            'FILTER' => $filterFields,
            'ENABLE_LABEL' => true,
            'ENABLE_LIVE_SEARCH' => false,
        ]);
        ?>
    </div>
    <div style="display:flex;gap:8px;align-items:center">
        <a class="adm-btn" href="<?= Html::e($exportUrl) ?>"><?= Html::e(Loc::getMessage('RETAILLAB_CASHBACK_LOG_EXPORT')) ?></a>
        <?php if (Module::allows($right, Module::RIGHT_WRITE)): ?>
            <?= VerifyReport::formHtml($APPLICATION->GetCurPageParam('', ['export', 'bxajaxid', 'AJAX_CALL', 'action', 'sessid']), bitrix_sessid_post()) ?>
        <?php endif; ?>
    </div>
</div>
<?php
$APPLICATION->IncludeComponent('bitrix:main.ui.grid', '', [
    'GRID_ID' => SyncLogGrid::GRID_ID,
    'COLUMNS' => $grid->columns(),
    'ROWS' => $rows,
    'NAV_OBJECT' => $nav,
    'PAGE_SIZES' => SyncLogGrid::pageSizes(),
    'AJAX_MODE' => 'Y',
    'AJAX_ID' => CAjax::getComponentID('bitrix:main.ui.grid', '.default', ''),
    'AJAX_OPTION_JUMP' => 'N',
    'AJAX_OPTION_HISTORY' => 'N',
    'SHOW_ROW_CHECKBOXES' => false,
    'SHOW_CHECK_ALL_CHECKBOXES' => false,
    'SHOW_ROW_ACTIONS_MENU' => false,
    'SHOW_GRID_SETTINGS_MENU' => true,
    'SHOW_NAVIGATION_PANEL' => true,
    'SHOW_PAGINATION' => true,
    'SHOW_SELECTED_COUNTER' => false,
    'SHOW_TOTAL_COUNTER' => false,
    'SHOW_PAGESIZE' => true,
    'SHOW_ACTION_PANEL' => false,
    'ALLOW_COLUMNS_SORT' => true,
    'ALLOW_COLUMNS_RESIZE' => true,
    'ALLOW_HORIZONTAL_SCROLL' => true,
    'ALLOW_SORT' => false,
    'ALLOW_PIN_HEADER' => true,
]);

require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
