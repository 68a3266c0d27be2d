<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\DashboardData;
use Cashback\Admin\Html;
use Cashback\Admin\Labels;
use Cashback\Admin\LogQuery;

/** The sync log: filter form, table and paging links. */
final class SyncLogSection
{
    private const COLUMNS = ['col_time', 'col_client', 'col_address', 'col_store', 'col_endpoint', 'col_external_id', 'col_status', 'col_error', 'col_duration'];

    public function __construct(
        private readonly Labels $labels,
        private readonly Format $format,
        private readonly string $dashboardPath,
        private readonly string $timezone,
    ) {
    }

    public function render(LogQuery $query, DashboardData $data): string
    {
        $t = $this->labels;
        return '<section class="panel" id="sync-log">'
            . '<h2>' . Html::e($t->get('sync_log')) . '</h2>'
            . $this->filterForm($query, $data->stores)
            . $this->problems($query, $data)
            . '<div class="table-wrap"><table id="sync-log-table"><thead><tr>'
            . implode('', array_map(fn (string $key): string => '<th scope="col">' . Html::e($t->get($key)) . '</th>', self::COLUMNS))
            . '</tr></thead><tbody>' . $this->rows($data->logRows) . '</tbody></table></div>'
            . $this->pager($query, $data)
            . '</section>';
    }

    /** @param list<array<string, mixed>> $stores */
    private function filterForm(LogQuery $query, array $stores): string
    {
        $t = $this->labels;
        $storeIds = array_column($stores, 'store_id');
        if ($query->store !== '' && !in_array($query->store, $storeIds, true)) {
            // Keep a filter on a store the registry does not know (yet) selectable.
            $storeIds[] = $query->store;
        }
        sort($storeIds, SORT_STRING);
        $storeOptions = $this->option('', $t->get('any'), $query->store);
        foreach ($storeIds as $storeId) {
            $storeOptions .= $this->option((string) $storeId, (string) $storeId, $query->store);
        }
        $statusOptions = $this->option('', $t->get('any'), $query->status);
        foreach (LogQuery::statuses() as $status) {
            $statusOptions .= $this->option($status, $t->get('status_' . $status), $query->status);
        }
        return '<form method="get" action="' . Html::e($this->dashboardPath) . '" class="filters" id="log-filter">'
            . $this->field('store', 'filter_store', '<select id="f-store" name="store">' . $storeOptions . '</select>')
            . $this->field('status', 'filter_status', '<select id="f-status" name="status">' . $statusOptions . '</select>')
            . $this->field('from', 'filter_from', '<input type="datetime-local" id="f-from" name="from" value="' . Html::e($query->from) . '">')
            . $this->field('to', 'filter_to', '<input type="datetime-local" id="f-to" name="to" value="' . Html::e($query->to) . '">')
            . $this->field('external_id', 'filter_external_id', '<input type="search" id="f-external_id" name="external_id" maxlength="128" value="' . Html::e($query->externalId) . '">')
            . $this->field('limit', 'filter_limit', '<input type="number" id="f-limit" name="limit" min="1" max="' . LogQuery::MAX_LIMIT . '" value="' . Html::e($query->limit) . '">')
            . '<div class="filter-actions"><button type="submit">' . Html::e($t->get('filter_apply')) . '</button>'
            . '<a href="' . Html::e($this->dashboardPath) . '">' . Html::e($t->get('filter_reset')) . '</a></div>'
            . '<p class="hint">' . Html::e($t->get('times_in_zone', $this->timezone)) . '</p>'
            . '</form>';
    }

    private function field(string $name, string $labelKey, string $control): string
    {
        return '<div class="field"><label for="f-' . Html::e($name) . '">' . Html::e($this->labels->get($labelKey)) . '</label>' . $control . '</div>';
    }

    private function option(string $value, string $text, string $selected): string
    {
        return '<option value="' . Html::e($value) . '"' . ($value === $selected ? ' selected' : '') . '>' . Html::e($text) . '</option>';
    }

    private function problems(LogQuery $query, DashboardData $data): string
    {
        $messages = array_map(fn (array $problem): string => $this->labels->get(...$problem), $query->problems);
        if ($data->logRefusal !== null) {
            $messages[] = $this->labels->get('log_query_refused', $data->logRefusal);
        }
        if ($messages === []) {
            return '';
        }
        return '<ul class="notice notice-error" id="filter-problems">'
            . implode('', array_map(static fn (string $m): string => '<li>' . Html::e($m) . '</li>', $messages))
            . '</ul>';
    }

    /** @param list<array<string, mixed>> $rows */
    private function rows(array $rows): string
    {
        if ($rows === []) {
            return '<tr class="empty"><td colspan="' . count(self::COLUMNS) . '">' . Html::e($this->labels->get('no_log_rows')) . '</td></tr>';
        }
        $html = '';
        foreach ($rows as $row) {
            $html .= '<tr data-id="' . Html::e((int) $row['id']) . '">'
                . '<td class="time"><time datetime="' . Html::e($row['at']) . '">' . Html::e($this->format->time($row['at'])) . '</time></td>'
                . $this->cell($row['client'], 'client')
                . $this->cell($row['address'] ?? null, 'address')
                . $this->cell($row['store_id'], 'store')
                . $this->cell($row['endpoint'], 'endpoint')
                . $this->cell($row['external_id'], 'external-id')
                . '<td class="status">' . $this->statusBadge((string) $row['status']) . $this->times((int) ($row['times'] ?? 1)) . '</td>'
                . $this->cell($row['error'], 'error')
                . '<td class="duration num">' . Html::e($this->format->milliseconds((int) $row['duration_ms'])) . '</td>'
                . '</tr>';
        }
        return $html;
    }

    private function statusBadge(string $status): string
    {
        // The class name comes from the vocabulary, never from the data.
        $known = in_array($status, LogQuery::statuses(), true);
        return '<span class="badge ' . ($known ? 'status-' . $status : 'status-other') . '"'
            . ($known ? ' title="' . Html::e($this->labels->get('status_' . $status)) . '"' : '') . '>' . Html::e($status) . '</span>';
    }

    /** How many refusals the row stands for (one row per address, status and 5 minutes); nothing for one. */
    private function times(int $times): string
    {
        if ($times <= 1) {
            return '';
        }
        return ' <span class="times" title="' . Html::e($this->labels->get('times_title', $times)) . '">'
            . Html::e($this->labels->get('times', $times)) . '</span>';
    }

    private function cell(mixed $value, string $class): string
    {
        if ($value === null || $value === '') {
            return '<td class="' . $class . ' none">—</td>';
        }
        return '<td class="' . $class . '">' . Html::e((string) $value) . '</td>';
    }

    private function pager(LogQuery $query, DashboardData $data): string
    {
        $t = $this->labels;
        $links = [];
        if ($query->cursor !== null) {
            $links[] = '<a id="page-newest" href="' . Html::e(Html::url($this->dashboardPath, $query->linkParams())) . '">' . Html::e($t->get('page_newest')) . '</a>';
        }
        if ($data->nextCursor !== null) {
            $links[] = '<a id="page-older" rel="next" href="' . Html::e(Html::url($this->dashboardPath, $query->linkParams($data->nextCursor))) . '">' . Html::e($t->get('page_older')) . '</a>';
        }
        return '<nav class="pager"><span class="count">' . Html::e($t->get('rows_shown', count($data->logRows))) . '</span>'
            . implode('', $links) . '</nav>';
    }
}
