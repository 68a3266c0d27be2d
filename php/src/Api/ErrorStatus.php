<?php

declare(strict_types=1);

namespace Cashback\Api;

/**
 * The HTTP status of every error code the ledger can give. One table, so the
 * wire contract (docs/openapi.yaml) has a single source in code.
 */
final class ErrorStatus
{
    private const STATUS = [
        'validation_failed' => 400,
        'invalid_phone' => 400,
        'invalid_json' => 400,
        'invalid_argument' => 400,
        'invalid_user_id' => 400,
        'invalid_cursor' => 400,
        'unauthorized' => 401,
        'forbidden_network' => 403,
        'user_not_found' => 404,
        'not_found' => 404,
        'method_not_allowed' => 405,
        'phone_ambiguous' => 409,
        'external_id_conflict' => 409,
        'payload_too_large' => 413,
        'batch_too_large' => 413,
        'too_many_requests' => 429,
        'insufficient_balance' => 422,
        'original_not_found' => 422,
        'original_type_mismatch' => 422,
        'original_user_mismatch' => 422,
        'exceeds_original' => 422,
        'balance_overflow' => 422,
        'internal_error' => 500,
        'database_busy' => 503,
        'database_readonly' => 503,
        'database_full' => 503,
        'database_corrupt' => 503,
        'database_unavailable' => 503,
        'database_error' => 503,
        'schema_too_new' => 503,
    ];

    public static function of(string $code): int
    {
        return self::STATUS[$code] ?? 400;
    }

    /** Faults a client should retry later (503 with Retry-After). */
    public static function isRetryable(string $code): bool
    {
        return self::of($code) === 503;
    }
}
