<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

use Bitrix\Sale\Order;
use Retaillab\Cashback\Event\SaleHandler;

/**
 * Records a redemption outcome through the sale Order API: the order is
 * loaded afresh (the instance being saved when OnSaleOrderSaved fired is left
 * alone), the redemption property is set, the order is marked (MARKED = 'Y',
 * REASON_MARKED: the red flag managers see in the order list), and saved.
 * That save fires OnSaleOrderSaved again; SaleHandler ignores it.
 */
final class BitrixOrderMarker implements OrderMarker
{
    public function record(int $orderId, string $propertyCode, ?string $propertyValue, ?string $reason): void
    {
        if ($propertyValue === null && $reason === null) {
            return;
        }
        if ($orderId <= 0) {
            // Order::load() would throw ArgumentNullException('id') for it.
            throw new \InvalidArgumentException("order id $orderId is not an order");
        }
        // A new object each time (Order::load() builds one per call), never the one being saved.
        $order = Order::load($orderId);
        if ($order === null) {
            throw new \RuntimeException("order $orderId not found");
        }
        if ($propertyValue !== null && $propertyCode !== '') {
            SaleHandler::property($order, $propertyCode)?->setValue($propertyValue);
        }
        if ($reason !== null) {
            $order->setField('MARKED', 'Y');
            $order->setField('REASON_MARKED', $reason);
        }
        $result = $order->save();
        if (!$result->isSuccess()) {
            throw new \RuntimeException("order $orderId not saved: " . implode('; ', $result->getErrorMessages()));
        }
    }
}
