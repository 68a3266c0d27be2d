<?php

declare(strict_types=1);

namespace CashbackBench;

/**
 * The ledger's rules that need no database, shared by the two pure-PHP
 * references (PureLedger on PDO SQLite, PureMysqlLedger on PDO MySQL):
 * validation of one transaction, amounts from decimal text without floats,
 * phone normalization, dates, and how a resend compares with what is stored.
 * Benchmark code only, never part of the product.
 *
 * The using class provides $zoneOffset (seconds east of UTC for dates without
 * an offset) and resolve() (a customer's id from a phone, or an error code).
 */
trait LedgerRules
{
    private const KNOWN_FIELDS = ['external_id', 'type', 'amount', 'user_id', 'user_phone', 'description', 'source', 'store_id', 'created_at', 'original_external_id'];
    private const KINDS = ['accrual' => 1, 'debit' => 2, 'release' => 3];
    private const KIND_NAMES = [1 => 'accrual', 2 => 'debit', 3 => 'release'];
    private const MAX_MINOR = 100_000_000_000;
    /** Unicode White_Space, as Rust's str::trim and char::is_whitespace. */
    private const SPACE = '[\x{9}-\x{d}\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]';

    /** The customer's id, or an error code: the single verified owner of a phone, else its only owner. */
    abstract private function resolve(array $tx): int|string;

    /** A resend: the same values are a duplicate, other values a conflict naming the fields. */
    private function compareWith(array $previous, array $tx): array
    {
        $fields = [];
        if ((int) $previous['kind'] !== $tx['kind']) {
            $fields[] = 'type';
        }
        if ((int) $previous['amount'] !== $tx['amount']) {
            $fields[] = 'amount';
        }
        if ($tx['user_phone'] !== null && $previous['phone'] !== null) {
            $sameUser = $tx['user_phone'] === $previous['phone'];
        } else {
            $resolved = $this->resolve($tx);
            $sameUser = is_int($resolved) && $resolved === (int) $previous['user_id'];
        }
        if (!$sameUser) {
            $fields[] = $tx['user_phone'] === null ? 'user_id' : 'user_phone';
        }
        if ($previous['original'] !== $tx['original_external_id']) {
            $fields[] = 'original_external_id';
        }
        if ($fields !== []) {
            return self::rejection($tx['external_id'], ['error' => 'external_id_conflict', 'fields' => $fields]);
        }
        return ['external_id' => $tx['external_id'], 'status' => 'duplicate', 'transaction_id' => (int) $previous['id'], 'user_id' => (int) $previous['user_id']];
    }

    private static function rejection(?string $externalId, array $error): array
    {
        $code = $error['error'];
        unset($error['error']);
        return ['external_id' => $externalId, 'status' => 'error', 'error' => $code] + $error;
    }

    /** Kopecks as the float a wire client expects: parsed from the exact decimal text, no float arithmetic. */
    public static function toJson(int $minor): float
    {
        return (float) sprintf('%s%d.%02d', $minor < 0 ? '-' : '', intdiv(abs($minor), 100), abs($minor) % 100);
    }

    // ------------------------------------------------------------ validation

    /** A validated transaction, or ['error' => code, ...]. */
    private function parse(mixed $value, int $now): array
    {
        if (!is_array($value) || (array_is_list($value) && $value !== [])) {
            return self::invalid('transaction', 'must be a JSON object');
        }
        foreach ($value as $key => $_) {
            if (!in_array((string) $key, self::KNOWN_FIELDS, true)) {
                return self::invalid('transaction', "unknown field \"$key\"");
            }
        }
        $externalId = self::text($value, 'external_id', 128, false);
        if (is_array($externalId) || $externalId === null) {
            return $externalId ?? self::invalid('external_id', 'is required');
        }
        $type = $value['type'] ?? null;
        if ($type === null) {
            return self::invalid('type', 'is required: accrual, debit or release');
        }
        if (!is_string($type)) {
            return self::invalid('type', 'must be a string: accrual, debit or release');
        }
        $kind = self::KINDS[$type] ?? null;
        if ($kind === null) {
            return self::invalid('type', "\"$type\" is not accrual, debit or release");
        }
        $amount = self::amount($value['amount'] ?? null);
        if (is_string($amount)) {
            return self::invalid('amount', $amount);
        }
        if ($amount === 0) {
            return self::invalid('amount', 'must not be zero');
        }
        if ($amount < 0 && $kind !== 1) {
            return self::invalid('amount', 'must be positive for ' . self::KIND_NAMES[$kind]);
        }
        $userId = null;
        $phone = null;
        $givenId = $value['user_id'] ?? null;
        $givenPhone = $value['user_phone'] ?? null;
        if ($givenId !== null && $givenPhone !== null) {
            return self::invalid('user_id', 'give user_id or user_phone, not both');
        } elseif ($givenId === null && $givenPhone === null) {
            return self::invalid('user_phone', 'is required (or user_id)');
        } elseif ($givenId !== null) {
            if (is_int($givenId)) {
                $userId = $givenId;
            } elseif (is_string($givenId) && preg_match('/^[0-9]{1,19}$/', $givenId) === 1 && is_int($givenId + 0)) {
                $userId = (int) $givenId;
            }
            if ($userId === null || $userId <= 0) {
                return self::invalid('user_id', 'must be a positive integer');
            }
        } else {
            if (is_int($givenPhone)) {
                $givenPhone = (string) $givenPhone;
            } elseif (is_float($givenPhone)) {
                $givenPhone = json_encode($givenPhone);
            } elseif (!is_string($givenPhone)) {
                return self::invalid('user_phone', 'must be a string');
            }
            $phone = self::normalizePhone($givenPhone);
            if ($phone === null) {
                return ['error' => 'invalid_phone'];
            }
        }
        $original = self::text($value, 'original_external_id', 128, false);
        if (is_array($original)) {
            return $original;
        }
        if ($kind === 3 && $original === null) {
            return self::invalid('original_external_id', 'is required for a release: name the debit it cancels');
        }
        if ($kind === 2 && $original !== null) {
            return self::invalid('original_external_id', 'is not allowed for a debit');
        }
        if ($kind === 1 && $original !== null && $amount > 0) {
            return self::invalid('original_external_id', 'is only allowed on a negative accrual (a reversal) or a release');
        }
        $description = self::text($value, 'description', 1000, true);
        if (is_array($description)) {
            return $description;
        }
        $source = $value['source'] ?? null;
        if ($source === null) {
            $source = '1c_retail';
        } elseif (!is_string($source) || preg_match('/^[a-z0-9_]{1,32}$/D', $source) !== 1) {
            return self::invalid('source', 'must be 1 to 32 characters of a-z, 0-9 and _ (like 1c_retail or web)');
        }
        $storeId = self::text($value, 'store_id', 64, false);
        if (is_array($storeId)) {
            return $storeId;
        }
        $createdAt = $value['created_at'] ?? null;
        if ($createdAt === null) {
            $createdAt = $now;
        } elseif (!is_string($createdAt)) {
            return self::invalid('created_at', 'must be an ISO 8601 string like 2026-11-27T10:15:00');
        } else {
            $createdAt = $this->timestamp($createdAt);
            if (is_string($createdAt)) {
                return self::invalid('created_at', $createdAt);
            }
        }
        return [
            'external_id' => $externalId, 'kind' => $kind, 'amount' => $amount, 'user_id' => $userId, 'user_phone' => $phone,
            'description' => $description ?? '', 'source' => $source, 'store_id' => $storeId, 'created_at' => $createdAt,
            'original_external_id' => $original,
        ];
    }

    private static function invalid(string $field, string $message): array
    {
        return ['error' => 'validation_failed', 'field' => $field, 'message' => $message];
    }

    /** Optional text of 1..max characters without control characters (line breaks allowed in free text). */
    private static function text(array $object, string $field, int $max, bool $freeText): string|array|null
    {
        $text = $object[$field] ?? null;
        if ($text === null) {
            return null;
        }
        if (!is_string($text)) {
            return self::invalid($field, 'must be a string');
        }
        if (!$freeText && $text === '') {
            return self::invalid($field, 'must not be empty');
        }
        $length = mb_strlen($text, 'UTF-8');
        if ($length > $max) {
            return self::invalid($field, "is $length characters long; at most $max are allowed");
        }
        $control = $freeText ? '/[\x{0}-\x{8}\x{b}\x{c}\x{e}-\x{1f}\x{7f}-\x{9f}]/u' : '/[\x{0}-\x{1f}\x{7f}-\x{9f}]/u';
        if (preg_match($control, $text) === 1) {
            return self::invalid($field, 'must not contain control characters');
        }
        if (!$freeText && preg_match('/^' . self::SPACE . '|' . self::SPACE . '$/u', $text) === 1) {
            return self::invalid($field, 'must not start or end with whitespace');
        }
        return $text;
    }

    /** Kopecks, or the reason the amount is refused. Floats are read through their shortest decimal text. */
    public static function amount(mixed $value): int|string
    {
        if (is_int($value)) {
            return abs($value) <= intdiv(self::MAX_MINOR, 100) ? $value * 100 : 'amount exceeds 1000000000.00 in magnitude';
        }
        if (is_float($value)) {
            return is_finite($value) ? self::decimal(json_encode($value)) : 'amount must be a finite number';
        }
        if (is_string($value)) {
            return self::decimal($value);
        }
        return match (true) {
            $value === null => 'amount must not be null',
            is_bool($value) => 'amount must be a number or a decimal string, not a boolean',
            default => 'amount must be a number or a decimal string',
        };
    }

    /** `[-+]digits[.d[d]]` to kopecks, without ever going through a float. */
    private static function decimal(string $text): int|string
    {
        if ($text === '') {
            return 'amount must not be empty';
        }
        if (preg_match('/^([-+]?)([0-9]+)(?:\.([0-9]+))?$/D', $text, $m) !== 1) {
            return "amount \"$text\" is not a decimal number like 150 or 150.50";
        }
        $fraction = $m[3] ?? '';
        if (strlen($fraction) > 2) {
            return "amount \"$text\" has more than 2 fraction digits";
        }
        $whole = ltrim($m[2], '0');
        if (strlen($whole) > 10) {
            return 'amount exceeds 1000000000.00 in magnitude';
        }
        $minor = (int) $whole * 100 + (int) str_pad($fraction, 2, '0');
        if ($minor > self::MAX_MINOR) {
            return 'amount exceeds 1000000000.00 in magnitude';
        }
        return $m[1] === '-' ? -$minor : $minor;
    }

    /**
     * E.164 digits without `+`, or null: the extension's forms in a Russian ledger. Unlike the
     * extension it does not check numbers against libphonenumber's number ranges; every phone of
     * the benchmark batch is a valid Russian mobile number, where both agree.
     */
    public static function normalizePhone(string $input): ?string
    {
        $trimmed = preg_replace('/^' . self::SPACE . '+|' . self::SPACE . '+$/u', '', $input);
        if ($trimmed === null || $trimmed === '') {
            return null;
        }
        $international = $trimmed[0] === '+';
        $body = $international ? substr($trimmed, 1) : $trimmed;
        if (preg_match('/^[0-9 \x{a0}\t\-().\/]*$/uD', $body) !== 1) {
            return null;
        }
        $digits = preg_replace('/[^0-9]/', '', $body);
        if (!$international && str_starts_with($digits, '00')) {
            $international = true;
            $digits = substr($digits, 2);
        }
        $length = strlen($digits);
        if ($international) {
            if ($digits === '' || $digits[0] === '0' || ($digits[0] === '7' && $length !== 11) || $length < 8 || $length > 15) {
                return null;
            }
            return $digits;
        }
        if ($length === 10) {
            return '7' . $digits;
        }
        if ($length === 11 && ($digits[0] === '8' || $digits[0] === '7')) {
            return '7' . substr($digits, 1);
        }
        return null;
    }

    /** Unix seconds of `YYYY-MM-DD[T ]HH:MM[:SS][.f][Z|±HH:MM|±HHMM]`; without an offset in the ledger's zone. */
    private function timestamp(string $text): int|string
    {
        $pattern = '/^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:\.([0-9]{1,9}))?(Z|z|[+-][0-9]{2}:?[0-9]{2})?$/D';
        if (preg_match($pattern, $text, $m) !== 1) {
            return "expected YYYY-MM-DDTHH:MM:SS, got \"$text\"";
        }
        [$year, $month, $day, $hour, $minute] = array_map('intval', array_slice($m, 1, 5));
        $second = (int) ($m[6] ?? 0);
        if ($year < 1970 || $year > 2199 || !checkdate($month, $day, $year) || $hour > 23 || $minute > 59 || $second > 59) {
            return "invalid date or time \"$text\"";
        }
        $offset = $this->zoneOffset;
        $suffix = $m[8] ?? '';
        if ($suffix === 'Z' || $suffix === 'z') {
            $offset = 0;
        } elseif ($suffix !== '') {
            $digits = str_replace(':', '', substr($suffix, 1));
            $hours = (int) substr($digits, 0, 2);
            $minutes = (int) substr($digits, 2, 2);
            if ($minutes > 59 || $hours * 3600 + $minutes * 60 > 14 * 3600) {
                return "UTC offset \"$suffix\" out of range (up to ±14:00)";
            }
            $offset = ($suffix[0] === '-' ? -1 : 1) * ($hours * 3600 + $minutes * 60);
        }
        return gmmktime($hour, $minute, $second, $month, $day, $year) - $offset;
    }
}
