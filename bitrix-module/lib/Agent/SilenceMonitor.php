<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Admin\Html;
use Retaillab\Cashback\Admin\TimeFormat;
use Retaillab\Cashback\Notify\Notifier;
use Retaillab\Cashback\Notify\NotifyException;

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
 *
 * Sticker tags: CAdminNotify::DeleteByTag() (which Add() also calls with the
 * new sticker's tag) deletes every sticker whose TAG is LIKE '%tag%', with _ and
 * % as wildcards and, on MySQL, no regard to case. So a store's tag must never
 * match another store's that way: see tag().
 */
final class SilenceMonitor
{
    public const MAIL_EVENT = 'RETAILLAB_CASHBACK_STORE_SILENT';
    /** Tags are TAG_PREFIX + id + TAG_END; '[' and ']' occur nowhere else in a tag. */
    public const TAG_PREFIX = 'RETAILLAB_CASHBACK_SILENT[';
    public const TAG_END = ']';

    /**
     * What every tag of versions before TAG_SCHEME = 2 contained (PREFIX + raw
     * id); the _ at the end also matches the '[' of the current tags.
     */
    public const LEGACY_TAG_PREFIX = 'RETAILLAB_CASHBACK_SILENT_';

    /** The tag scheme the saved state's stickers carry ('tags' in the state; absent: 1). */
    public const TAG_SCHEME = 2;
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
     * The sticker tag of a store. Ids of lower-case letters, digits and '-' are
     * kept readable; any other id (capitals, '_', '%', spaces, Cyrillic, quotes,
     * up to 64 characters) becomes '.' + its SHA-1, because '_' and '%' are LIKE
     * wildcards and MySQL compares without case. Tags are delimited by '[' and
     * ']', which neither the prefix nor an id part contains: a LIKE '%tag%' of one
     * store then matches its own tag only (the literal '[' and ']' pin it to
     * the whole tag, and the id part holds no wildcard).
     */
    public static function tag(string $storeId): string
    {
        $id = preg_match('/^[a-z0-9-]{1,64}$/', $storeId) === 1 ? $storeId : '.' . sha1($storeId);
        return self::TAG_PREFIX . $id . self::TAG_END;
    }

    /**
     * @throws \CashbackException when the ledger cannot be read; nothing is notified then
     * @throws NotifyException when the stickers of an older version cannot be removed (nothing notified either)
     */
    public function check(): SilenceReport
    {
        $thresholdProblems = StoreThresholds::sync($this->ledger, $this->policy->storeHours);
        $silent = [];
        foreach ($this->ledger->silentStores($this->policy->defaultHours) as $store) {
            $silent[(string) $store['store_id']] = $store;
        }
        $state = $this->state->load();
        $alerted = [];
        foreach ((array) ($state['alerted'] ?? []) as $storeId => $since) {
            $alerted[(string) $storeId] = (int) $since;
        }

        $newly = $still = $recovered = $failures = [];
        // Stickers of an older version carry tags that erase each other: remove them all once,
        // then show the stores still silent again under their new tags (their mail went out already).
        // A failure here throws before anything is notified or saved: the next run tries again.
        $restick = (int) ($state['tags'] ?? 1) < self::TAG_SCHEME && $alerted !== [];
        if ($restick) {
            $this->notifier->deleteStickersContaining(self::LEGACY_TAG_PREFIX);
        }
        foreach ($silent as $storeId => $store) {
            if (isset($alerted[$storeId])) {
                if ($restick) {
                    try {
                        $this->addSticker($store);
                    } catch (\Exception $e) {
                        // Forgotten: the next run alerts it afresh (sticker and mail).
                        unset($alerted[$storeId]);
                        $failures[$storeId] = $e->getMessage();
                        continue;
                    }
                }
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
        $this->state->save(['alerted' => $alerted, 'tags' => self::TAG_SCHEME]);

        return new SilenceReport($newly, $still, $recovered, $failures, $thresholdProblems, $this->policy->notifyEmail === '');
    }

    /** @param array{store_id: string, name: ?string, silence_hours: ?int, last_seen_at: ?string, silent_for_seconds: int} $store */
    private function alert(array $store): void
    {
        [$storeId, $name, $lastSeen, $hours, $threshold] = $this->addSticker($store);
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

    /**
     * Shows the store's sticker (replacing its own, and only its own, earlier one).
     *
     * @param array{store_id: string, name: ?string, silence_hours: ?int, last_seen_at: ?string, silent_for_seconds: int} $store
     * @return array{0: string, 1: string, 2: string, 3: int, 4: int} store id, name, last seen, hours silent, threshold
     */
    private function addSticker(array $store): array
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
        return [$storeId, $name, $lastSeen, $hours, $threshold];
    }

    /** @param array<string, string> $replace */
    private function message(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, $replace) ?? $code;
    }
}
