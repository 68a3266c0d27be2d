<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Ledger\LedgerFactory;

Loc::loadMessages(__FILE__);

/**
 * Cashback for online orders, on the same ledger as the stores.
 *
 * Every entry has a fixed external_id per order, so a repeated event is a
 * ledger duplicate and never credits or debits twice:
 *
 * | event                              | entry                                                  |
 * |------------------------------------|--------------------------------------------------------|
 * | order saved, redemption requested  | debit   web_redeem_{id}                                |
 * | order paid                         | accrual web_accrual_{id}                               |
 * | order un-paid (refund)             | accrual −remaining web_accrual_reversal_{id} → web_accrual_{id} |
 * | order canceled                     | the reversal above, and release web_redeem_release_{id} → web_redeem_{id} |
 *
 * Money rules (all in integer kopecks, see Money):
 * - accrual base = order price − delivery (when accrualExcludeDelivery)
 *   − the cashback spent on the order; no cashback is earned on cashback;
 * - no accrual when price − delivery (the goods) is below accrualMinOrder;
 * - accrual = base × accrualPercent / 100, rounded down to the kopeck;
 * - redemption = min(requested, order price × redeemMaxPercent / 100 rounded
 *   down to the kopeck); the order price includes the part paid with cashback
 *   (cashback is a means of payment here, not a price discount), so the cap
 *   does not move when the redemption is confirmed;
 * - a reversal or release takes back exactly what remains of its original
 *   (the ledger reports it), so partial manual corrections are respected and
 *   a reversal may take the balance below zero when the cashback was already
 *   spent; the result says negativeBalance.
 *
 * Because the external ids are fixed per order, each operation happens at
 * most once per order. An order paid again after a refund is not credited
 * again, and an order restored after cancellation is not debited again; both
 * come back as errors (accrual_reversed, redemption_released) so that the
 * handler logs them and marks the order for a manager instead of staying silent.
 */
final class OnlineCashback
{
    public const SOURCE = 'web';
    public const CURRENCY = 'RUB';

    /**
     * A reversal or release is first tried for the ledger's largest amount:
     * the ledger refuses it with exceeds_original and says what remains of
     * the original, which is then reversed exactly. (If exactly this much
     * remains, the first attempt is already the right entry.) Refused
     * operations leave nothing behind, so the probe is free of side effects.
     */
    private const PROBE = '1000000000.00';

    public function __construct(
        private readonly \CashbackLedger $ledger,
        private readonly CashbackRules $rules,
    ) {
    }

    /** Wired for a Bitrix site: the module's ledger and options. */
    public static function create(): self
    {
        return new self(LedgerFactory::open(), CashbackRules::fromOptions());
    }

    public function rules(): CashbackRules
    {
        return $this->rules;
    }

    /** OnSaleOrderPaid fires when the paid flag changes either way. */
    public function handlePaidChange(OrderSnapshot $order): OperationResult
    {
        return $order->paid ? $this->accrue($order) : $this->reverseAccrual($order);
    }

    /**
     * OnSaleOrderCanceled: a canceled order gives back its cashback (both
     * ways); un-canceling changes nothing (the entries are final).
     *
     * @return list<OperationResult>
     */
    public function handleCanceled(OrderSnapshot $order): array
    {
        if (!$order->canceled) {
            return [OperationResult::skipped('accrual', $order->orderId, 'not_canceled')];
        }
        return [$this->reverseAccrual($order), $this->releaseRedemption($order)];
    }

    /** OnSaleOrderSaved: debits the cashback the customer chose to spend. */
    public function handleSaved(OrderSnapshot $order): OperationResult
    {
        return $this->redeem($order);
    }

    public function accrue(OrderSnapshot $order): OperationResult
    {
        $op = 'accrual';
        $skip = $this->guard($order, $op) ?? match (true) {
            !$order->paid => 'not_paid',
            $order->canceled => 'canceled',
            default => null,
        };
        if ($skip !== null) {
            return OperationResult::skipped($op, $order->orderId, $skip, $order->accrualExternalId());
        }
        try {
            $amount = $this->accrualAmount($order);
        } catch (\InvalidArgumentException $e) {
            return OperationResult::failure($op, $order->orderId, 'invalid_settings', $e->getMessage(), $order->accrualExternalId());
        }
        if ($amount === null) {
            return OperationResult::skipped($op, $order->orderId, 'below_min_order', $order->accrualExternalId());
        }
        if (!$amount->isPositive()) {
            return OperationResult::skipped($op, $order->orderId, 'zero_amount', $order->accrualExternalId());
        }
        $result = $this->apply($op, $order, $amount, [
            'external_id' => $order->accrualExternalId(),
            'type' => 'accrual',
            'amount' => $amount->toDecimal(),
            'description' => $this->message('ACCRUAL', $order, 'Order No. #ACCOUNT_NUMBER#'),
        ]);
        if ($result->status === OperationResult::DUPLICATE
            && $this->takenBack($order, 'accrual', $order->accrualReversalExternalId(), $order->accrualExternalId(), $amount)) {
            return OperationResult::failure($op, $order->orderId, 'accrual_reversed',
                'paid again after a refund or cancellation: the accrual was reversed and is not credited twice', $order->accrualExternalId());
        }
        return $result;
    }

    public function reverseAccrual(OrderSnapshot $order): OperationResult
    {
        return $this->takeBack('accrual_reversal', $order, 'accrual', $order->accrualReversalExternalId(),
            $order->accrualExternalId(), 'nothing_to_reverse', $this->message('ACCRUAL_REVERSAL', $order, 'Order No. #ACCOUNT_NUMBER# cancelled'));
    }

    public function redeem(OrderSnapshot $order): OperationResult
    {
        $op = 'redeem';
        $id = $order->redeemExternalId();
        $skip = $this->guard($order, $op) ?? ($order->canceled ? 'canceled' : null);
        if ($skip !== null) {
            return OperationResult::skipped($op, $order->orderId, $skip, $id);
        }
        try {
            $requested = $this->requestedRedemption($order);
        } catch (\InvalidArgumentException $e) {
            return new OperationResult($op, OperationResult::REFUSED, $order->orderId, $id,
                errorCode: 'invalid_request', message: 'not an amount', requested: mb_substr((string) $order->redeemRequested, 0, 32));
        }
        if (!$requested->isPositive()) {
            return OperationResult::skipped($op, $order->orderId, 'no_request', $id);
        }
        if ($order->currency !== self::CURRENCY) {
            return new OperationResult($op, OperationResult::REFUSED, $order->orderId, $id,
                errorCode: 'unsupported_currency', message: $order->currency, requested: $requested->toDecimal());
        }
        try {
            $amount = $requested->min($this->redemptionCap($order));
        } catch (\InvalidArgumentException $e) {
            return OperationResult::failure($op, $order->orderId, 'invalid_settings', $e->getMessage(), $id);
        }
        if (!$amount->isPositive()) {
            return new OperationResult($op, OperationResult::REFUSED, $order->orderId, $id,
                errorCode: 'redeem_not_allowed', message: 'the cap is 0', requested: $requested->toDecimal());
        }
        $result = $this->apply($op, $order, $amount, [
            'external_id' => $id,
            'type' => 'debit',
            'amount' => $amount->toDecimal(),
            'description' => $this->message('REDEEM', $order, 'Paid for order No. #ACCOUNT_NUMBER#'),
        ], $requested);
        if ($result->status === OperationResult::DUPLICATE
            && $this->takenBack($order, 'release', $order->redeemReleaseExternalId(), $id, $amount)) {
            return new OperationResult($op, OperationResult::ERROR, $order->orderId, $id, $amount->toDecimal(),
                errorCode: 'redemption_released',
                message: 'the order was restored after cancellation: its redemption was released and is not debited again',
                requested: $requested->toDecimal());
        }
        return $result;
    }

    public function releaseRedemption(OrderSnapshot $order): OperationResult
    {
        return $this->takeBack('redeem_release', $order, 'release', $order->redeemReleaseExternalId(),
            $order->redeemExternalId(), 'nothing_to_release', $this->message('REDEEM_RELEASE', $order, 'Order No. #ACCOUNT_NUMBER# cancelled, cashback returned'));
    }

    /**
     * What the order should record after redeem(), so that it shows what the
     * ledger actually holds (the redemption property is the order's record of
     * the confirmed spend, read again by accrue()):
     * - refused (insufficient balance, unreadable request, …): the property
     *   becomes "0", so no cashback discount is granted on this order, and
     *   the order is marked with the reason for the manager;
     * - applied below the request (capped): the property becomes the amount
     *   actually debited;
     * - error (e.g. external_id_conflict: the order already has a debit of
     *   another amount, or the database was busy): the property is left alone
     *   and the order is marked for a manager to check.
     *
     * @return array{value: ?string, reason: ?string} null parts need no change
     */
    public function redemptionFollowUp(OperationResult $result): array
    {
        if ($result->operation !== 'redeem') {
            return ['value' => null, 'reason' => null];
        }
        $replace = [
            '#REQUESTED#' => $result->requested !== null ? self::human($result->requested) : '',
            '#BALANCE#' => $result->balance !== null ? self::human($result->balance) : '',
            '#CODE#' => (string) $result->errorCode,
        ];
        if ($result->status === OperationResult::REFUSED) {
            $code = match ($result->errorCode) {
                'insufficient_balance' => 'MARK_INSUFFICIENT',
                'invalid_request' => 'MARK_INVALID_REQUEST',
                'unsupported_currency' => 'MARK_CURRENCY',
                default => 'MARK_NOT_ALLOWED',
            };
            return ['value' => '0', 'reason' => $this->text($code, $replace, 'Cashback not debited (#CODE#): no cashback discount on this order.')];
        }
        if ($result->status === OperationResult::APPLIED && $result->requested !== null && $result->amount !== null
            && !Money::parse($result->amount)->equals(Money::parse($result->requested))) {
            return ['value' => $result->amount, 'reason' => null];
        }
        if ($result->status === OperationResult::ERROR) {
            $code = match ($result->errorCode) {
                'redemption_released' => 'MARK_RELEASED',
                'external_id_conflict' => 'MARK_CONFLICT',
                default => 'MARK_ERROR',
            };
            return ['value' => null, 'reason' => $this->text($code, $replace, 'Cashback redemption needs checking (#CODE#).')];
        }
        return ['value' => null, 'reason' => null];
    }

    /**
     * The cashback the order earns, or null when the goods total is below the
     * minimum order.
     *
     * @throws \InvalidArgumentException on malformed settings
     */
    public function accrualAmount(OrderSnapshot $order): ?Money
    {
        $goods = $this->rules->accrualExcludeDelivery ? $order->price->minus($order->deliveryPrice) : $order->price;
        $goods = $goods->max(Money::zero());
        $minimum = trim($this->rules->accrualMinOrder) === '' ? Money::zero() : Money::parseInput($this->rules->accrualMinOrder);
        if ($goods->lessThan($minimum)) {
            return null;
        }
        try {
            $spent = $this->requestedRedemption($order)->min($this->redemptionCap($order))->max(Money::zero());
        } catch (\InvalidArgumentException) {
            $spent = Money::zero(); // an unreadable request was never debited
        }
        return $goods->minus($spent)->max(Money::zero())->percent($this->rules->accrualPercent);
    }

    /**
     * The most cashback this order may take: redeemMaxPercent of the order price.
     *
     * @throws \InvalidArgumentException on a malformed setting
     */
    public function redemptionCap(OrderSnapshot $order): Money
    {
        $percent = trim($this->rules->redeemMaxPercent);
        return $order->price->max(Money::zero())->percent($percent === '' ? '0' : $percent);
    }

    /** @throws \InvalidArgumentException when the property holds no amount */
    private function requestedRedemption(OrderSnapshot $order): Money
    {
        return $order->redeemRequested === null ? Money::zero() : Money::parseInput($order->redeemRequested);
    }

    /** A reason to skip that holds for every operation on the order. */
    private function guard(OrderSnapshot $order, string $operation): ?string
    {
        if ($order->orderId <= 0) {
            return 'no_order_id';
        }
        if ($order->userId <= 0) {
            return 'guest_order';
        }
        if ($operation === 'accrual' && $order->currency !== self::CURRENCY) {
            return 'unsupported_currency';
        }
        return null;
    }

    /**
     * Reverses (negative accrual) or releases exactly what remains of the
     * original entry, learning that amount from the ledger itself.
     */
    private function takeBack(string $op, OrderSnapshot $order, string $type, string $externalId, string $originalId,
        string $nothingReason, string $description): OperationResult
    {
        $skip = $order->orderId <= 0 ? 'no_order_id' : ($order->userId <= 0 ? 'guest_order' : null);
        if ($skip !== null) {
            return OperationResult::skipped($op, $order->orderId, $skip, $externalId);
        }
        $sign = $type === 'accrual' ? '-' : '';
        $entry = [
            'external_id' => $externalId,
            'type' => $type,
            'original_external_id' => $originalId,
            'description' => $description,
        ];
        $probeAmount = Money::parse($sign . self::PROBE);
        try {
            $probe = $this->ledger->apply($this->entry($order, $entry + ['amount' => $probeAmount->toDecimal()]));
        } catch (\CashbackException $e) {
            return OperationResult::failure($op, $order->orderId, $e->getErrorCode(), $e->getMessage(), $externalId);
        }
        $error = $probe['status'] === 'error' ? (string) ($probe['error'] ?? '') : null;
        if ($error === null) {
            return OperationResult::fromLedger($op, $order->orderId, $probeAmount, $probe);
        }
        if ($error === 'external_id_conflict') {
            // The entry exists already, for what remained then: a repeated event.
            return new OperationResult($op, OperationResult::DUPLICATE, $order->orderId, $externalId, message: 'already recorded');
        }
        if ($error === 'original_not_found') {
            return OperationResult::skipped($op, $order->orderId, $nothingReason, $externalId);
        }
        if ($error !== 'exceeds_original' || !isset($probe['remaining'])) {
            return OperationResult::fromLedger($op, $order->orderId, $probeAmount, $probe);
        }
        $remaining = Money::fromLedger($probe['remaining']);
        if (!$remaining->isPositive()) {
            return OperationResult::skipped($op, $order->orderId, $nothingReason, $externalId);
        }
        $amount = $type === 'accrual' ? $remaining->negate() : $remaining;
        return $this->apply($op, $order, $amount, $entry + ['amount' => $amount->toDecimal()]);
    }

    /**
     * Whether the reversal/release of an entry of $amount is already in the
     * ledger: the same probe as takeBack(), read for its external_id verdict.
     * Never probes when the probe could succeed (an original of the ledger's
     * maximum), so it cannot write.
     */
    private function takenBack(OrderSnapshot $order, string $type, string $externalId, string $originalId, Money $amount): bool
    {
        $probe = Money::parse(self::PROBE);
        if (!$amount->abs()->lessThan($probe)) {
            return false;
        }
        try {
            $result = $this->ledger->apply($this->entry($order, [
                'external_id' => $externalId,
                'type' => $type,
                'original_external_id' => $originalId,
                'amount' => ($type === 'accrual' ? $probe->negate() : $probe)->toDecimal(),
            ]));
        } catch (\CashbackException) {
            return false;
        }
        return $result['status'] === 'duplicate' || ($result['error'] ?? null) === 'external_id_conflict';
    }

    /** @param array<string, string> $entry */
    private function apply(string $op, OrderSnapshot $order, Money $amount, array $entry, ?Money $requested = null): OperationResult
    {
        try {
            $result = $this->ledger->apply($this->entry($order, $entry));
        } catch (\CashbackException $e) {
            return OperationResult::failure($op, $order->orderId, $e->getErrorCode(), $e->getMessage(), $entry['external_id']);
        }
        return OperationResult::fromLedger($op, $order->orderId, $amount, $result, $requested);
    }

    /**
     * @param array<string, string> $entry
     * @return array<string, string|int>
     */
    private function entry(OrderSnapshot $order, array $entry): array
    {
        return $entry + ['user_id' => $order->userId, 'source' => self::SOURCE];
    }

    private function message(string $code, OrderSnapshot $order, string $fallback): string
    {
        $number = $order->accountNumber !== '' ? $order->accountNumber : (string) $order->orderId;
        return $this->text($code, ['#ACCOUNT_NUMBER#' => $number], $fallback);
    }

    /** @param array<string, string> $replace */
    private function text(string $code, array $replace, string $fallback): string
    {
        $text = Loc::getMessage('RETAILLAB_CASHBACK_SHOP_' . $code, $replace);
        return $text !== null && $text !== '' ? $text : strtr($fallback, $replace);
    }

    private static function human(string $decimal): string
    {
        try {
            $money = Money::parse($decimal);
        } catch (\InvalidArgumentException) {
            return $decimal; // what the customer typed, shown as is
        }
        return ($money->isNegative() ? '-' : '') . $money->format(' ', ',');
    }
}
