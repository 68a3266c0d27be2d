<?php

declare(strict_types=1);

namespace Cashback\Api;

use Cashback\Codes;

/**
 * The HTTP status of every error code, read from the ledger's vocabulary
 * (CashbackLedger::codes()), the single source the wire contract
 * (docs/openapi.yaml) is checked against by tests/stubs/vocabulary.php.
 */
final class ErrorStatus
{
    /** A code the vocabulary does not know, or one without an HTTP status, is a bug. */
    public const UNKNOWN = 500;

    public static function of(string $code): int
    {
        return Codes::get($code)['http_status'] ?? self::UNKNOWN;
    }

    /** Faults a client should retry later (503 with Retry-After): the vocabulary's transient codes. */
    public static function isRetryable(string $code): bool
    {
        return Codes::get($code)['transient'] ?? false;
    }
}
