<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Admin\CsvExport;
use Retaillab\Cashback\Admin\CursorPager;
use Retaillab\Cashback\Admin\Html;
use Retaillab\Cashback\Admin\SilentStoresPanel;
use Retaillab\Cashback\Admin\SyncLogFilter;
use Retaillab\Cashback\Admin\SyncLogGrid;
use Retaillab\Cashback\Admin\TimeFormat;
use Retaillab\Cashback\Admin\VerifyReport;
use Retaillab\Cashback\Agent\SilencePolicy;

/**
 * What the sync-log admin page is built from, against the real extension on
 * a temporary ledger: main.ui.filter fields and main.ui.grid columns and rows
 * (escaped), filter values to ledger filters, page numbers to cursors, the
 * CSV bytes, the silent-stores panel and the verify report. The page file
 * itself only hands these to Bitrix components (AdminPagesTest runs it for real).
 */
final class SyncLogPageTest extends TestCase
{
    /** 2026-11-27 10:15:00 Moscow time, in Unix seconds. */
    private const NOON_ISH = 1795763700;

    private string $directory;
    private string $database;
    private CashbackLedger $ledger;
    private string $zone;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir() . '/cashback-log-page-test-' . bin2hex(random_bytes(6));
        mkdir($this->directory, 0700);
        $this->database = $this->directory . '/ledger.db';
        $this->ledger = new CashbackLedger($this->database);
        Option::$values = [];
        // A Bitrix server in Moscow: user-entered filter times are read in this zone.
        $this->zone = date_default_timezone_get();
        date_default_timezone_set('Europe/Moscow');
    }

    protected function tearDown(): void
    {
        date_default_timezone_set($this->zone);
        foreach (glob($this->directory . '/*') ?: [] as $file) {
            is_dir($file) ? rmdir($file) : unlink($file);
        }
        rmdir($this->directory);
    }

    // --- grid and filter fields ------------------------------------------

    public function testColumnsComeFromTheLangFile(): void
    {
        $columns = (new SyncLogGrid())->columns();

        $this->assertSame(['ID', 'AT', 'CLIENT', 'ADDRESS', 'STORE_ID', 'ENDPOINT', 'EXTERNAL_ID', 'STATUS', 'TIMES', 'ERROR', 'DURATION_MS'], array_column($columns, 'id'));
        $this->assertSame(['ID', 'Время', 'Клиент API', 'Адрес клиента', 'Магазин', 'Метод', 'Внешний код (external_id)', 'Статус', 'Сколько раз', 'Ошибка', 'Длительность, мс'], array_column($columns, 'name'));
        $this->assertFalse($columns[0]['default'], 'the row id is available but hidden by default');
        $this->assertSame([true], array_values(array_unique(array_column(array_slice($columns, 1), 'default'))));
        foreach ($columns as $column) {
            $this->assertArrayNotHasKey('sort', $column, 'the log has one order: newest first');
        }
        $this->assertSame(array_column($columns, 'name'), (new SyncLogGrid())->columnNames());
    }

    public function testFilterFieldsOfferTheKnownStoresAndStatusesEscaped(): void
    {
        $this->ledger->registerStore('store-b', '<i>Б</i>');
        $this->ledger->registerStore('store-a');

        $fields = array_column((new SyncLogGrid())->filterFields($this->ledger->storeActivity()), null, 'id');

        $this->assertSame(['STORE_ID', 'STATUS', 'AT', 'EXTERNAL_ID'], array_keys($fields));
        $this->assertSame('list', $fields['STORE_ID']['type']);
        $this->assertSame(['' => '(любой)', 'store-a' => 'store-a', 'store-b' => 'store-b — &lt;i&gt;Б&lt;/i&gt;'], $fields['STORE_ID']['items']);
        $this->assertSame([
            '' => '(любой)', 'success' => 'Успешно', 'duplicate' => 'Повтор', 'error' => 'Ошибка',
            'forbidden' => 'Чужая сеть', 'throttled' => 'Заблокирован (много неверных ключей)', 'unauthorized' => 'Нет доступа',
        ], $fields['STATUS']['items']);
        $this->assertSame('date', $fields['AT']['type']);
        $this->assertTrue($fields['AT']['time'], 'the range can be narrowed to the minute');
        $this->assertSame('string', $fields['EXTERNAL_ID']['type']);
        $this->assertSame('Время', $fields['AT']['name']);
    }

    public function testRowsCarryEveryLedgerValueEscaped(): void
    {
        $this->ledger->logSync([
            'endpoint' => 'transactions',
            'status' => 'error',
            'client' => '<img src=x onerror=alert(1)>',
            'store_id' => "s&\"1'",
            'external_id' => '"><script>alert(1)</script>',
            'error' => 'invalid_phone',
            'duration_ms' => 5,
        ]);
        $this->ledger->logSync(['endpoint' => 'transactions/batch', 'status' => 'retry_later']);
        $this->setTimes([1 => self::NOON_ISH, 2 => self::NOON_ISH + 1]);

        $rows = (new SyncLogGrid())->rows($this->ledger->syncLog()['items']);

        $this->assertSame(['2', '1'], array_column($rows, 'id'));
        foreach ($rows as $row) {
            foreach ([...array_values($row['data']), ...array_values($row['columns'])] as $html) {
                $this->assertStringNotContainsString('<img', $html);
                $this->assertStringNotContainsString('<script', $html);
                $this->assertStringNotContainsString('"><', $html);
            }
        }
        $hostile = $rows[1];
        $this->assertSame('&lt;img src=x onerror=alert(1)&gt;', $hostile['columns']['CLIENT']);
        $this->assertSame('s&amp;&quot;1&apos;', $hostile['columns']['STORE_ID']);
        $this->assertSame('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;', $hostile['columns']['EXTERNAL_ID']);
        $this->assertSame($hostile['columns']['EXTERNAL_ID'], $hostile['data']['EXTERNAL_ID']);
        $this->assertSame('27.11.2026 10:15:00', $hostile['data']['AT']);
        $this->assertSame('<span title="2026-11-27T10:15:00+03:00">27.11.2026 10:15:00</span>', $hostile['columns']['AT']);
        $this->assertStringContainsString('>Ошибка</span>', $hostile['columns']['STATUS']);
        $this->assertStringContainsString('background:#fde2e1', $hostile['columns']['STATUS']);
        $this->assertSame('5 мс', $hostile['columns']['DURATION_MS']);
        $this->assertSame('invalid_phone', $hostile['columns']['ERROR']);

        // An empty value shows a dash; an unknown status shows as it is, in the neutral badge.
        $plain = $rows[0];
        $this->assertSame('', $plain['data']['CLIENT']);
        $this->assertStringContainsString('—', $plain['columns']['CLIENT']);
        $this->assertStringContainsString('background:#eee;color:#333">retry_later</span>', $plain['columns']['STATUS']);
    }

    public function testARefusalRowShowsItsAddressAndHowManyRefusalsItStandsFor(): void
    {
        $this->ledger->logSync(['endpoint' => 'balance', 'status' => 'throttled', 'error' => 'too_many_requests']);
        $this->ledger->logSync(['endpoint' => 'balance', 'status' => 'success', 'client' => 'Касса 1']);
        $this->sqlite("UPDATE sync_log SET address = '203.0.113.7', times = 523 WHERE id = 1");
        $this->setTimes([1 => self::NOON_ISH, 2 => self::NOON_ISH]);

        [$single, $refusals] = (new SyncLogGrid())->rows($this->ledger->syncLog()['items']);

        $this->assertSame('203.0.113.7', $refusals['columns']['ADDRESS']);
        $this->assertSame('523', $refusals['data']['TIMES']);
        $this->assertSame('<span title="Отказов с этого адреса с этим статусом за 5 минут: 523">×523</span>', $refusals['columns']['TIMES']);
        $this->assertStringContainsString('—', $single['columns']['ADDRESS']);
        $this->assertSame('', $single['columns']['TIMES'], 'one request: no count');

        $csv = explode("\r\n", $this->export([]));
        $this->assertSame('1;2026-11-27 10:15:00;;203.0.113.7;;balance;;throttled;523;too_many_requests;0', $csv[2]);
    }

    public function testEveryLogStatusOfTheVocabularyIsFilterableLabelledInBothLanguagesAndColoured(): void
    {
        $statuses = array_keys(array_filter(CashbackLedger::codes(), static fn (array $code): bool => in_array('log_status', $code['uses'], true)));
        $this->assertContains('throttled', $statuses);
        $this->assertContains('forbidden', $statuses);
        $this->assertSame($statuses, SyncLogFilter::statuses());

        $items = array_column((new SyncLogGrid())->filterFields([]), 'items', 'id')['STATUS'];
        $this->assertSame(['', ...$statuses], array_keys($items));
        foreach (['ru', 'en'] as $language) {
            $messages = $this->messages(CASHBACK_MODULE_DIR . "/lang/$language/lib/Admin/SyncLogGrid.php");
            foreach ($statuses as $status) {
                $code = 'RETAILLAB_CASHBACK_GRID_STATUS_' . strtoupper($status);
                $this->assertArrayHasKey($code, $messages, "$language: no label for the log status $status");
                $this->assertNotSame('', trim($messages[$code]), "$language: $code");
            }
        }

        // A row of every status gets its own label and colour, never the neutral badge of unknown values.
        $rows = [];
        foreach ($statuses as $i => $status) {
            $rows[] = ['id' => $i + 1, 'at' => '2026-11-27T10:15:00+03:00', 'client' => null, 'store_id' => null,
                'endpoint' => 'balance', 'external_id' => null, 'status' => $status, 'error' => null, 'duration_ms' => 1];
        }
        foreach ((new SyncLogGrid())->rows($rows) as $i => $row) {
            $this->assertStringNotContainsString('background:#eee;color:#333', $row['columns']['STATUS'], $statuses[$i]);
            $this->assertStringContainsString('>' . Html::e($items[$statuses[$i]]) . '</span>', $row['columns']['STATUS']);
        }
    }

    public function testThrottledAndForbiddenRowsCanBeFiltered(): void
    {
        foreach (['throttled' => 'too_many_requests', 'forbidden' => 'forbidden_network', 'unauthorized' => 'unauthorized', 'success' => null] as $status => $error) {
            $this->ledger->logSync(['endpoint' => 'balance', 'status' => $status, 'error' => $error]);
        }
        foreach (['throttled', 'forbidden'] as $status) {
            $filter = SyncLogFilter::fromFilterValues(['STATUS' => $status]);
            $this->assertSame([], $filter->problems);
            $this->assertSame([$status], array_column($this->ledger->syncLog($filter->ledgerFilter)['items'], 'status'));
        }
    }

    public function testPageSizesAreLimitedToTheOfferedOnes(): void
    {
        $this->assertSame(100, SyncLogGrid::pageSize('100'));
        $this->assertSame(50, SyncLogGrid::pageSize(100000));
        $this->assertSame(50, SyncLogGrid::pageSize(null));
        $this->assertSame(['NAME' => '20', 'VALUE' => '20'], SyncLogGrid::pageSizes()[0]);
    }

    // --- filter -------------------------------------------------------------

    public function testFilterValuesBecomeTheLedgerFilter(): void
    {
        $filter = SyncLogFilter::fromFilterValues([
            'STORE_ID' => ' store-1 ',
            'STATUS' => 'error',
            'EXTERNAL_ID' => 'Accrual_0001',
            'AT_datesel' => 'RANGE',
            'AT_from' => '27.11.2026 00:00:00',
            'AT_to' => '27.11.2026 23:59:59',
            'FIND' => 'ignored when EXTERNAL_ID is set',
            'PRESET_ID' => 'tmp_filter',
            'FILTER_APPLIED' => true,
        ]);

        $this->assertSame([], $filter->problems);
        $this->assertSame([
            'store_id' => 'store-1',
            'status' => 'error',
            'external_id' => 'Accrual_0001',
            'from' => 1795726800,              // 27.11.2026 00:00:00 +03:00
            'to' => 1795726800 + 86400,        // the end is inclusive: up to 23:59:59, so < 28.11 00:00:00
        ], $filter->ledgerFilter);
    }

    public function testTheSearchBoxFindsAnExternalIdAndEndsAreInclusiveToTheirPrecision(): void
    {
        $this->assertSame(['external_id' => 'Accrual_7'], SyncLogFilter::fromFilterValues(['FIND' => 'Accrual_7'])->ledgerFilter);
        $this->assertSame(['to' => 1795726800 + 86400], SyncLogFilter::fromFilterValues(['AT_to' => '27.11.2026'])->ledgerFilter);
        $this->assertSame(['to' => 1795763700 + 60], SyncLogFilter::fromFilterValues(['AT_to' => '2026-11-27 10:15'])->ledgerFilter);
        $this->assertSame(['from' => 1795763700], SyncLogFilter::fromFilterValues(['AT_from' => '2026-11-27T07:15:00+00:00'])->ledgerFilter);
        $this->assertSame([], SyncLogFilter::fromFilterValues([])->ledgerFilter);
        $this->assertSame(['status' => 'success'], SyncLogFilter::fromFilterValues(['STATUS' => ['success']])->ledgerFilter);
    }

    public function testUnusableFilterValuesAreDroppedWithAMessage(): void
    {
        $filter = SyncLogFilter::fromFilterValues([
            'STORE_ID' => str_repeat('x', 65),
            'STATUS' => 'exploded',
            'EXTERNAL_ID' => "a\nb",
            'AT_from' => '31.02.2026',
            'AT_to' => 'yesterday-ish',
        ]);

        $this->assertSame([], $filter->ledgerFilter);
        $this->assertSame([
            'Код магазина длиннее 64 символов или содержит управляющие символы.',
            'Неизвестный статус.',
            'Внешний код (external_id) длиннее 128 символов или содержит управляющие символы.',
            'Не удалось прочитать начало периода.',
            'Не удалось прочитать конец периода.',
        ], $filter->problems);

        $reversed = SyncLogFilter::fromFilterValues(['AT_from' => '28.11.2026', 'AT_to' => '27.11.2026']);
        $this->assertSame(['Начало периода позже его конца: записей не будет.'], $reversed->problems);
    }

    public function testTheFilterSelectsLedgerRowsWithAnInclusiveEnd(): void
    {
        $midnight = 1795726800; // 27.11.2026 00:00:00 Moscow
        foreach (['before' => $midnight - 1, 'first' => $midnight, 'last' => $midnight + 86399, 'after' => $midnight + 86400] as $externalId => $at) {
            $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'external_id' => $externalId, 'store_id' => 'store-1']);
        }
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'error', 'external_id' => 'other', 'store_id' => 'store-2']);
        $this->setTimes([1 => $midnight - 1, 2 => $midnight, 3 => $midnight + 86399, 4 => $midnight + 86400, 5 => $midnight + 3600]);

        $day = fn (array $values): array => array_column(
            $this->ledger->syncLog(SyncLogFilter::fromFilterValues($values)->ledgerFilter)['items'],
            'external_id',
        );
        $this->assertSame(['other', 'last', 'first'], $day(['AT_from' => '27.11.2026 00:00:00', 'AT_to' => '27.11.2026 23:59:59']));
        $this->assertSame(['other', 'last', 'first'], $day(['AT_from' => '27.11.2026', 'AT_to' => '27.11.2026']));
        $this->assertSame(['last', 'first'], $day(['AT_from' => '27.11.2026', 'AT_to' => '27.11.2026', 'STORE_ID' => 'store-1']));
        $this->assertSame(['other'], $day(['STATUS' => 'error']));
        $this->assertSame(['first'], $day(['EXTERNAL_ID' => 'first']));
    }

    // --- paging ---------------------------------------------------------------

    public function testPageNumbersMapToCursors(): void
    {
        $this->logRows(12);
        $calls = [];
        $fetch = $this->fetcher($calls);
        $pager = new CursorPager();

        $first = $pager->page($fetch, 'f', 1, 5);
        $this->assertSame([12, 11, 10, 9, 8], array_column($first->items, 'id'));
        $this->assertTrue($first->hasMore);
        $this->assertSame(6, $first->recordCountHint(), 'one more than shown: the pager offers page 2');

        $second = $pager->page($fetch, 'f', 2, 5);
        $this->assertSame([7, 6, 5, 4, 3], array_column($second->items, 'id'));
        $this->assertSame(11, $second->recordCountHint());

        $third = $pager->page($fetch, 'f', 3, 5);
        $this->assertSame([2, 1], array_column($third->items, 'id'));
        $this->assertFalse($third->hasMore);
        $this->assertSame(12, $third->recordCountHint(), 'the last page: the exact count');
        $this->assertSame([null, 8, 3], $calls, 'each page fetched once, from its cursor');

        // Back to page 2 in a later request: the cursor comes from the saved state, no walking.
        $calls = [];
        $again = (new CursorPager($pager->state()))->page($fetch, 'f', 2, 5);
        $this->assertSame([7, 6, 5, 4, 3], array_column($again->items, 'id'));
        $this->assertSame([8], $calls);
    }

    public function testAJumpToAnUnseenPageWalksAndPastTheEndGivesTheLastPage(): void
    {
        $this->logRows(12);
        $calls = [];
        $fetch = $this->fetcher($calls);

        $third = (new CursorPager())->page($fetch, 'f', 3, 5);
        $this->assertSame(3, $third->page);
        $this->assertSame([2, 1], array_column($third->items, 'id'));
        $this->assertSame([null, 8, 3], $calls);

        $calls = [];
        $beyond = (new CursorPager())->page($fetch, 'f', 99, 5);
        $this->assertSame(3, $beyond->page);
        $this->assertSame([2, 1], array_column($beyond->items, 'id'));
        $this->assertCount(3, $calls);

        $empty = (new CursorPager())->page($this->fetcher($calls, ['store_id' => 'nowhere']), 'g', 1, 5);
        $this->assertSame([], $empty->items);
        $this->assertSame(1, $empty->page);
        $this->assertSame(0, $empty->recordCountHint());
    }

    public function testPagesFollowOnWithoutGapsWhenNewRowsArrive(): void
    {
        $this->logRows(12);
        $calls = [];
        $fetch = $this->fetcher($calls);
        $pager = new CursorPager();
        $pager->page($fetch, 'f', 1, 5);
        $pager->page($fetch, 'f', 2, 5);
        $pager->page($fetch, 'f', 3, 5);

        $this->logRows(3); // ids 13..15 arrive at the top
        $first = $pager->page($fetch, 'f', 1, 5);
        $this->assertSame([15, 14, 13, 12, 11], array_column($first->items, 'id'));
        $second = $pager->page($fetch, 'f', 2, 5);
        $this->assertSame([10, 9, 8, 7, 6], array_column($second->items, 'id'), 'page 2 follows page 1 as it is now');
        $third = $pager->page($fetch, 'f', 3, 5);
        $this->assertSame([5, 4, 3, 2, 1], array_column($third->items, 'id'));
        $this->assertFalse($third->hasMore);
    }

    public function testAnotherFilterOrPageSizeStartsAfresh(): void
    {
        $this->logRows(12);
        $calls = [];
        $pager = new CursorPager();
        $pager->page($this->fetcher($calls), 'f', 2, 5);

        $calls = [];
        $bySize = $pager->page($this->fetcher($calls), 'f', 2, 4);
        $this->assertSame([8, 7, 6, 5], array_column($bySize->items, 'id'));
        $this->assertSame([null, 9], $calls, 'walked again: cursors depend on the page size');

        $calls = [];
        $filter = SyncLogFilter::fromFilterValues(['STATUS' => 'success']);
        $byFilter = $pager->page($this->fetcher($calls, $filter->ledgerFilter), $filter->key(), 2, 4);
        $this->assertSame([null, 9], $calls);
        $this->assertSame([8, 7, 6, 5], array_column($byFilter->items, 'id'));
        $this->assertNotSame(SyncLogFilter::fromFilterValues([])->key(), $filter->key());
        $this->assertSame($filter->key(), SyncLogFilter::fromFilterValues(['STATUS' => 'success', 'FILTER_APPLIED' => true])->key());
    }

    public function testALogOfHugeRowsIsPagedByBytesWithLongValuesCutShort(): void
    {
        $this->logHugeRows(400);
        $all = $this->allIds();
        $calls = [];
        $fetch = $this->fetcher($calls);
        $pager = new CursorPager();
        $grid = new SyncLogGrid();

        memory_reset_peak_usage();
        $baseline = memory_get_usage();
        $pages = [$pager->page($fetch, 'f', 1, 500)];
        $this->assertLessThan(64 << 20, memory_get_peak_usage() - $baseline, 'a page never holds hundreds of huge rows');

        $first = $pages[0];
        $this->assertTrue($first->hasMore);
        $this->assertGreaterThan(0, count($first->items));
        $this->assertLessThan(400, count($first->items), 'the byte budget ends the page before the rows run out');
        $this->assertGreaterThan(500, $first->recordCountHint(), 'a short page still offers page 2');
        $newest = $first->items[0];
        $this->assertSame('BIG-400-' . mb_substr(str_repeat('<"&x', 100000), 0, 120) . '…', $newest['external_id']);
        $this->assertSame(129, mb_strlen($newest['client']));
        $this->assertLessThan(2 << 20, strlen(serialize($grid->rows($first->items))), 'the grid gets a bounded page');

        while (end($pages)->hasMore) {
            $pages[] = $pager->page($fetch, 'f', end($pages)->page + 1, 500);
            $this->assertLessThan(20, count($pages), 'paging ends');
        }
        $this->assertSame($all, array_merge(...array_map(static fn ($page): array => array_column($page->items, 'id'), $pages)), 'every row once, newest to oldest');
    }

    // --- CSV ------------------------------------------------------------------

    public function testCsvBytesAreExcelReadyEscapedAndGuardedAgainstFormulas(): void
    {
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'client' => 'Касса; №1', 'store_id' => 'store-1', 'external_id' => 'say "hi"', 'duration_ms' => 12]);
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'error', 'client' => '=HYPERLINK("http://evil")', 'store_id' => 'store-1', 'external_id' => '+79001234567', 'error' => 'invalid_phone', 'duration_ms' => 7]);
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'client' => '-1', 'external_id' => '@SUM(A1)']);
        // The API never logs control characters; a row written by other means may still hold them.
        $this->sqlite("INSERT INTO sync_log (at, client, store_id, endpoint, external_id, status, error, duration_ms)
            VALUES (0, ' padded ', 'store-2', 'transactions', 'line1' || char(10) || 'line2', 'duplicate', NULL, 0)");
        $this->setTimes([1 => self::NOON_ISH, 2 => self::NOON_ISH, 3 => self::NOON_ISH, 4 => self::NOON_ISH]);

        $csv = $this->export([]);

        $this->assertSame(
            "\xEF\xBB\xBF" . "ID;Время;Клиент API;Адрес клиента;Магазин;Метод;Внешний код (external_id);Статус;Сколько раз;Ошибка;Длительность, мс\r\n"
            . "4;2026-11-27 10:15:00;\" padded \";;store-2;transactions;\"line1\nline2\";duplicate;1;;0\r\n"
            . "3;2026-11-27 10:15:00;'-1;;;transactions;'@SUM(A1);success;1;;0\r\n"
            . "2;2026-11-27 10:15:00;\"'=HYPERLINK(\"\"http://evil\"\")\";;store-1;transactions;'+79001234567;error;1;invalid_phone;7\r\n"
            . "1;2026-11-27 10:15:00;\"Касса; №1\";;store-1;transactions;\"say \"\"hi\"\"\";success;1;;12\r\n",
            $csv,
        );
        $this->assertTrue(mb_check_encoding($csv, 'UTF-8'));
    }

    public function testCsvCellRules(): void
    {
        $this->assertSame('', CsvExport::cell(null));
        $this->assertSame('', CsvExport::cell(''));
        $this->assertSame('-5', CsvExport::cell(-5), 'numbers are data, never guarded');
        $this->assertSame("'=1+2", CsvExport::cell('=1+2'));
        $this->assertSame("\"'\tcmd\"", CsvExport::cell("\tcmd"), 'tabs are quoted: Excel may split on them');
        $this->assertSame("\"'\rcmd\"", CsvExport::cell("\rcmd"));
        $this->assertSame('a=b', CsvExport::cell('a=b'));
        $this->assertSame('"a""b"', CsvExport::cell('a"b'));
        $this->assertSame("x;\"a\r\nb\"\r\n", CsvExport::line(['x', "a\r\nb"]));
        $this->assertSame('cashback-sync-log-20261127-101500.csv', CsvExport::fileName(new DateTimeImmutable('2026-11-27 10:15:00')));
    }

    public function testCsvExportsTheFilteredLogInChunksAndStopsAtTheCap(): void
    {
        $this->logRows(7);
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'error', 'external_id' => 'failed-one']);

        $filtered = $this->export(['status' => 'success'], CsvExport::MAX_ROWS, 2);
        $this->assertSame(
            ['7', '6', '5', '4', '3', '2', '1'],
            array_map(fn (string $line) => explode(';', $line)[0], array_slice(explode("\r\n", trim($filtered)), 1)),
        );

        $stream = fopen('php://memory', 'w+b');
        $result = (new CsvExport(['ID'], 5, 2))->write($stream, $this->ledger, []);
        rewind($stream);
        $lines = explode("\r\n", rtrim(stream_get_contents($stream), "\r\n"));
        $this->assertSame(['rows' => 5, 'truncated' => true], $result);
        $this->assertCount(7, $lines, 'header, 5 rows, the note');
        $this->assertSame('8', explode(';', $lines[1])[0]);
        $this->assertSame('Выгрузка ограничена 5 строками; сузьте фильтр, чтобы получить остальные.', trim(end($lines), '"'));

        $exact = fopen('php://memory', 'w+b');
        $this->assertSame(['rows' => 8, 'truncated' => false], (new CsvExport(['ID'], 8, 3))->write($exact, $this->ledger, []));
    }

    public function testCsvOfHugeRowsIsCompleteAndStreamedInSmallChunks(): void
    {
        $this->logHugeRows(300);
        $file = $this->directory . '/export.csv';
        $stream = fopen($file, 'wb');

        memory_reset_peak_usage();
        $baseline = memory_get_usage();
        $result = (new CsvExport((new SyncLogGrid())->columnNames()))->write($stream, $this->ledger, []);
        $peak = memory_get_peak_usage() - $baseline;
        fclose($stream);

        $this->assertSame(['rows' => 300, 'truncated' => false], $result);
        $this->assertLessThan(64 << 20, $peak, 'rows are written as they are read, a few at a time');
        $lines = explode("\r\n", rtrim((string) file_get_contents($file), "\r\n"));
        $this->assertCount(301, $lines);
        $this->assertStringContainsString('"BIG-300-' . str_repeat('<""&x', 100000) . '"', $lines[1], 'the export keeps full values');
    }

    // --- silent stores panel ----------------------------------------------------

    public function testSilentStoresPanelListsStoresPastTheirThresholdFromTheOptions(): void
    {
        $this->ledger->registerStore('quiet', '<b>Тихий</b>');
        $this->ledger->registerStore('seen');
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'seen']);
        $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'fine']);
        $this->sqlite(sprintf("UPDATE stores SET registered_at = %d WHERE store_id = 'quiet'", (time() - 30 * 3600 - 60) * 1000));
        $this->sqlite(sprintf("UPDATE stores SET last_seen_at = %d WHERE store_id = 'seen'", (time() - 8 * 3600 - 60) * 1000));

        $panel = SilentStoresPanel::load($this->ledger, new SilencePolicy(6, ['seen' => 12]), new TimeFormat());
        $this->assertSame([[
            'store_id' => 'quiet',
            'name' => '<b>Тихий</b>',
            'last_seen' => 'запросов не было',
            'silent_for' => '1 д 6 ч',
            'threshold' => '6 ч (по умолчанию)',
        ]], $panel->rows());
        $html = $panel->html();
        $this->assertStringContainsString('&lt;b&gt;Тихий&lt;/b&gt;', $html);
        $this->assertStringNotContainsString('<b>Тихий', $html);
        $this->assertStringContainsString('Молчащие магазины', $html);

        // The option changes: its thresholds reach the ledger before listing.
        $panel = SilentStoresPanel::load($this->ledger, new SilencePolicy(6, ['quiet' => 48]), new TimeFormat());
        $this->assertSame(['seen'], array_column($panel->rows(), 'store_id'));
        $this->assertMatchesRegularExpression('/^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d$/', $panel->rows()[0]['last_seen']);
        $this->assertSame('8 ч 1 мин', $panel->rows()[0]['silent_for']);

        $panel = SilentStoresPanel::load($this->ledger, new SilencePolicy(6, ['quiet' => 48, 'seen' => 9]), new TimeFormat());
        $this->assertSame(0, $panel->count());
        $this->assertStringContainsString('Все магазины на связи (порог по умолчанию — 6 ч).', $panel->html());
    }

    public function testAThresholdTheLedgerRefusesIsReportedNotFatal(): void
    {
        $panel = SilentStoresPanel::load($this->ledger, new SilencePolicy(6, ["bad\x01id" => 3, 'good' => 3]), new TimeFormat());

        $this->assertSame(["bad\x01id"], array_keys($panel->thresholdProblems));
        $this->assertSame(['good'], array_column($this->ledger->storeActivity(), 'store_id'));
    }

    // --- verify -------------------------------------------------------------------

    public function testVerifyReportOnAConsistentLedger(): void
    {
        $this->ledger->linkPhone(42, '+7 900 123-45-67');
        $this->ledger->apply(['type' => 'accrual', 'amount' => '150.00', 'external_id' => 'A-1', 'user_id' => 42]);

        $report = VerifyReport::fromResult($this->ledger->verify());

        $this->assertTrue($report->ok());
        $this->assertSame(
            ['MESSAGE' => 'Реестр кэшбэка в порядке', 'DETAILS' => 'Счетов: 1, проводок: 1.', 'TYPE' => 'OK', 'HTML' => true],
            $report->adminMessage(),
        );
    }

    public function testVerifyReportListsTheProblemsOfADamagedLedger(): void
    {
        $this->ledger->apply(['type' => 'accrual', 'amount' => '150.00', 'external_id' => 'A-1', 'user_id' => 42]);
        $this->sqlite('UPDATE accounts SET balance = balance + 100 WHERE user_id = 42'); // kopecks

        $report = VerifyReport::fromResult($this->ledger->verify());

        $this->assertFalse($report->ok());
        $message = $report->adminMessage();
        $this->assertSame('ERROR', $message['TYPE']);
        $this->assertSame('Проверка реестра нашла нарушения: 1', $message['MESSAGE']);
        $this->assertStringContainsString('<b>Баланс не равен сумме проводок</b> (пользователь 42): cached balance 15100, entries sum to 15000', $message['DETAILS']);

        $crafted = VerifyReport::fromResult(['ok' => false, 'accounts' => 1, 'entries' => 1, 'problems' => [
            ['check' => '<i>new_check</i>', 'user_id' => null, 'entry_id' => 7, 'message' => '<script>x</script>'],
        ]])->adminMessage();
        $this->assertStringContainsString('<b>&lt;i&gt;new_check&lt;/i&gt;</b> (проводка 7): &lt;script&gt;x&lt;/script&gt;', $crafted['DETAILS']);
    }

    public function testVerifyReportOnFailuresRefusalsAndItsButton(): void
    {
        try {
            new CashbackLedger($this->directory);
            $this->fail('a directory is not a database');
        } catch (CashbackException $e) {
            $failure = VerifyReport::fromFailure($e)->adminMessage();
        }
        $this->assertSame('Проверку реестра не удалось выполнить', $failure['MESSAGE']);
        $this->assertStringStartsWith('database_unavailable: ', $failure['DETAILS']);

        $this->assertSame('Для проверки реестра нужно право «запись» в модуле кэшбэка.', VerifyReport::denied()->adminMessage()['MESSAGE']);
        $this->assertStringContainsString('Форма устарела', VerifyReport::staleForm()->adminMessage()['MESSAGE']);

        $form = VerifyReport::formHtml('/bitrix/admin/retaillab_cashback_log.php?lang=ru&x="y"', '<input type="hidden" name="sessid" id="sessid" value="abc">');
        $this->assertStringContainsString('<form method="post" action="/bitrix/admin/retaillab_cashback_log.php?lang=ru&amp;x=&quot;y&quot;"', $form);
        $this->assertStringContainsString('<input type="hidden" name="sessid" id="sessid" value="abc">', $form);
        $this->assertStringContainsString('<input type="hidden" name="action" value="verify">', $form);
        $this->assertStringContainsString('value="Проверить реестр"', $form);
    }

    // --- lang files ---------------------------------------------------------------

    public function testEveryLangFileOfTheLogReindexAndAgentsHasTheSameCodesInRussianAndEnglish(): void
    {
        $module = CASHBACK_MODULE_DIR;
        $files = [
            'admin/log.php', 'admin/reindex.php',
            'lib/Admin/CsvExport.php', 'lib/Admin/ReindexView.php', 'lib/Admin/SilentStoresPanel.php',
            'lib/Admin/SyncLogFilter.php', 'lib/Admin/SyncLogGrid.php', 'lib/Admin/TimeFormat.php',
            'lib/Admin/VerifyReport.php', 'lib/Agent/SilenceMonitor.php',
        ];
        foreach ($files as $file) {
            $ru = $this->messages("$module/lang/ru/$file");
            $en = $this->messages("$module/lang/en/$file");
            $this->assertNotEmpty($ru, $file);
            $this->assertSame(array_keys($ru), array_keys($en), "$file: ru and en list the same codes");
            foreach ([...$ru, ...$en] as $code => $text) {
                $this->assertStringStartsWith('RETAILLAB_CASHBACK_', $code);
                $this->assertNotSame('', trim($text), "$file: $code");
            }
            // Every literal code the source asks for is in its own lang file.
            preg_match_all("/'(RETAILLAB_CASHBACK_[A-Z_]*[A-Z])'/", (string) file_get_contents("$module/$file"), $used);
            $notMessages = ['RETAILLAB_CASHBACK_STORE_SILENT', 'RETAILLAB_CASHBACK_FAILURE', 'RETAILLAB_CASHBACK_LOG_CURSORS'];
            foreach (array_diff(array_unique($used[1]), $notMessages) as $code) {
                $this->assertArrayHasKey($code, $ru, "$file asks for $code");
            }
        }
    }

    /** @return array<string, string> */
    private function messages(string $file): array
    {
        $this->assertFileExists($file);
        $MESS = [];
        include $file;
        return $MESS;
    }

    // --- helpers ------------------------------------------------------------------

    /** @param array<string, string|int> $filter */
    private function export(array $filter, int $maxRows = CsvExport::MAX_ROWS, int $chunk = CsvExport::CHUNK): string
    {
        $stream = fopen('php://memory', 'w+b');
        (new CsvExport((new SyncLogGrid())->columnNames(), $maxRows, $chunk))->write($stream, $this->ledger, $filter);
        rewind($stream);
        return (string) stream_get_contents($stream);
    }

    /**
     * A syncLog() fetcher for CursorPager that records the cursor of every call.
     *
     * @param list<?int> $calls
     * @param array<string, string|int> $filter
     */
    private function fetcher(array &$calls, array $filter = []): Closure
    {
        return function (?int $cursor, int $limit) use (&$calls, $filter): array {
            $calls[] = $cursor;
            return $this->ledger->syncLog($filter, $limit, $cursor);
        };
    }

    private function logRows(int $count): void
    {
        for ($i = 0; $i < $count; $i++) {
            $this->ledger->logSync(['endpoint' => 'transactions', 'status' => 'success', 'store_id' => 'store-1', 'external_id' => 'E-' . bin2hex(random_bytes(3))]);
        }
    }

    /**
     * Rows as older databases hold them, written behind the ledger's back (it now refuses such
     * ids): a 400,000-character external_id, and client and error text of 4,000 characters.
     */
    private function logHugeRows(int $count): void
    {
        $repeated = static fn (string $prefix, string $unit, int $chars): string => sprintf("%s || replace(hex(zeroblob(%d)), '00', '%s')", $prefix, intdiv($chars, strlen($unit)), $unit);
        $this->sqlite(sprintf(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
            INSERT INTO sync_log (at, client, store_id, endpoint, external_id, status, error, duration_ms)
            SELECT %d + i, %s, 'store-1', 'transactions/batch', %s, 'error', %s, 3 FROM n",
            $count,
            self::NOON_ISH * 1000,
            $repeated("'client-' || i", '"&', 4000),
            $repeated("'BIG-' || i || '-'", '<"&x', 400000),
            $repeated("'validation_failed: '", '<>', 4000),
        ));
    }

    /** @return list<int> Every log row id, newest first. */
    private function allIds(): array
    {
        return array_map('intval', $this->sqlite('SELECT id FROM sync_log ORDER BY id DESC'));
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

    /** @return list<string> What sqlite3 printed, a line each. */
    private function sqlite(string $sql): array
    {
        exec('/usr/bin/sqlite3 ' . escapeshellarg($this->database) . ' ' . escapeshellarg($sql) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
        return $output;
    }
}
