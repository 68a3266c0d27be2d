<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

/**
 * The outcome of one cashback operation on an order, mapped from the
 * ledger's result array:
 *
 * - applied:   the ledger wrote the entry (status success);
 * - duplicate: the entry was already there (a repeated event), nothing changed;
 * - skipped:   nothing to do (see $reason: guest_order, not_paid, below_min_order,
 *              zero_amount, nothing_to_reverse, nothing_to_release, no_request, …);
 * - refused:   the customer's redemption cannot be debited, $errorCode
 *              insufficient_balance (the ledger's), invalid_request,
 *              unsupported_currency or redeem_not_allowed (the service's);
 * - error:     the ledger refused for another reason or failed ($errorCode is
 *              its code: external_id_conflict, original_user_mismatch,
 *              validation_failed, database_busy, …), or the service found
 *              invalid_settings, accrual_reversed or redemption_released.
 */
final class OperationResult
{
    public const APPLIED = 'applied';
    public const DUPLICATE = 'duplicate';
    public const SKIPPED = 'skipped';
    public const REFUSED = 'refused';
    public const ERROR = 'error';

    /**
     * @param string  $operation accrual | accrual_reversal | redeem | redeem_release
     * @param ?string $amount    the signed amount written (or attempted), "123.45"
     * @param ?string $requested redeem only: what the customer asked to spend
     * @param ?string $balance   the balance after the entry, or at the refusal
     */
    public function __construct(
        public readonly string $operation,
        public readonly string $status,
        public readonly int $orderId,
        public readonly ?string $externalId = null,
        public readonly ?string $amount = null,
        public readonly ?string $reason = null,
        public readonly ?string $errorCode = null,
        public readonly ?string $message = null,
        public readonly ?string $balance = null,
        public readonly bool $negativeBalance = false,
        public readonly ?string $requested = null,
        public readonly ?int $transactionId = null,
    ) {
    }

    public static function skipped(string $operation, int $orderId, string $reason, ?string $externalId = null): self
    {
        return new self($operation, self::SKIPPED, $orderId, $externalId, reason: $reason);
    }

    /**
     * Maps a ledger result array (CashbackLedger::apply()).
     *
     * @param array<string, mixed> $result
     */
    public static function fromLedger(string $operation, int $orderId, Money $amount, array $result, ?Money $requested = null): self
    {
        $balance = isset($result['balance']) ? Money::fromLedger($result['balance'])->toDecimal() : null;
        $status = match ($result['status'] ?? null) {
            'success' => self::APPLIED,
            'duplicate' => self::DUPLICATE,
            default => ($result['error'] ?? '') === 'insufficient_balance' ? self::REFUSED : self::ERROR,
        };
        return new self(
            $operation,
            $status,
            $orderId,
            $result['external_id'] ?? null,
            $amount->toDecimal(),
            errorCode: $status === self::REFUSED || $status === self::ERROR ? (string) ($result['error'] ?? 'unknown') : null,
            message: isset($result['message']) ? (string) $result['message'] : (isset($result['fields']) ? implode(',', (array) $result['fields']) : null),
            balance: $balance,
            negativeBalance: (bool) ($result['negative_balance'] ?? false),
            requested: $requested?->toDecimal(),
            transactionId: isset($result['transaction_id']) ? (int) $result['transaction_id'] : null,
        );
    }

    public static function failure(string $operation, int $orderId, string $code, string $message, ?string $externalId = null): self
    {
        return new self($operation, self::ERROR, $orderId, $externalId, errorCode: $code, message: $message);
    }

    /** applied, duplicate or skipped: nothing for anybody to look at. */
    public function isOk(): bool
    {
        return in_array($this->status, [self::APPLIED, self::DUPLICATE, self::SKIPPED], true);
    }

    /** redeem only: the amount that stands debited for this order after the call. */
    public function debited(): Money
    {
        return in_array($this->status, [self::APPLIED, self::DUPLICATE], true) && $this->amount !== null
            ? Money::parse($this->amount)->abs()
            : Money::zero();
    }

    public function describe(): string
    {
        $parts = ["order {$this->orderId}", $this->operation, $this->status];
        foreach (['externalId' => 'external_id', 'amount' => 'amount', 'requested' => 'requested', 'reason' => 'reason',
                  'errorCode' => 'error', 'message' => 'message', 'balance' => 'balance'] as $property => $label) {
            if ($this->$property !== null) {
                $parts[] = "$label={$this->$property}";
            }
        }
        if ($this->negativeBalance) {
            $parts[] = 'negative_balance';
        }
        return implode(' ', $parts);
    }

    /** @return array<string, mixed> */
    public function toArray(): array
    {
        return get_object_vars($this);
    }
}
