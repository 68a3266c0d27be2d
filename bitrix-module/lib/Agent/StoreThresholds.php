<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

/**
 * Makes the ledger's per-store silence thresholds equal the module option
 * store_silence_hours, which is the source of truth: stores named there get
 * their threshold (and are registered, so they are watched before their first
 * request); stores with a threshold the option no longer names go back to the
 * default. Writes only what differs, so calling it before every listing is cheap.
 */
final class StoreThresholds
{
    /**
     * @param array<string, int> $storeHours store_id => hours (>= 1), as SilencePolicy cleans them
     * @return array<string, string> store_id => why the ledger refused it (a bad store id in the option)
     * @throws \CashbackException on database faults
     */
    public static function sync(\CashbackLedger $ledger, array $storeHours): array
    {
        $current = [];
        foreach ($ledger->storeActivity() as $store) {
            $current[(string) $store['store_id']] = $store['silence_hours'] === null ? null : (int) $store['silence_hours'];
        }
        $problems = [];
        foreach ($storeHours as $storeId => $hours) {
            $storeId = (string) $storeId;
            if (array_key_exists($storeId, $current) && $current[$storeId] === $hours) {
                continue;
            }
            self::register($ledger, $storeId, $hours, $problems);
        }
        foreach ($current as $storeId => $hours) {
            if ($hours !== null && !array_key_exists($storeId, $storeHours)) {
                self::register($ledger, (string) $storeId, 0, $problems);
            }
        }
        return $problems;
    }

    /** @param array<string, string> $problems */
    private static function register(\CashbackLedger $ledger, string $storeId, int $hours, array &$problems): void
    {
        try {
            $ledger->registerStore($storeId, null, $hours);
        } catch (\CashbackException $e) {
            if ($e->getErrorCode() !== 'invalid_store') {
                throw $e;
            }
            $problems[$storeId] = $e->getMessage();
        }
    }
}
