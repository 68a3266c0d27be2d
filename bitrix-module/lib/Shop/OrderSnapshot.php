<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

/**
 * What the cashback rules need to know about a sale order, copied out of
 * \Bitrix\Sale\Order by the event handler (Event\SaleHandler::snapshot()).
 */
final class OrderSnapshot
{
    /**
     * @param string  $accountNumber  the number customers see (ACCOUNT_NUMBER), may differ from the ID
     * @param int     $userId         0 for a guest order
     * @param Money   $price          the order total (getPrice()), delivery included
     * @param Money   $deliveryPrice  getDeliveryPrice()
     * @param ?string $redeemRequested raw value of the redemption property, null when the order has none
     */
    public function __construct(
        public readonly int $orderId,
        public readonly string $accountNumber,
        public readonly int $userId,
        public readonly Money $price,
        public readonly Money $deliveryPrice,
        public readonly string $currency,
        public readonly bool $paid,
        public readonly bool $canceled,
        public readonly ?string $redeemRequested = null,
    ) {
    }

    public function accrualExternalId(): string
    {
        return 'web_accrual_' . $this->orderId;
    }

    public function accrualReversalExternalId(): string
    {
        return 'web_accrual_reversal_' . $this->orderId;
    }

    public function redeemExternalId(): string
    {
        return 'web_redeem_' . $this->orderId;
    }

    public function redeemReleaseExternalId(): string
    {
        return 'web_redeem_release_' . $this->orderId;
    }
}
