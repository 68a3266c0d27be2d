<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

/** Writes a redemption's outcome back onto the order (see OnlineCashback::redemptionFollowUp()). */
interface OrderMarker
{
    /**
     * @param ?string $propertyValue new value of the redemption property, null to leave it
     * @param ?string $reason        marks the order for a manager with this reason, null not to
     * @throws \Throwable when the order cannot be saved
     */
    public function record(int $orderId, string $propertyCode, ?string $propertyValue, ?string $reason): void;
}
