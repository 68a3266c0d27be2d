<?php

declare(strict_types=1);

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\Session\Session;
use Bitrix\Main\UserPhoneAuthTable;
use Bitrix\Main\UserTable;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Admin\SyncLogGrid;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;
use Retaillab\Cashback\Settings\OptionFields;
use Retaillab\Cashback\Tests\Doubles\GroupRights;
use Retaillab\Cashback\Tests\Doubles\PageResponse;
use Retaillab\Cashback\Tests\Doubles\PageServer;

/**
 * The three admin pages run for real, one PHP request per hit, under PHP's built-in
 * server (doubles/PageServer.php): admin/log.php and admin/reindex.php through their
 * /bitrix/admin wrappers, options.php through /bitrix/admin/settings.php. The core
 * files they include and the core classes they call are the doubles of doubles/Ui.php
 * and doubles/pages/site (each names the real file it follows); the module, the
 * extension and the ledger are real. Assertions are on the HTML, CSV and headers the
 * pages send, and on what they left in the site (options, group rights, the ledger).
 */
final class AdminPagesTest extends TestCase
{
    private const LOG = '/bitrix/admin/retaillab_cashback_log.php';
    private const REINDEX = '/bitrix/admin/retaillab_cashback_reindex.php';
    private const SETTINGS = '/bitrix/admin/settings.php';
    private const SESSID = 'test-sessid';

    private string $dir;
    private string $database;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-admin-pages-test-' . bin2hex(random_bytes(6));
        mkdir($this->dir, 0700);
        $this->database = $this->dir . '/cashback.db';
        Option::$values = [Module::ID => [Options::DATABASE_PATH => $this->database]];
        LedgerFactory::create();
        Session::reset();
        CUserOptions::reset();
        GroupRights::reset();
        if (method_exists(CMain::class, 'reset')) {
            CMain::reset();
        }
        ModuleManager::$installed = ['main' => true, Module::ID => true];
        Loader::$modules = [];
        UserTable::reset();
        UserPhoneAuthTable::reset();
    }

    protected function tearDown(): void
    {
        Option::$values = [];
        if (method_exists(CMain::class, 'reset')) {
            CMain::reset();
        }
        Session::reset();
        CUserOptions::reset();
        GroupRights::reset();
        ModuleManager::$installed = ['main' => true];
        UserTable::reset();
        UserPhoneAuthTable::reset();
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            is_dir($file) ? rmdir($file) : unlink($file);
        }
        rmdir($this->dir);
    }

    // --- sync log: rights, prolog --------------------------------------------------------

    public function testTheLogShowsTheLedgerToReadersWithTheModulesAdminFrame(): void
    {
        $ledger = $this->ledger();
        $ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-1', 'external_id' => 'A-1', 'client' => 'Касса 1']);
        $ledger->logSync(['endpoint' => 'balance', 'status' => 'error', 'error' => 'invalid_phone', 'external_id' => '"><script>alert(1)</script>']);

        $page = $this->hit('GET', self::LOG . '?lang=ru', [], 'R');

        $this->assertSame(200, $page->status);
        $this->assertSame('text/html; charset=UTF-8', $page->header('Content-Type'));
        $this->assertStringContainsString('<h1 class="adm-title" id="adm-title">Кэшбэк: журнал синхронизации</h1>', $page->body);
        $this->assertStringContainsString('data-epilog="1"', $page->body, 'the page ran to its epilog');
        // prolog.php names the module: the header's Settings button opens this module's settings.
        $this->assertSame(Module::ID, $page->run['defined']['ADMIN_MODULE_NAME']);
        $this->assertStringContainsString('href="/bitrix/admin/settings.php?lang=ru&amp;mid=retaillab.cashback&amp;back_url_settings=', $page->body);

        $this->assertSame(['2', '1'], $this->gridRowIds($page), 'newest first');
        $this->assertStringContainsString('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;', $page->body);
        $this->assertStringNotContainsString('<script>alert(1)', $page->body);
        $this->assertStringContainsString('<th class="main-grid-cell-head" data-name="AT">Время</th>', $page->body);
        $this->assertStringNotContainsString('data-name="ID"', $page->body, 'the id column is hidden by default');
        $this->assertStringContainsString('data-filter-id="' . SyncLogGrid::FILTER_ID . '"', $page->body);
        $this->assertStringContainsString('href="' . self::LOG . '?export=csv&amp;lang=ru">Выгрузить в CSV</a>', $page->body);
        $this->assertStringNotContainsString('name="action" value="verify"', $page->body, 'R: no verify button');

        $grid = $page->components('bitrix:main.ui.grid')[0]['params'];
        $this->assertSame(SyncLogGrid::GRID_ID, $grid['GRID_ID']);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $grid['AJAX_ID'], 'CAjax::getComponentID');
        $this->assertSame(SyncLogGrid::pageSizes(), $grid['PAGE_SIZES']);
        $filter = $page->components('bitrix:main.ui.filter')[0]['params'];
        $this->assertSame(SyncLogGrid::GRID_ID, $filter['GRID_ID']);
        $this->assertSame(['STORE_ID', 'STATUS', 'AT', 'EXTERNAL_ID'], array_column($filter['FILTER'], 'id'));
    }

    public function testTheLogRefusesUsersWithoutReadAccess(): void
    {
        $this->ledger()->logSync(['endpoint' => 'balance', 'status' => 'success', 'external_id' => 'SECRET-1']);

        foreach (['D', ''] as $right) {
            foreach (['?lang=ru', '?export=csv&lang=ru'] as $query) {
                $page = $this->hit('GET', self::LOG . $query, [], $right);
                $this->assertSame(['Недостаточно прав для просмотра журнала синхронизации кэшбэка.'], $page->run['auth_forms'], "$right $query");
                $this->assertStringContainsString('class="adm-auth-form"', $page->body);
                $this->assertStringNotContainsString('SECRET-1', $page->body);
                $this->assertSame('text/html; charset=UTF-8', $page->header('Content-Type'), 'no CSV');
                $this->assertSame([], $page->components('bitrix:main.ui.grid'));
            }
        }
    }

    public function testTheLogSaysWhenTheModuleOrTheLedgerIsMissing(): void
    {
        Loader::$modules[Module::ID] = false;
        $page = $this->hit('GET', self::LOG . '?lang=ru', [], 'W');
        $this->assertStringContainsString('Модуль кэшбэка (retaillab.cashback) не установлен.', $page->body);
        $this->assertSame(Module::ID, $page->run['defined']['ADMIN_MODULE_NAME'], 'prolog.php comes before the module check');
        $this->assertSame([], $page->components('bitrix:main.ui.grid'));
        $this->assertStringContainsString('data-epilog="1"', $page->body);

        Loader::$modules = [];
        Option::set(Module::ID, Options::DATABASE_PATH, $this->dir);
        $page = $this->hit('GET', self::LOG . '?lang=ru', [], 'W');
        $this->assertStringContainsString('<div class="adm-message ERROR">Не удалось прочитать базу кэшбэка.<div>CashbackException [database_unavailable]: ', $page->body);
        $this->assertSame([], $this->gridRowIds($page));

        // No CSV either: the export needs the ledger, the page is shown with its error instead.
        $export = $this->hit('GET', self::LOG . '?export=csv&lang=ru', [], 'W');
        $this->assertSame('text/html; charset=UTF-8', $export->header('Content-Type'));
        $this->assertStringContainsString('Не удалось прочитать базу кэшбэка.', $export->body);
    }

    // --- sync log: filter, paging, CSV -----------------------------------------------------

    public function testTheFilterSelectsRowsAndStaysAppliedUntilCleared(): void
    {
        $ledger = $this->ledger();
        foreach (['success', 'error', 'success', 'error', 'throttled'] as $i => $status) {
            $ledger->logSync(['endpoint' => 'transactions', 'status' => $status, 'store_id' => $i < 2 ? 'store-1' : 'store-2', 'external_id' => "E-$i"]);
        }

        $errors = $this->hit('GET', self::LOG . '?lang=ru&apply_filter=Y&STATUS=error', [], 'R');
        $this->assertSame(['4', '2'], $this->gridRowIds($errors));
        $this->assertStringContainsString('<option value="error" selected>Ошибка</option>', $errors->body, 'the filter shows what is applied');

        $again = $this->hit('GET', self::LOG . '?lang=ru', [], 'R');
        $this->assertSame(['4', '2'], $this->gridRowIds($again), 'the applied filter is kept for the user');

        $both = $this->hit('GET', self::LOG . '?lang=ru&apply_filter=Y&STATUS=error&STORE_ID=store-1', [], 'R');
        $this->assertSame(['2'], $this->gridRowIds($both));

        $search = $this->hit('GET', self::LOG . '?lang=ru&apply_filter=Y&FIND=E-3', [], 'R');
        $this->assertSame(['4'], $this->gridRowIds($search), 'the search box finds an external_id');

        $cleared = $this->hit('GET', self::LOG . '?lang=ru&apply_filter=Y&clear_filter=Y', [], 'R');
        $this->assertSame(['5', '4', '3', '2', '1'], $this->gridRowIds($cleared));
    }

    public function testTheDateFilterTakesTheSiteFormatWithAnInclusiveEnd(): void
    {
        $midnight = 1795726800; // 27.11.2026 00:00:00 Moscow
        $ledger = $this->ledger();
        foreach (['before', 'first', 'last', 'after'] as $externalId) {
            $ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'external_id' => $externalId]);
        }
        $this->setTimes([1 => $midnight - 1, 2 => $midnight, 3 => $midnight + 86399, 4 => $midnight + 86400]);

        $day = $this->hit('GET', self::LOG, ['lang' => 'ru', 'apply_filter' => 'Y', 'AT_datesel' => 'RANGE', 'AT_from' => '27.11.2026', 'AT_to' => '27.11.2026'], 'R');
        $this->assertSame(['3', '2'], $this->gridRowIds($day));
        $this->assertStringContainsString('name="AT_to" value="27.11.2026 23:59:59"', $day->body, 'main.ui.filter widens a day to its last second');

        $minutes = $this->hit('GET', self::LOG, ['lang' => 'ru', 'apply_filter' => 'Y', 'AT_datesel' => 'RANGE', 'AT_from' => '26.11.2026 23:59', 'AT_to' => '27.11.2026 00:00'], 'R');
        $this->assertSame(['2', '1'], $this->gridRowIds($minutes), 'an end given to the minute includes that minute');
    }

    public function testUnusableFilterValuesAreReportedNotFatal(): void
    {
        $this->ledger()->logSync(['endpoint' => 'balance', 'status' => 'success']);

        $page = $this->hit('GET', self::LOG, ['lang' => 'ru', 'apply_filter' => 'Y', 'STORE_ID' => str_repeat('x', 65), 'STATUS' => 'exploded'], 'R');

        $this->assertStringContainsString('<div class="adm-message ERROR">Часть условий фильтра не применена:<div>Код магазина длиннее 64 символов или содержит управляющие символы.<br>Неизвестный статус.</div></div>', $page->body);
        $this->assertSame(['1'], $this->gridRowIds($page), 'the rest of the filter still applies');
    }

    public function testPagesAreNumberedOverTheLedgersCursorsAndFollowTheUsersPageSize(): void
    {
        $this->logRows(120);

        $first = $this->hit('GET', self::LOG . '?lang=ru', [], 'R');
        $ids = $this->gridRowIds($first);
        $this->assertCount(50, $ids, 'SyncLogGrid::DEFAULT_PAGE_SIZE');
        $this->assertSame(['120', '71'], [$ids[0], $ids[49]]);
        // The ledger never counts: the pager offers the pages up to the next one.
        $this->assertStringContainsString('data-current-page="1" data-page-count="2"', $first->body);

        // The pagination links carry the page in the nav parameter; following them walks the ledger's cursors.
        $second = $this->hit('GET', $this->pageLink($first, 2), [], 'R');
        $this->assertSame(['70', '21'], [$this->gridRowIds($second)[0], $this->gridRowIds($second)[49]]);
        $this->assertStringContainsString('data-current-page="2" data-page-count="3"', $second->body);
        $last = $this->hit('GET', $this->pageLink($second, 3), [], 'R');
        $ids = $this->gridRowIds($last);
        $this->assertCount(20, $ids);
        $this->assertSame(['20', '1'], [$ids[0], $ids[19]]);
        $this->assertStringContainsString('data-current-page="3" data-page-count="3"', $last->body);
        $this->assertSame(['120', '71'], [$this->gridRowIds($this->hit('GET', $this->pageLink($last, 1), [], 'R'))[0], '71'], 'back to the first');

        $past = $this->hit('GET', self::LOG . '?lang=ru&' . SyncLogGrid::NAV_ID . '=page-9', [], 'R');
        $this->assertStringContainsString('data-current-page="3"', $past->body, 'past the end: the last page');

        // The page size the user picked in the grid (its saved options) is used, within the offered sizes.
        $options = new Bitrix\Main\Grid\Options(SyncLogGrid::GRID_ID);
        $options->setPageSize(20);
        $options->save();
        $small = $this->hit('GET', self::LOG . '?lang=ru', [], 'R');
        $this->assertCount(20, $this->gridRowIds($small));
        $this->assertStringContainsString('data-current-page="1" data-page-count="2"', $small->body);
        $this->assertSame(['120', '101'], [$this->gridRowIds($small)[0], $this->gridRowIds($small)[19]]);
        $this->assertStringContainsString('<option value="20" selected>20</option>', $small->body);

        $options->setPageSize(100000);
        $options->save();
        $this->assertCount(50, $this->gridRowIds($this->hit('GET', self::LOG . '?lang=ru', [], 'R')), 'a size not offered falls back');
    }

    public function testTheCsvExportIsAnAttachmentOfTheFilteredLog(): void
    {
        $ledger = $this->ledger();
        $ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'external_id' => '=HYPERLINK("x")', 'client' => 'Касса; №1']);
        $ledger->logSync(['endpoint' => 'transactions', 'status' => 'error', 'error' => 'invalid_phone', 'external_id' => 'E-2']);
        $this->setTimes([1 => 1795763700, 2 => 1795763701]);

        $csv = $this->hit('GET', self::LOG . '?export=csv&lang=ru', [], 'R');

        $this->assertSame(200, $csv->status);
        $this->assertSame('text/csv; charset=UTF-8', $csv->header('Content-Type'));
        $this->assertMatchesRegularExpression('/^attachment; filename="cashback-sync-log-\d{8}-\d{6}\.csv"$/', (string) $csv->header('Content-Disposition'));
        $this->assertSame('no-store', $csv->header('Cache-Control'));
        $this->assertSame('nosniff', $csv->header('X-Content-Type-Options'));
        $this->assertSame(
            "\xEF\xBB\xBF" . "ID;Время;Клиент API;Адрес клиента;Магазин;Метод;Внешний код (external_id);Статус;Сколько раз;Ошибка;Длительность, мс\r\n"
            . "2;2026-11-27 10:15:01;;;;transactions;E-2;error;1;invalid_phone;0\r\n"
            . "1;2026-11-27 10:15:00;\"Касса; №1\";;;transactions;\"'=HYPERLINK(\"\"x\"\")\";success;1;;0\r\n",
            $csv->body,
            'nothing of the HTML page around it',
        );

        // The export follows the filter the user applied on the page.
        $this->hit('GET', self::LOG . '?lang=ru&apply_filter=Y&STATUS=error', [], 'R');
        $filtered = $this->hit('GET', self::LOG . '?export=csv&lang=ru', [], 'R');
        $this->assertSame(2, substr_count($filtered->body, "\r\n"), 'header and the one error row');
        $this->assertStringStartsWith('2;', explode("\r\n", $filtered->body)[1]);
    }

    // --- sync log: verify ------------------------------------------------------------------

    public function testVerifyNeedsWriteAccessAndAFreshForm(): void
    {
        $ledger = $this->ledger();
        $ledger->apply(['type' => 'accrual', 'amount' => '150.00', 'external_id' => 'A-1', 'user_id' => 42]);

        $page = $this->hit('GET', self::LOG . '?lang=ru', [], 'W');
        $this->assertStringContainsString('<input type="hidden" name="action" value="verify">', $page->body, 'W: the verify button');
        $this->assertSame(1, preg_match('#<form method="post" action="([^"]+)"[^>]*>(.*?)</form>#s', $page->body, $form));
        $this->assertStringContainsString('name="sessid" value="' . self::SESSID . '"', $form[2]);

        $verified = $this->hit('POST', html_entity_decode($form[1]), ['sessid' => self::SESSID, 'action' => 'verify'], 'W');
        $this->assertStringContainsString('<div class="adm-message OK">Реестр кэшбэка в порядке<div>Счетов: 1, проводок: 1.</div></div>', $verified->body);

        $stale = $this->hit('POST', self::LOG . '?lang=ru', ['sessid' => 'from-another-session', 'action' => 'verify'], 'W');
        $this->assertStringContainsString('Форма устарела', $stale->body);
        $this->assertStringNotContainsString('Реестр кэшбэка в порядке', $stale->body);

        $reader = $this->hit('POST', self::LOG . '?lang=ru', ['sessid' => self::SESSID, 'action' => 'verify'], 'R');
        $this->assertStringContainsString('Для проверки реестра нужно право «запись» в модуле кэшбэка.', $reader->body);
        $this->assertStringNotContainsString('Реестр кэшбэка в порядке', $reader->body);
        $this->assertNotSame([], $reader->components('bitrix:main.ui.grid'), 'the page is still shown');
    }

    // --- phone reindex -------------------------------------------------------------------------

    public function testTheReindexPageNeedsWriteAccess(): void
    {
        foreach (['D', 'R'] as $right) {
            $get = $this->hit('GET', self::REINDEX . '?lang=ru', [], $right);
            $this->assertSame(['Для переиндексации телефонов нужно право «запись» в модуле кэшбэка.'], $get->run['auth_forms'], $right);
            $this->assertStringNotContainsString('name="action"', $get->body);

            $post = $this->hit('POST', self::REINDEX . '?lang=ru', ['sessid' => self::SESSID, 'action' => 'start'], $right);
            $this->assertSame(['Для переиндексации телефонов нужно право «запись» в модуле кэшбэка.'], $post->run['auth_forms'], $right);
            $this->assertArrayNotHasKey('reindex_state', Option::$values[Module::ID], "$right: nothing started");
        }
    }

    public function testTheReindexPageOffersToStartInTheModulesAdminFrame(): void
    {
        $page = $this->hit('GET', self::REINDEX . '?lang=ru', [], 'W');

        $this->assertSame(200, $page->status);
        $this->assertStringContainsString('<h1 class="adm-title" id="adm-title">Кэшбэк: переиндексация телефонов</h1>', $page->body);
        $this->assertSame(Module::ID, $page->run['defined']['ADMIN_MODULE_NAME'], 'prolog.php is included');
        $this->assertStringContainsString('href="/bitrix/admin/settings.php?lang=ru&amp;mid=retaillab.cashback&amp;back_url_settings=%2Fbitrix%2Fadmin%2Fretaillab_cashback_reindex.php%3Flang%3Dru"', $page->body);
        $this->assertStringContainsString('Перечитывает телефоны всех пользователей сайта', $page->body);
        $this->assertSame(['start'], $this->formActions($page));
        $this->assertStringContainsString('<form method="post" action="' . self::REINDEX . '?lang=ru" style="display:inline"><input type="hidden" name="sessid" value="' . self::SESSID . '">', $page->body);
        $this->assertStringContainsString('value="Начать"', $page->body);
        $this->assertStringContainsString('data-epilog="1"', $page->body);

        $english = $this->hit('GET', self::REINDEX . '?lang=en', [], 'W');
        $this->assertStringContainsString('value="Start"', $english->body, 'the admin language comes from ?lang=');
    }

    public function testAStaleFormStartsNothing(): void
    {
        $page = $this->hit('POST', self::REINDEX . '?lang=ru', ['sessid' => 'from-another-session', 'action' => 'start'], 'W');

        $this->assertStringContainsString('<div class="adm-message ERROR">Форма устарела (истекла сессия). Действие не выполнено, повторите его.', $page->body);
        $this->assertArrayNotHasKey('reindex_state', Option::$values[Module::ID]);
        $this->assertSame(['start'], $this->formActions($page));
    }

    public function testResetForgetsTheRunAndRedirectsBackToThePage(): void
    {
        Option::set(Module::ID, 'reindex_state', json_encode(['last_id' => 9, 'processed' => 3, 'failed' => 0, 'total' => 10, 'started_at' => 1, 'finished_at' => null, 'errors' => []]));
        $paused = $this->hit('GET', self::REINDEX . '?lang=ru', [], 'W');
        $this->assertSame(['continue', 'start', 'reset'], $this->formActions($paused));
        $this->assertStringContainsString('Переиндексация приостановлена', $paused->body);

        $reset = $this->hit('POST', self::REINDEX . '?lang=ru', ['sessid' => self::SESSID, 'action' => 'reset'], 'W');

        $this->assertSame(302, $reset->status);
        $this->assertSame(self::REINDEX . '?lang=ru', $reset->header('Location'), 'Post/Redirect/Get, without action or sessid');
        $this->assertArrayNotHasKey('reindex_state', Option::$values[Module::ID]);
        $this->assertSame(['start'], $this->formActions($this->hit('GET', self::REINDEX . '?lang=ru', [], 'W')));
    }

    public function testARunStepsThroughEveryUserAndPostsItsNextStepItself(): void
    {
        foreach ([3, 7, 12] as $id) {
            UserTable::$rows[$id] = ['ID' => $id, 'PERSONAL_PHONE' => sprintf('8 (900) 000-00-%02d', $id), 'PERSONAL_MOBILE' => ''];
        }

        $page = $this->hit('POST', self::REINDEX . '?lang=ru', ['sessid' => self::SESSID, 'action' => 'start'], 'W');

        $this->assertSame(200, $page->status);
        $this->assertStringContainsString('<div class="adm-message OK">Переиндексация завершена<div>Обработано пользователей: 3 из 3 (успешно: 3, с ошибкой: 0).</div></div>', $page->body);
        $this->assertStringNotContainsString('retaillab-cashback-reindex-next', $page->body, 'finished: no next step');
        $this->assertSame(['start', 'reset'], $this->formActions($page));
        $this->assertSame([['phone' => '79000000012', 'verified' => false]], $this->ledger()->userPhones(12));
        $this->assertSame(3, json_decode(Option::get(Module::ID, 'reindex_state'), true)['processed']);
    }

    public function testAStepTheLedgerStopsIsReportedAndLeavesTheUsersPending(): void
    {
        UserTable::$rows[5] = ['ID' => 5, 'PERSONAL_PHONE' => '89000000005', 'PERSONAL_MOBILE' => ''];
        Option::set(Module::ID, Options::DATABASE_PATH, $this->dir);

        $page = $this->hit('POST', self::REINDEX . '?lang=ru', ['sessid' => self::SESSID, 'action' => 'start'], 'W');

        $this->assertStringContainsString('<div class="adm-message ERROR">Шаг переиндексации прерван. Необработанные пользователи остались в очереди: нажмите «Продолжить», когда причина будет устранена.<div>CashbackException [database_unavailable]', $page->body);
        $state = json_decode(Option::get(Module::ID, 'reindex_state'), true);
        $this->assertSame([0, 0, 1], [$state['processed'], $state['failed'], $state['total']]);
        $this->assertSame(['continue', 'start', 'reset'], $this->formActions($page));
    }

    // --- settings (options.php in /bitrix/admin/settings.php) ---------------------------------

    public function testTheSettingsPageShowsItsTabsAndTheAccessTabToWriters(): void
    {
        $this->seedGroups();

        $page = $this->settings('GET', [], 'W');

        $this->assertSame(200, $page->status);
        $this->assertStringContainsString('<option value="retaillab.cashback" selected>', $page->body, 'settings.php offers the module');
        foreach (['Хранилище', 'Контроль магазинов', 'Интернет-магазин', 'Ключи API', 'Доступ'] as $tab) {
            $this->assertStringContainsString('">' . $tab . '</span>', $page->body);
        }
        $this->assertStringContainsString('<form method="post" name="retaillab_cashback_options"' . "\n" . '      action="/bitrix/admin/settings.php?mid=retaillab.cashback&amp;lang=ru">', $page->body);
        $this->assertStringContainsString('<input type="hidden" name="sessid" value="' . self::SESSID . '">', $page->body);
        $this->assertStringContainsString('<input type="submit" name="Update" class="adm-btn-save" value="Сохранить">', $page->body);
        $this->assertStringContainsString('<input type="submit" name="Apply" value="Применить">', $page->body);
        $this->assertStringContainsString('name="silence_hours" value="6" size="30">', $page->body, 'enabled, with the stored value');
        $this->assertStringContainsString('id="retaillab_cashback_keys"', $page->body);
        $this->assertStringContainsString('name="retaillab_key_name"', $page->body, 'W: the key form');
        // The access tab (group_rights.php): the default right and the groups that have one.
        $this->assertStringContainsString('<input type="hidden" name="GROUPS[]" value="0"><select class="typeselect" name="RIGHTS[]"><option selected value="D">[D] доступ закрыт</option>', $page->body);
        $this->assertStringContainsString('data-group="5"', $page->body);
        $this->assertStringContainsString('<option selected value="R">[R] просмотр журнала синхронизации</option>', $page->body);
        $this->assertStringContainsString('<input type="hidden" id="retaillab_cashback_options_active_tab" name="retaillab_cashback_options_active_tab" value="retaillab_cashback_storage">', $page->body);
        $this->assertStringContainsString('data-epilog="1"', $page->body);
    }

    public function testReadersSeeTheSettingsReadOnly(): void
    {
        $page = $this->settings('GET', [], 'R');

        $this->assertStringContainsString('<input type="submit" name="Update" class="adm-btn-save" value="Сохранить" disabled>', $page->body);
        $this->assertStringContainsString('<input type="submit" name="Apply" value="Применить" disabled>', $page->body);
        $this->assertStringContainsString('name="silence_hours" value="6" size="30" disabled>', $page->body);
        $this->assertStringNotContainsString('name="retaillab_key_name"', $page->body, 'no key form for R');
        $this->assertStringContainsString('name="RIGHTS[]"', $page->body, 'the access tab is shown from R');
    }

    public function testUsersWithoutAccessAreNotOfferedTheSettings(): void
    {
        $page = $this->settings('GET', [], 'D');

        $this->assertStringContainsString('id="main-module-settings"', $page->body, 'settings.php falls back to the main module');
        $this->assertStringNotContainsString('retaillab.cashback', $page->body);
        $this->assertStringNotContainsString('name="silence_hours"', $page->body);
    }

    public function testSaveAndApplyWriteTheSettingsAndTheRightsTogether(): void
    {
        $this->seedGroups();
        foreach (['Update' => '12', 'Apply' => '24'] as $button => $hours) {
            $page = $this->settings('POST', $this->form([Options::SILENCE_HOURS => $hours], [0 => 'R', 5 => 'R', 6 => 'W'], $button) + [
                'retaillab_cashback_options_active_tab' => 'retaillab_cashback_monitoring',
            ], 'W');

            $this->assertSame(302, $page->status, $button);
            $this->assertSame('/bitrix/admin/settings.php?mid=retaillab.cashback&lang=ru&retaillab_cashback_options_active_tab=retaillab_cashback_monitoring', $page->header('Location'));
            $this->assertSame($hours, Option::get(Module::ID, Options::SILENCE_HOURS), $button);
            $this->assertSame(['5' => 'R', '6' => 'W'], $this->moduleRights(), $button);
            $this->assertSame('R', Option::get(Module::ID, 'GROUP_DEFAULT_RIGHT'), $button);
        }
        $this->assertSame([Module::ID => 2], GroupRights::$saves, 'once per save');
    }

    /**
     * Defect 2: group_rights.php saves whenever it is included on a POST with $Update, whatever the
     * page did with the rest of the form. A form that fails validation must save nothing: neither the
     * settings nor the rights, whichever button was pressed.
     */
    public function testAFormThatFailsValidationSavesNeitherTheSettingsNorTheRights(): void
    {
        $this->seedGroups();
        foreach (['Update', 'Apply'] as $button) {
            $page = $this->settings('POST', $this->form([Options::SILENCE_HOURS => '12', Options::MAX_BATCH => '0'], [0 => 'W', 5 => 'W', 6 => 'W'], $button), 'W');

            $this->assertSame(200, $page->status, "$button: the form comes back");
            $this->assertStringContainsString('<div class="adm-message ERROR">Изменения не сохранены<div>', $page->body, $button);
            $this->assertStringContainsString('name="silence_hours" value="12"', $page->body, "$button: with what was typed");
            $this->assertSame('6', Option::get(Module::ID, Options::SILENCE_HOURS), "$button: settings not saved");
            $this->assertSame(['5' => 'R'], $this->moduleRights(), "$button: rights not saved");
            $this->assertSame('', (string) Option::get(Module::ID, 'GROUP_DEFAULT_RIGHT'), "$button: default right not saved");
            $this->assertSame([], GroupRights::$saves, $button);
            // The operator is told the access tab was not saved either (it shows the rights in force).
            $this->assertStringContainsString('Права доступа на вкладке «Доступ» тоже не сохранены', $page->body, $button);
            $this->assertStringContainsString('data-group="5"', $page->body);
            $this->assertStringNotContainsString('data-group="6"', $page->body);
        }
    }

    public function testReadersAndStaleFormsSaveNothing(): void
    {
        $this->seedGroups();
        $reader = $this->settings('POST', $this->form([Options::SILENCE_HOURS => '12'], [5 => 'W'], 'Update'), 'R');
        $this->assertSame(200, $reader->status);
        $this->assertStringContainsString('Недостаточно прав: изменять настройки и ключи API можно с уровнем доступа «управление ключами API и настройками».', $reader->body);

        $stale = $this->settings('POST', ['sessid' => 'from-another-session'] + $this->form([Options::SILENCE_HOURS => '12'], [5 => 'W'], 'Update'), 'W');
        $this->assertSame(200, $stale->status);
        $this->assertStringContainsString('Сессия истекла. Обновите страницу и повторите действие.', $stale->body);

        $this->assertSame('6', Option::get(Module::ID, Options::SILENCE_HOURS));
        $this->assertSame(['5' => 'R'], $this->moduleRights());
        $this->assertSame([], GroupRights::$saves);
    }

    public function testAKeyCreatedOnThePageIsShownOnceAndTheRightsAreLeftAlone(): void
    {
        $this->seedGroups();
        $form = $this->form([], [5 => 'W'], null);
        $form[\Retaillab\Cashback\Settings\SettingsPage::ACTION_FIELD] = 'create_key';
        $form[\Retaillab\Cashback\Settings\SettingsPage::KEY_NAME_FIELD] = 'Касса <1>';

        $page = $this->settings('POST', $form, 'W');

        $this->assertSame(200, $page->status, 'no redirect: the key exists only in this response');
        $this->assertStringContainsString('adm-message OK', $page->body);
        $this->assertSame(1, preg_match('/id="retaillab_cashback_new_key" value="([^"]+)"/', $page->body, $key));
        $this->assertNotNull($this->ledger()->verifyApiKey(html_entity_decode($key[1])));
        $this->assertSame(['5' => 'R'], $this->moduleRights());
        $this->assertSame([], GroupRights::$saves);
    }

    /**
     * With HTML => true the core's CAdminMessage prints MESSAGE as given (interface/admin_lib.php,
     * _formatHTML); the settings page's messages are plain text, a key's name the operator's own:
     * they must reach the page escaped exactly once.
     */
    public function testTheSettingsPageEscapesItsMessagesOnce(): void
    {
        $form = $this->form([], [], null);
        $form[\Retaillab\Cashback\Settings\SettingsPage::ACTION_FIELD] = 'create_key';
        $form[\Retaillab\Cashback\Settings\SettingsPage::KEY_NAME_FIELD] = 'Касса <img src=x onerror=alert(1)>';

        $page = $this->settings('POST', $form, 'W');

        $this->assertStringContainsString('Ключ API «Касса &lt;img src=x onerror=alert(1)&gt;» создан', $page->body);
        $this->assertStringNotContainsString('<img src=x', $page->body);
    }

    // --- helpers -----------------------------------------------------------------------------

    /**
     * One hit as a user of that access level, which must end without an error of PHP or of the
     * doubles (an unknown component parameter, a flag that is not a bool, an uncaught exception).
     *
     * @param array<string, mixed> $params the query of a GET (added to $path), the form of a POST
     */
    private function hit(string $method, string $path, array $params = [], string $right = 'W'): PageResponse
    {
        $page = $method === 'GET'
            ? PageServer::get()->hit('GET', $path, $params, [], [Module::ID => $right])
            : PageServer::get()->hit($method, $path, [], $params, [Module::ID => $right]);
        $this->assertSame([], $page->run['errors'] ?? ['no result'], "$method $path: " . substr($page->body, -2000));
        return $page;
    }

    /** The URL of a page number in the grid's pagination (as the browser follows it). */
    private function pageLink(PageResponse $page, int $number): string
    {
        $this->assertSame(1, preg_match('#<a class="main-ui-pagination-page" href="([^"]+)">' . $number . '</a>#', $page->body, $link), "a link to page $number");
        return html_entity_decode($link[1]);
    }

    /** @return list<string> the data-id of the grid's rows, in order */
    private function gridRowIds(PageResponse $page): array
    {
        preg_match_all('#<tr class="main-grid-row main-grid-row-body" data-id="([^"]*)">#', $page->body, $m);
        return $m[1];
    }

    private function settings(string $method, array $post, string $right): PageResponse
    {
        return $this->hit($method, self::SETTINGS . '?mid=retaillab.cashback&lang=ru', $post, $right);
    }

    /**
     * What the settings form posts: every option as stored with $changes, the session token, the
     * access tab's GROUPS[]/RIGHTS[]/SITES[] rows (group => right; 0 is the default right) and the
     * button pressed (Update is "Save", Apply is "Apply"; null: none, as a key action posts).
     *
     * @param array<string, string> $changes
     * @param array<int, string> $rights
     */
    private function form(array $changes, array $rights, ?string $button): array
    {
        $form = ['sessid' => self::SESSID] + $changes + OptionFields::current();
        $form[Options::DATABASE_PATH] = $this->database;
        $form['GROUPS'] = array_map('strval', array_keys($rights));
        $form['RIGHTS'] = array_values($rights);
        $form['SITES'] = array_fill(0, count($rights), '');
        if ($button !== null) {
            $form[$button] = $button === 'Update' ? 'Сохранить' : 'Применить';
        }
        return $form;
    }

    /** Groups 5 and 6 exist; group 5 reads the module. */
    private function seedGroups(): void
    {
        GroupRights::$groups = [5 => ['NAME' => 'Кассиры'], 6 => ['NAME' => 'Операторы']];
        CMain::SetGroupRight(Module::ID, 5, 'R');
    }

    /** @return array<string, string> the module's common group rights (b_module_group), group => letter */
    private function moduleRights(): array
    {
        $rights = [];
        foreach (CMain::$groupRights as $row) {
            if ($row['MODULE_ID'] === Module::ID && $row['SITE_ID'] === null) {
                $rights[(string) $row['GROUP_ID']] = $row['G_ACCESS'];
            }
        }
        ksort($rights);
        return $rights;
    }

    /** @return list<string> the action of each reindex form, in order */
    private function formActions(PageResponse $page): array
    {
        preg_match_all('/<input type="hidden" name="action" value="([a-z]+)">/', $page->body, $m);
        return $m[1];
    }

    private function ledger(): CashbackLedger
    {
        return LedgerFactory::open();
    }

    private function logRows(int $count): void
    {
        $values = [];
        for ($i = 1; $i <= $count; $i++) {
            $values[] = sprintf("(%d, 'transactions', 'E-%d', 'success', 1)", (1795763700 + $i) * 1000, $i);
        }
        $this->sqlite('INSERT INTO sync_log (at, endpoint, external_id, status, duration_ms) VALUES ' . implode(',', $values));
    }

    /** @param array<int, int> $times log row id => Unix seconds */
    private function setTimes(array $times): void
    {
        $sql = '';
        foreach ($times as $id => $seconds) {
            $sql .= sprintf('UPDATE sync_log SET at = %d WHERE id = %d;', $seconds * 1000, $id);
        }
        $this->sqlite($sql);
    }

    private function sqlite(string $sql): void
    {
        exec('/usr/bin/sqlite3 ' . escapeshellarg($this->database) . ' ' . escapeshellarg($sql) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }
}
