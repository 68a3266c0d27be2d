<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Admin\Html;
use Retaillab\Cashback\Admin\TimeFormat;
use Retaillab\Cashback\Notify\Notifier;

Loc::loadMessages(__FILE__);

/**
 * Store-silence alerting, the logic behind SilenceAgent.
 *
 * A store is silent when it sent nothing for longer than its threshold. For a
 * store that becomes silent the monitor shows one admin sticker (tagged per
 * store, so a repeat replaces it) and queues one mail; while it stays silent
 * nothing more is sent (an administrator who closed the sticker is not nagged
 * every 15 minutes). When the store speaks again its sticker is removed and it
 * is forgotten, so a later silence alerts afresh. Which stores were alerted is
 * kept in a StateStore (a module option), because each agent run is a new
 * process. A store is remembered only once both its sticker and its mail went
 * out; a failure is retried on the next run.
 */
final class SilenceMonitor
{
    public const MAIL_EVENT = 'RETAILLAB_CASHBACK_STORE_SILENT';
    public const TAG_PREFIX = 'RETAILLAB_CASHBACK_SILENT_';
    public const LOG_PAGE = '/bitrix/admin/retaillab_cashback_log.php';

    /** @var callable(): int */
    private $clock;

    /** @param (callable(): int)|null $clock Unix seconds; time() by default. */
    public function __construct(
        private readonly \CashbackLedger $ledger,
        private readonly SilencePolicy $policy,
        private readonly Notifier $notifier,
        private readonly StateStore $state,
        private readonly TimeFormat $format = new TimeFormat(),
        private readonly string $language = 'ru',
        ?callable $clock = null,
    ) {
        $this->clock = $clock ?? time(...);
    }

    /**
     * The sticker tag of a store. Ids of plain characters are kept readable;
     * any other id (spaces, Cyrillic, quotes, up to 64 characters) becomes a
     * hash behind a '.', which a plain id cannot contain, so tags never collide.
     */
    public static function tag(string $storeId): string
    {
        return self::TAG_PREFIX . (preg_match('/^[A-Za-z0-9_-]{1,64}$/', $storeId) === 1 ? $storeId : '.' . sha1($storeId));
    }

    /** @throws \CashbackException when the ledger cannot be read; nothing is notified then */
    public function check(): SilenceReport
    {
        $thresholdProblems = StoreThresholds::sync($this->ledger, $this->policy->storeHours);
        $silent = [];
        foreach ($this->ledger->silentStores($this->policy->defaultHours) as $store) {
            $silent[(string) $store['store_id']] = $store;
        }
        $alerted = [];
        foreach ((array) ($this->state->load()['alerted'] ?? []) as $storeId => $since) {
            $alerted[(string) $storeId] = (int) $since;
        }

        $newly = $still = $recovered = $failures = [];
        foreach ($silent as $storeId => $store) {
            if (isset($alerted[$storeId])) {
                $still[] = $storeId;
                continue;
            }
            try {
                $this->alert($store);
                $alerted[$storeId] = ($this->clock)();
                $newly[] = $storeId;
            } catch (\Exception $e) {
                $failures[$storeId] = $e->getMessage();
            }
        }
        foreach (array_keys($alerted) as $storeId) {
            if (isset($silent[$storeId])) {
                continue;
            }
            try {
                $this->notifier->deleteSticker(self::tag($storeId));
                unset($alerted[$storeId]);
                $recovered[] = $storeId;
            } catch (\Exception $e) {
                $failures[$storeId] = $e->getMessage();
            }
        }
        $this->state->save(['alerted' => $alerted]);

        return new SilenceReport($newly, $still, $recovered, $failures, $thresholdProblems, $this->policy->notifyEmail === '');
    }

    /** @param array{store_id: string, name: ?string, silence_hours: ?int, last_seen_at: ?string, silent_for_seconds: int} $store */
    private function alert(array $store): void
    {
        $storeId = (string) $store['store_id'];
        $name = trim((string) ($store['name'] ?? ''));
        $lastSeen = $store['last_seen_at'] === null
            ? $this->message('RETAILLAB_CASHBACK_SILENCE_NEVER_SEEN')
            : $this->format->dateTime($store['last_seen_at']);
        $hours = intdiv(max(0, (int) $store['silent_for_seconds']), 3600);
        $threshold = $store['silence_hours'] === null ? $this->policy->defaultHours : (int) $store['silence_hours'];
        $url = self::LOG_PAGE . '?' . http_build_query(['lang' => $this->language, 'apply_filter' => 'Y', 'STORE_ID' => $storeId]);

        $this->notifier->addSticker(self::tag($storeId), $this->message('RETAILLAB_CASHBACK_SILENCE_STICKER', [
            '#STORE#' => Html::e($name === '' ? $storeId : "$name ($storeId)"),
            '#HOURS#' => (string) $hours,
            '#THRESHOLD#' => (string) $threshold,
            '#LAST_SEEN#' => Html::e($lastSeen),
            '#URL#' => Html::e($url),
        ]));
        if ($this->policy->notifyEmail !== '') {
            $this->notifier->sendMail(self::MAIL_EVENT, [
                'STORE_ID' => $storeId,
                'STORE_NAME' => $name === '' ? $storeId : $name,
                'LAST_SEEN' => $lastSeen,
                'HOURS' => (string) $hours,
                'THRESHOLD_HOURS' => (string) $threshold,
                'EMAIL_TO' => $this->policy->notifyEmail,
            ]);
        }
    }

    /** @param array<string, string> $replace */
    private function message(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, $replace) ?? $code;
    }
}
