<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Agent\SilencePolicy;
use Retaillab\Cashback\Agent\StoreThresholds;

Loc::loadMessages(__FILE__);

/**
 * The panel of silent stores above the sync log: which stores sent nothing
 * for longer than their threshold, since when, and which threshold applies.
 * The thresholds come from the module option (StoreThresholds::sync() first),
 * so the panel and the alert agent always agree.
 */
final class SilentStoresPanel
{
    /**
     * @param list<array{store_id: string, name: ?string, silence_hours: ?int, last_seen_at: ?string, silent_for_seconds: int}> $stores
     * @param array<string, string> $thresholdProblems store_id => why the option's threshold was refused
     */
    public function __construct(
        private readonly array $stores,
        private readonly int $defaultHours,
        private readonly TimeFormat $format,
        public readonly array $thresholdProblems = [],
    ) {
    }

    /** @throws \CashbackException when the ledger fails */
    public static function load(\CashbackLedger $ledger, SilencePolicy $policy, TimeFormat $format): self
    {
        $problems = StoreThresholds::sync($ledger, $policy->storeHours);
        return new self($ledger->silentStores($policy->defaultHours), $policy->defaultHours, $format, $problems);
    }

    /**
     * Plain-text rows, in the ledger's order (longest known activity gap last).
     *
     * @return list<array{store_id: string, name: string, last_seen: string, silent_for: string, threshold: string}>
     */
    public function rows(): array
    {
        $rows = [];
        foreach ($this->stores as $store) {
            $rows[] = [
                'store_id' => (string) $store['store_id'],
                'name' => trim((string) ($store['name'] ?? '')),
                'last_seen' => $store['last_seen_at'] === null
                    ? self::message('RETAILLAB_CASHBACK_SILENT_NEVER')
                    : $this->format->dateTime($store['last_seen_at']),
                'silent_for' => $this->format->duration((int) $store['silent_for_seconds']),
                'threshold' => $store['silence_hours'] === null
                    ? self::message('RETAILLAB_CASHBACK_SILENT_THRESHOLD_DEFAULT', ['#HOURS#' => (string) $this->defaultHours])
                    : self::message('RETAILLAB_CASHBACK_SILENT_THRESHOLD_OWN', ['#HOURS#' => (string) (int) $store['silence_hours']]),
            ];
        }
        return $rows;
    }

    public function count(): int
    {
        return count($this->stores);
    }

    /** The panel, in the admin area's list-table style; every value escaped. */
    public function html(): string
    {
        $title = '<h3 style="margin:0 0 8px">' . Html::e(self::message('RETAILLAB_CASHBACK_SILENT_TITLE'))
            . ($this->stores === [] ? '' : ' <span style="color:#b00">(' . count($this->stores) . ')</span>') . '</h3>';
        if ($this->stores === []) {
            return '<div class="adm-detail-content-wrap retaillab-cashback-silent" style="padding:12px;margin-bottom:16px">' . $title
                . '<p style="margin:0">' . Html::e(self::message('RETAILLAB_CASHBACK_SILENT_NONE', ['#HOURS#' => (string) $this->defaultHours])) . '</p></div>';
        }
        $head = '';
        foreach (['STORE', 'NAME', 'LAST_SEEN', 'SILENT_FOR', 'THRESHOLD'] as $column) {
            $head .= '<td class="adm-list-table-cell">' . Html::e(self::message('RETAILLAB_CASHBACK_SILENT_COL_' . $column)) . '</td>';
        }
        $body = '';
        foreach ($this->rows() as $row) {
            $body .= '<tr class="adm-list-table-row">';
            foreach (['store_id', 'name', 'last_seen', 'silent_for', 'threshold'] as $key) {
                $body .= '<td class="adm-list-table-cell">' . ($row[$key] === '' ? '—' : Html::e($row[$key])) . '</td>';
            }
            $body .= '</tr>';
        }
        return '<div class="adm-detail-content-wrap retaillab-cashback-silent" style="padding:12px;margin-bottom:16px">' . $title
            . '<table class="adm-list-table"><thead><tr class="adm-list-table-header">' . $head . '</tr></thead>'
            . '<tbody>' . $body . '</tbody></table></div>';
    }

    /** @param array<string, string> $replace */
    private static function message(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, $replace === [] ? null : $replace) ?? $code;
    }
}
