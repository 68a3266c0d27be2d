<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\Html;
use Cashback\Admin\Labels;

/** The silent-stores alert panel and the per-store activity table. */
final class StoreTables
{
    public function __construct(
        private readonly Labels $labels,
        private readonly Format $format,
        private readonly int $defaultSilenceHours,
    ) {
    }

    /** @param list<array<string, mixed>> $silent silentStores() rows */
    public function silentPanel(array $silent): string
    {
        $t = $this->labels;
        if ($silent === []) {
            return '<section class="panel panel-ok" id="silent-stores">'
                . '<h2>' . Html::e($t->get('silent_stores')) . '</h2>'
                . '<p>' . Html::e($t->get('silent_none', $this->defaultSilenceHours)) . '</p></section>';
        }
        return '<section class="panel panel-warn" id="silent-stores">'
            . '<h2>' . Html::e($t->get('silent_stores')) . ' <span class="count-badge">' . count($silent) . '</span></h2>'
            . '<p>' . Html::e($t->get('silent_intro', $this->defaultSilenceHours)) . '</p>'
            . $this->table('silent-stores-table', $silent)
            . '</section>';
    }

    /** @param list<array<string, mixed>> $stores storeActivity() rows */
    public function activityTable(array $stores): string
    {
        $t = $this->labels;
        $body = $stores === []
            ? '<p class="none">' . Html::e($t->get('no_stores')) . '</p>'
            : $this->table('store-activity-table', $stores);
        return '<section class="panel" id="store-activity">'
            . '<h2>' . Html::e($t->get('store_activity')) . '</h2>' . $body . '</section>';
    }

    /** @param list<array<string, mixed>> $stores */
    private function table(string $id, array $stores): string
    {
        $t = $this->labels;
        $head = '';
        foreach (['col_store', 'col_name', 'col_last_seen', 'col_silent_for', 'col_threshold'] as $key) {
            $head .= '<th scope="col">' . Html::e($t->get($key)) . '</th>';
        }
        $rows = '';
        foreach ($stores as $store) {
            $lastSeen = $store['last_seen_at'] === null
                ? '<td class="last-seen never">' . Html::e($t->get('never_seen')) . '</td>'
                : '<td class="last-seen"><time datetime="' . Html::e($store['last_seen_at']) . '">' . Html::e($this->format->time($store['last_seen_at'])) . '</time></td>';
            $name = $store['name'] ?? null;
            $ownHours = $store['silence_hours'] ?? null;
            $rows .= '<tr>'
                . '<td class="store">' . Html::e((string) $store['store_id']) . '</td>'
                . ($name === null || $name === '' ? '<td class="name none">—</td>' : '<td class="name">' . Html::e((string) $name) . '</td>')
                . $lastSeen
                . '<td class="silent-for">' . Html::e($this->format->silence((int) $store['silent_for_seconds'])) . '</td>'
                . '<td class="threshold">' . Html::e($this->format->threshold($ownHours === null ? null : (int) $ownHours, $this->defaultSilenceHours)) . '</td>'
                . '</tr>';
        }
        return '<div class="table-wrap"><table id="' . Html::e($id) . '"><thead><tr>' . $head . '</tr></thead><tbody>' . $rows . '</tbody></table></div>';
    }
}
