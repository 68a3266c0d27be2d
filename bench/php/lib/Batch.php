<?php

declare(strict_types=1);

namespace CashbackBench;

/**
 * The benchmark batch: a deterministic mix of what a day of 1C uploads holds.
 *
 * The same algorithm is written in Rust in bench/common/mod.rs (for the
 * criterion benches and the storage-limit program); bench/smoke.sh checks that
 * both produce the same items for the same prefix and seed.
 *
 * A "yesterday" batch (accruals and debits, applied first and not timed) gives
 * today's batch something already in the ledger to resend, release and reverse.
 * Today's batch mixes, over USERS customers: accruals (amounts as decimal
 * strings, integers and floats), debits (some larger than the balance),
 * releases of earlier debits (some exceeding them, some naming another
 * customer's debit), reversals of earlier accruals, exact resends (duplicates),
 * resends with another amount (conflicts) and plain rejects (bad phone,
 * unknown customer, ambiguous phone, bad amount, missing type, unknown field,
 * bad date).
 */
final class Batch
{
    /** Customers 1..USERS; customer u has phone PHONE_PREFIX . sprintf('%07d', u). */
    public const USERS = 1000;
    public const PHONE_PREFIX = '7900';
    /** Linked to customers 1 and 2, neither verified: phone_ambiguous. */
    public const AMBIGUOUS_PHONE = '79990000001';
    /** Items name store-1 .. store-STORES; bench/php/setup.php registers them. */
    public const STORES = 20;

    private int $state;
    /** @var list<array> */
    private array $earlier = [];
    /** @var list<array{0: string, 1: int, 2: int}> external_id, user, kopecks */
    private array $debits = [];
    /** @var list<array{0: string, 1: int, 2: int}> */
    private array $accruals = [];

    private function __construct(int $seed, private readonly int $users)
    {
        $this->state = ($seed & 0xffffffff) ?: 1;
    }

    /**
     * @return array{0: list<array>, 1: list<array>} [yesterday, today]
     */
    public static function generate(string $prefix, int $seed, int $yesterday, int $today, int $users = self::USERS): array
    {
        $gen = new self($seed, $users);
        $old = [];
        for ($i = 0; $i < $yesterday; $i++) {
            $old[] = $gen->yesterdayItem(sprintf('%s-y%05d', $prefix, $i));
        }
        $new = [];
        for ($i = 0; $i < $today; $i++) {
            $new[] = $gen->todayItem(sprintf('%s-%06d', $prefix, $i));
        }
        return [$old, $new];
    }

    public static function phone(int $user): string
    {
        return self::PHONE_PREFIX . sprintf('%07d', $user);
    }

    /** xorshift32: the same sequence in PHP and Rust. */
    private function next(): int
    {
        $x = $this->state;
        $x ^= ($x << 13) & 0xffffffff;
        $x ^= $x >> 17;
        $x ^= ($x << 5) & 0xffffffff;
        $this->state = $x;
        return $x;
    }

    private function rand(int $n): int
    {
        return $this->next() % $n;
    }

    private function userRef(int $user): array
    {
        $digits = self::phone($user);
        $national = substr($digits, 1);
        return match ($this->rand(4)) {
            0 => ['user_phone' => $digits],
            1 => ['user_phone' => sprintf('8 (%s) %s-%s-%s', substr($national, 0, 3), substr($national, 3, 3), substr($national, 6, 2), substr($national, 8, 2))],
            2 => ['user_phone' => sprintf('+7 %s %s-%s-%s', substr($national, 0, 3), substr($national, 3, 3), substr($national, 6, 2), substr($national, 8, 2))],
            default => ['user_id' => $user],
        };
    }

    /** An amount of $kopecks in one of the three forms 1C and Bitrix send; returns [value, kopecks meant]. */
    private function amount(int $kopecks): array
    {
        return match ($this->rand(3)) {
            0 => [sprintf('%d.%02d', intdiv($kopecks, 100), $kopecks % 100), $kopecks],
            1 => [intdiv($kopecks, 100), intdiv($kopecks, 100) * 100],
            default => [(float) $kopecks / 100.0, $kopecks],
        };
    }

    private function tail(array $item): array
    {
        $store = $this->rand(self::STORES) + 1;
        $item['description'] = sprintf('Store %d, register %d', $store, $this->rand(5) + 1);
        $item['store_id'] = "store-$store";
        $item['created_at'] = sprintf('2026-11-%02dT%02d:%02d:%02d', 26 + $this->rand(2), 8 + $this->rand(14), $this->rand(60), $this->rand(60))
            . ($this->rand(4) === 0 ? '+03:00' : '');
        return $item;
    }

    private function accrual(string $id): array
    {
        $user = $this->rand($this->users) + 1;
        [$value, $kopecks] = $this->amount($this->rand(50000) + 100);
        $item = $this->tail(['external_id' => $id, 'type' => 'accrual', 'amount' => $value] + $this->userRef($user));
        $this->accruals[] = [$id, $user, $kopecks];
        return $item;
    }

    private function debit(string $id): array
    {
        $user = $this->rand($this->users) + 1;
        [$value, $kopecks] = $this->amount($this->rand(20000) + 100);
        $item = $this->tail(['external_id' => $id, 'type' => 'debit', 'amount' => $value] + $this->userRef($user));
        $this->debits[] = [$id, $user, $kopecks];
        return $item;
    }

    private function yesterdayItem(string $id): array
    {
        $item = $this->rand(100) < 70 ? $this->accrual($id) : $this->debit($id);
        $this->earlier[] = $item;
        return $item;
    }

    private function todayItem(string $id): array
    {
        $roll = $this->rand(100);
        if ($roll < 48) {
            $item = $this->accrual($id);
        } elseif ($roll < 68) {
            $item = $this->debit($id);
        } elseif ($roll < 73 && $this->debits !== []) {
            // A release gives back part of an earlier debit (sometimes more, sometimes another customer's).
            [$original, $user, $kopecks] = $this->debits[$this->rand(count($this->debits))];
            $amount = $this->rand(10) === 0 ? $kopecks + 100 : $this->rand($kopecks) + 1;
            if ($this->rand(10) === 0) {
                $user = $this->rand($this->users) + 1;
            }
            $item = $this->tail(['external_id' => $id, 'type' => 'release', 'amount' => sprintf('%d.%02d', intdiv($amount, 100), $amount % 100)]
                + $this->userRef($user) + ['original_external_id' => $original]);
        } elseif ($roll < 76 && $this->accruals !== []) {
            // A reversal takes back part of an earlier accrual (a negative accrual naming it).
            [$original, $user, $kopecks] = $this->accruals[$this->rand(count($this->accruals))];
            $amount = $this->rand($kopecks) + 1;
            $item = $this->tail(['external_id' => $id, 'type' => 'accrual', 'amount' => sprintf('-%d.%02d', intdiv($amount, 100), $amount % 100)]
                + $this->userRef($user) + ['original_external_id' => $original]);
        } elseif ($roll < 86 && $this->earlier !== []) {
            // An exact resend: a duplicate (or the same refusal again).
            return $this->earlier[$this->rand(count($this->earlier))];
        } elseif ($roll < 89 && $this->earlier !== []) {
            // The same external_id with another amount: a conflict.
            $item = $this->earlier[$this->rand(count($this->earlier))];
            $item['amount'] = sprintf('%d.%02d', $this->rand(900) + 1, $this->rand(100));
            return $item;
        } else {
            $item = $this->reject($id);
        }
        $this->earlier[] = $item;
        return $item;
    }

    private function reject(string $id): array
    {
        $user = $this->rand($this->users) + 1;
        $base = ['external_id' => $id, 'type' => 'accrual', 'amount' => '10.00'] + $this->userRef($user);
        $item = match ($this->rand(7)) {
            0 => ['user_phone' => '12345'] + array_diff_key($base, ['user_id' => 1]),
            1 => ['user_phone' => sprintf('7998%07d', $this->rand(10000000))] + array_diff_key($base, ['user_id' => 1]),
            2 => ['user_phone' => self::AMBIGUOUS_PHONE] + array_diff_key($base, ['user_id' => 1]),
            3 => ['amount' => '1.234'] + $base,
            4 => array_diff_key($base, ['type' => 1]),
            5 => $base + ['descripton' => 'typo'],
            default => $base + ['created_at' => 'yesterday'],
        };
        // Keys in a fixed order, so that PHP and Rust build the same JSON.
        $ordered = [];
        foreach (['external_id', 'type', 'amount', 'user_phone', 'user_id', 'descripton', 'created_at'] as $key) {
            if (array_key_exists($key, $item)) {
                $ordered[$key] = $item[$key];
            }
        }
        return $ordered;
    }
}
