<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * What the reindex page shows: the progress bar (CAdminMessage PROGRESS),
 * the outcome, the buttons, and the hidden form that posts the next step
 * (the classic Bitrix stepwise pattern: each step is its own request, and
 * the page submits the next one itself until the run is finished or paused).
 */
final class ReindexView
{
    public const ACTION_START = 'start';
    public const ACTION_CONTINUE = 'continue';
    public const ACTION_RESET = 'reset';
    public const NEXT_FORM_ID = 'retaillab-cashback-reindex-next';

    /**
     * @return array<string, mixed>|null For CAdminMessage::ShowMessage(); null before any run.
     *     MESSAGE and DETAILS are HTML (HTML => true), escaped here.
     */
    public function message(?ReindexState $state, bool $running): ?array
    {
        if ($state === null) {
            return null;
        }
        $counts = self::text('RETAILLAB_CASHBACK_REINDEX_COUNTS', [
            '#DONE#' => (string) $state->done(),
            '#TOTAL#' => (string) $state->progressTotal(),
            '#PROCESSED#' => (string) $state->processed,
            '#FAILED#' => (string) $state->failed,
        ]);
        $details = Html::e($counts) . $this->errors($state);
        if (!$state->finished()) {
            return [
                'TYPE' => 'PROGRESS',
                'MESSAGE' => Html::e(self::text($running ? 'RETAILLAB_CASHBACK_REINDEX_RUNNING' : 'RETAILLAB_CASHBACK_REINDEX_PAUSED')),
                'DETAILS' => '#PROGRESS_BAR#<p>' . $details . '</p>',
                'HTML' => true,
                'PROGRESS_TOTAL' => $state->progressTotal(),
                'PROGRESS_VALUE' => $state->done(),
                'PROGRESS_ICON' => $running,
            ];
        }
        return [
            'TYPE' => $state->failed === 0 ? 'OK' : 'ERROR',
            'MESSAGE' => Html::e(self::text($state->failed === 0 ? 'RETAILLAB_CASHBACK_REINDEX_DONE' : 'RETAILLAB_CASHBACK_REINDEX_DONE_WITH_ERRORS')),
            'DETAILS' => $details,
            'HTML' => true,
        ];
    }

    /**
     * The buttons under the message: start (or start again), continue a paused
     * run, pause a running one, forget a run.
     *
     * @param string $sessidField bitrix_sessid_post() (trusted HTML)
     */
    public function controls(?ReindexState $state, bool $running, string $action, string $sessidField): string
    {
        $buttons = [];
        if ($running) {
            $buttons[] = '<a class="adm-btn" href="' . Html::e($action) . '" id="retaillab-cashback-reindex-pause"'
                . ' onclick="window.retaillabCashbackReindexPause && window.retaillabCashbackReindexPause();">'
                . Html::e(self::text('RETAILLAB_CASHBACK_REINDEX_PAUSE')) . '</a>';
        } else {
            if ($state !== null && !$state->finished()) {
                $buttons[] = $this->form($action, $sessidField, self::ACTION_CONTINUE, 'RETAILLAB_CASHBACK_REINDEX_CONTINUE', true);
            }
            $buttons[] = $this->form(
                $action,
                $sessidField,
                self::ACTION_START,
                $state === null ? 'RETAILLAB_CASHBACK_REINDEX_START' : 'RETAILLAB_CASHBACK_REINDEX_RESTART',
                $state === null || $state->finished(),
            );
            if ($state !== null) {
                $buttons[] = $this->form($action, $sessidField, self::ACTION_RESET, 'RETAILLAB_CASHBACK_REINDEX_RESET', false);
            }
        }
        return '<div class="retaillab-cashback-reindex-controls" style="margin:12px 0">' . implode(' ', $buttons) . '</div>';
    }

    /**
     * The hidden form that posts the next step, and the script that submits it
     * after a short pause (during which "Pause" can cancel it).
     */
    public function autoContinue(string $action, string $sessidField, int $delayMs = 300): string
    {
        return '<form method="post" action="' . Html::e($action) . '" id="' . self::NEXT_FORM_ID . '" style="display:none">'
            . $sessidField
            . '<input type="hidden" name="action" value="' . self::ACTION_CONTINUE . '">'
            . '</form>'
            . '<script>(function(){var timer=setTimeout(function(){document.getElementById(' . json_encode(self::NEXT_FORM_ID) . ').submit();},'
            . max(0, $delayMs) . ');window.retaillabCashbackReindexPause=function(){clearTimeout(timer);};})();</script>';
    }

    /** The explanation above the buttons. */
    public function intro(): string
    {
        return '<p>' . Html::e(self::text('RETAILLAB_CASHBACK_REINDEX_INTRO')) . '</p>';
    }

    private function form(string $action, string $sessidField, string $value, string $labelCode, bool $primary): string
    {
        return '<form method="post" action="' . Html::e($action) . '" style="display:inline">'
            . $sessidField
            . '<input type="hidden" name="action" value="' . Html::e($value) . '">'
            . '<input type="submit" class="adm-btn' . ($primary ? ' adm-btn-save' : '') . '" value="' . Html::e(self::text($labelCode)) . '">'
            . '</form>';
    }

    private function errors(ReindexState $state): string
    {
        if ($state->errors === []) {
            return '';
        }
        $items = '';
        foreach ($state->errors as $error) {
            $items .= '<li>' . Html::e(self::text('RETAILLAB_CASHBACK_REINDEX_ERROR_ITEM', [
                '#USER_ID#' => (string) $error['user_id'],
                '#MESSAGE#' => $error['message'],
            ])) . '</li>';
        }
        $more = $state->failed > count($state->errors)
            ? '<p>' . Html::e(self::text('RETAILLAB_CASHBACK_REINDEX_MORE_ERRORS', ['#COUNT#' => (string) ($state->failed - count($state->errors))])) . '</p>'
            : '';
        return '<ul style="margin:6px 0 0 18px;padding:0">' . $items . '</ul>' . $more;
    }

    /** @param array<string, string> $replace */
    private static function text(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, $replace === [] ? null : $replace) ?? $code;
    }
}
