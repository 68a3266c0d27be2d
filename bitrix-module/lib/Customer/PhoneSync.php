<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Customer;

use Retaillab\Cashback\Event\Log;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Options;

/**
 * Keeps the ledger's phone index equal to the phones a Bitrix user has, so
 * that a register finding a customer by phone finds the site's user.
 *
 * Every sync re-reads all of the user's phones by ID and replaces the user's
 * index entries as a whole: numbers are normalized by the ledger's own rules
 * (CashbackLedger::normalizePhone, the same the API lookup uses), a number that
 * cannot be normalized is skipped and logged, never fatal, and a number found
 * in several places is linked once, verified if any of its places is verified.
 */
final class PhoneSync
{
    private readonly \Closure $log;

    /**
     * @param string|null $region The ledger's default_region, so that numbers are read as the ledger
     *     reads them; null: the cashback.default_region ini setting.
     */
    public function __construct(
        private readonly \CashbackLedger $ledger,
        private readonly UserPhoneSource $source,
        ?\Closure $log = null,
        private readonly ?string $region = null,
    ) {
        $this->log = $log ?? Log::writer();
    }

    /** Wired for a Bitrix site: the module's ledger and the user tables. */
    public static function create(): self
    {
        return new self(LedgerFactory::open(), new BitrixUserPhoneSource(), null, Options::defaultRegion());
    }

    /**
     * Rebuilds the user's phone index (also used by the reindex page).
     *
     * @throws \CashbackException when the ledger cannot be written (database_busy, …)
     */
    public function syncUser(int $userId): void
    {
        $this->sync($userId);
    }

    /** @throws \CashbackException */
    public function sync(int $userId): PhoneSyncResult
    {
        if ($userId <= 0) {
            throw new \InvalidArgumentException("user id must be positive, got $userId");
        }
        $found = $this->source->phonesOf($userId);
        if ($found === null) {
            return new PhoneSyncResult($userId, false, [], [], $this->ledger->unlinkUser($userId));
        }

        /** @var array<string, bool> $merged normalized phone => verified */
        $merged = [];
        $skipped = [];
        foreach ($found as $candidate) {
            try {
                $normalized = \CashbackLedger::normalizePhone($candidate->phone, $this->region);
            } catch (\CashbackException $e) {
                $skipped[] = ['origin' => $candidate->origin, 'phone' => Log::maskPhone($candidate->phone), 'error' => $e->getErrorCode()];
                ($this->log)(sprintf(
                    'user %d: %s "%s" skipped (%s: %s)',
                    $userId,
                    $candidate->origin,
                    Log::maskPhone($candidate->phone),
                    $e->getErrorCode(),
                    $e->getMessage(),
                ));
                continue;
            }
            $merged[$normalized] = ($merged[$normalized] ?? false) || $candidate->verified;
        }

        $phones = [];
        foreach ($merged as $phone => $verified) {
            $phones[] = ['phone' => (string) $phone, 'verified' => $verified];
        }
        // Handed back with the +: the ledger reads bare digits as a number of its own region, so a
        // foreign number's normalized digits (375291234567 in a Russian ledger) would be refused.
        $this->ledger->replaceUserPhones($userId, array_map(
            static fn (array $phone): array => ['phone' => '+' . $phone['phone']] + $phone,
            $phones,
        ));
        return new PhoneSyncResult($userId, true, $phones, $skipped);
    }

    /** Removes every phone of a deleted user; returns how many were linked. */
    public function unlinkUser(int $userId): int
    {
        return $this->ledger->unlinkUser($userId);
    }
}
