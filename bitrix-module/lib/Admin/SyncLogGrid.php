<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * What the sync-log page hands to bitrix:main.ui.filter and bitrix:main.ui.grid:
 * the filter fields, the columns and the rows, built from ledger data.
 *
 * main.ui.grid prints row cells as HTML, unescaped, so every value from the
 * ledger (client names, store ids, external ids come from 1C and API keys) is
 * escaped here, in 'columns' and in 'data' alike.
 */
final class SyncLogGrid
{
    public const GRID_ID = 'retaillab_cashback_sync_log';
    public const FILTER_ID = 'retaillab_cashback_sync_log_filter';
    public const NAV_ID = 'nav-retaillab-cashback-log';
    public const DEFAULT_PAGE_SIZE = 50;
    public const PAGE_SIZES = [20, 50, 100, 200, 500];

    /** Column id => shown by default. */
    private const COLUMNS = [
        'ID' => false,
        'AT' => true,
        'CLIENT' => true,
        'ADDRESS' => true,
        'STORE_ID' => true,
        'ENDPOINT' => true,
        'EXTERNAL_ID' => true,
        'STATUS' => true,
        'TIMES' => true,
        'ERROR' => true,
        'DURATION_MS' => true,
    ];

    /**
     * Log status => badge colours; a fixed list, so no class or style ever comes from data.
     * SyncLogPageTest checks that every log status of the vocabulary has one.
     */
    private const STATUS_STYLE = [
        'success' => 'background:#e3f6dd;color:#2f6b1f',
        'duplicate' => 'background:#e6eef7;color:#2c5282',
        'error' => 'background:#fde2e1;color:#9b1c1c',
        'forbidden' => 'background:#fff1d6;color:#8a5300',
        'throttled' => 'background:#fff1d6;color:#8a5300',
        'unauthorized' => 'background:#fff1d6;color:#8a5300',
    ];
    private const OTHER_STYLE = 'background:#eee;color:#333';

    public function __construct(private readonly TimeFormat $format = new TimeFormat())
    {
    }

    /** @return list<array{id: string, name: string, default: bool}> The grid's COLUMNS (no sorting: the log is newest first). */
    public function columns(): array
    {
        $columns = [];
        foreach (self::COLUMNS as $id => $default) {
            $columns[] = ['id' => $id, 'name' => $this->columnName($id), 'default' => $default];
        }
        return $columns;
    }

    /** @return list<string> Column titles in order, plain text (the CSV header). */
    public function columnNames(): array
    {
        return array_map($this->columnName(...), array_keys(self::COLUMNS));
    }

    /**
     * The FILTER of main.ui.filter: store (the known stores), status, time range (with a time
     * of day), external_id. List labels are escaped: the filter's popup renders them as HTML.
     *
     * @param list<array{store_id: string, name: ?string}> $stores storeActivity() rows
     * @return list<array<string, mixed>>
     */
    public function filterFields(array $stores): array
    {
        $storeItems = ['' => self::message('RETAILLAB_CASHBACK_GRID_ANY')];
        $sorted = $stores;
        usort($sorted, static fn (array $a, array $b): int => strcmp((string) $a['store_id'], (string) $b['store_id']));
        foreach ($sorted as $store) {
            $id = (string) $store['store_id'];
            $name = trim((string) ($store['name'] ?? ''));
            $storeItems[$id] = Html::e($name === '' ? $id : "$id — $name");
        }
        $statusItems = ['' => self::message('RETAILLAB_CASHBACK_GRID_ANY')];
        foreach (SyncLogFilter::statuses() as $status) {
            $statusItems[$status] = self::statusLabel($status);
        }
        return [
            ['id' => 'STORE_ID', 'name' => $this->columnName('STORE_ID'), 'type' => 'list', 'items' => $storeItems, 'params' => ['multiple' => 'N'], 'default' => true],
            ['id' => 'STATUS', 'name' => $this->columnName('STATUS'), 'type' => 'list', 'items' => $statusItems, 'params' => ['multiple' => 'N'], 'default' => true],
            ['id' => 'AT', 'name' => $this->columnName('AT'), 'type' => 'date', 'time' => true, 'default' => true],
            ['id' => 'EXTERNAL_ID', 'name' => $this->columnName('EXTERNAL_ID'), 'type' => 'string', 'default' => true],
        ];
    }

    /**
     * The grid's ROWS.
     *
     * @param list<array<string, mixed>> $items syncLog() items (CursorPager's, long values already cut short)
     * @return list<array{id: string, data: array<string, string>, columns: array<string, string>}>
     */
    public function rows(array $items): array
    {
        $rows = [];
        foreach ($items as $item) {
            $status = (string) $item['status'];
            $times = (int) ($item['times'] ?? 1);
            $data = [
                'ID' => Html::e((int) $item['id']),
                'AT' => Html::e($this->format->dateTime($item['at'])),
                'CLIENT' => Html::e($item['client'] ?? ''),
                'ADDRESS' => Html::e($item['address'] ?? ''),
                'STORE_ID' => Html::e($item['store_id'] ?? ''),
                'ENDPOINT' => Html::e($item['endpoint']),
                'EXTERNAL_ID' => Html::e($item['external_id'] ?? ''),
                'STATUS' => Html::e($status),
                'TIMES' => Html::e($times),
                'ERROR' => Html::e($item['error'] ?? ''),
                'DURATION_MS' => Html::e((int) $item['duration_ms']),
            ];
            $columns = [];
            foreach ($data as $key => $html) {
                $columns[$key] = $html === '' ? '<span style="color:#999">—</span>' : $html;
            }
            $columns['AT'] = '<span title="' . Html::e($item['at']) . '">' . $data['AT'] . '</span>';
            $columns['STATUS'] = '<span style="display:inline-block;padding:1px 8px;border-radius:10px;'
                . (self::STATUS_STYLE[$status] ?? self::OTHER_STYLE) . '">' . Html::e(self::statusLabel($status)) . '</span>';
            $columns['TIMES'] = self::timesHtml($times);
            $columns['DURATION_MS'] = Html::e(self::message('RETAILLAB_CASHBACK_GRID_MS', ['#MS#' => (string) (int) $item['duration_ms']]));
            $rows[] = ['id' => (string) (int) $item['id'], 'data' => $data, 'columns' => $columns];
        }
        return $rows;
    }

    /** How many refusals the row stands for (one row per address, status and 5 minutes); nothing for one. */
    private static function timesHtml(int $times): string
    {
        if ($times <= 1) {
            return '';
        }
        $replace = ['#TIMES#' => (string) $times];
        return '<span title="' . Html::e(self::message('RETAILLAB_CASHBACK_GRID_TIMES_TITLE', $replace)) . '">'
            . Html::e(self::message('RETAILLAB_CASHBACK_GRID_TIMES', $replace)) . '</span>';
    }

    /** PAGE_SIZES of main.ui.grid. @return list<array{NAME: string, VALUE: string}> */
    public static function pageSizes(): array
    {
        return array_map(static fn (int $size): array => ['NAME' => (string) $size, 'VALUE' => (string) $size], self::PAGE_SIZES);
    }

    /** A page size from the grid's saved options, limited to the offered sizes. */
    public static function pageSize(mixed $requested): int
    {
        $size = is_numeric($requested) ? (int) $requested : self::DEFAULT_PAGE_SIZE;
        return in_array($size, self::PAGE_SIZES, true) ? $size : self::DEFAULT_PAGE_SIZE;
    }

    /** Plain text; an unknown status is shown as it is. */
    public static function statusLabel(string $status): string
    {
        return in_array($status, SyncLogFilter::statuses(), true)
            ? self::message('RETAILLAB_CASHBACK_GRID_STATUS_' . strtoupper($status))
            : $status;
    }

    private function columnName(string $id): string
    {
        return self::message('RETAILLAB_CASHBACK_GRID_COL_' . $id);
    }

    /** @param array<string, string> $replace */
    private static function message(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, $replace === [] ? null : $replace) ?? $code;
    }
}
