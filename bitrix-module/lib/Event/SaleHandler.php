<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Event;

use Bitrix\Main\Event;
use Bitrix\Sale\Order;
use Retaillab\Cashback\Shop\Money;
use Retaillab\Cashback\Shop\OnlineCashback;
use Retaillab\Cashback\Shop\OperationResult;
use Retaillab\Cashback\Shop\OrderSnapshot;

/**
 * The sale module's D7 events (registered by the module installer with
 * EventManager::registerEventHandler('sale', 'OnSaleOrderPaid', …)). Each
 * handler copies the order into an OrderSnapshot and hands it to
 * Shop\OnlineCashback, whose rules decide everything; the only other thing
 * done here is writing a redemption's outcome back onto the order
 * (Shop\OrderMarker) and logging results that need a person.
 *
 * Handlers never throw into the sale module: a failure is logged. Events are
 * not retried by Bitrix, so a failure (say, database_busy) means the entry is
 * missing until the event fires again or someone applies it; every entry is
 * idempotent, so firing again is always safe.
 */
final class SaleHandler
{
    /** Set while BitrixOrderMarker saves the order, whose OnSaleOrderSaved is ours. */
    private static bool $writingBack = false;

    /** OnSaleOrderPaid fires when the order's paid flag changes, to paid or back. */
    public static function onSaleOrderPaid(Event $event): void
    {
        self::run($event, 'OnSaleOrderPaid', static fn (OnlineCashback $service, OrderSnapshot $order) => [$service->handlePaidChange($order)]);
    }

    /** OnSaleOrderCanceled fires when the canceled flag changes. */
    public static function onSaleOrderCanceled(Event $event): void
    {
        self::run($event, 'OnSaleOrderCanceled', static fn (OnlineCashback $service, OrderSnapshot $order) => $service->handleCanceled($order));
    }

    /**
     * OnSaleOrderSaved: when the order carries a redemption request, debits it
     * (once per order) and writes the outcome back onto the order.
     */
    public static function onSaleOrderSaved(Event $event): void
    {
        if (self::$writingBack || !self::requestsRedemption($event)) {
            return;
        }
        self::run($event, 'OnSaleOrderSaved', static function (OnlineCashback $service, OrderSnapshot $order): array {
            $result = $service->handleSaved($order);
            $followUp = $service->redemptionFollowUp($result);
            if ($followUp['value'] !== null || $followUp['reason'] !== null) {
                self::$writingBack = true;
                try {
                    Services::orderMarker()->record($order->orderId, $service->rules()->redeemPropertyCode, $followUp['value'], $followUp['reason']);
                } catch (\Throwable $e) {
                    Log::write(sprintf('OnSaleOrderSaved: order %d: redemption outcome not recorded on the order (%s: %s)',
                        $order->orderId, get_class($e), $e->getMessage()));
                } finally {
                    self::$writingBack = false;
                }
            }
            return [$result];
        });
    }

    /**
     * Most saves are of orders that spend no cashback: those are let go
     * before the ledger is opened (so a ledger outage does not log on every
     * order save).
     */
    private static function requestsRedemption(Event $event): bool
    {
        try {
            $order = $event->getParameter('ENTITY');
            if (!$order instanceof Order) {
                return false;
            }
            $code = Services::rules()->redeemPropertyCode;
            $value = $code !== '' ? self::property($order, $code)?->getValue() : null;
            return is_scalar($value) && trim((string) $value) !== '' && trim((string) $value) !== '0';
        } catch (\Throwable $e) {
            Log::write('OnSaleOrderSaved: ' . get_class($e) . ': ' . $e->getMessage());
            return false;
        }
    }

    /** Copies what the cashback rules need out of a sale order. */
    public static function snapshot(Order $order, string $redeemPropertyCode): OrderSnapshot
    {
        $value = $redeemPropertyCode !== '' ? self::property($order, $redeemPropertyCode)?->getValue() : null;
        return new OrderSnapshot(
            (int) $order->getId(),
            (string) ($order->getField('ACCOUNT_NUMBER') ?? ''),
            (int) $order->getUserId(),
            Money::fromPrice($order->getPrice() ?? 0),
            Money::fromPrice($order->getDeliveryPrice() ?? 0),
            (string) $order->getCurrency(),
            (bool) $order->isPaid(),
            (bool) $order->isCanceled(),
            is_scalar($value) && trim((string) $value) !== '' ? trim((string) $value) : null,
        );
    }

    /**
     * The order's property value with this code (PropertyValue), or null.
     * getItemByOrderPropertyCode() is missing from older sale versions, where
     * the collection is searched by CODE.
     */
    public static function property(Order $order, string $code): ?object
    {
        $collection = $order->getPropertyCollection();
        if (method_exists($collection, 'getItemByOrderPropertyCode')) {
            return $collection->getItemByOrderPropertyCode($code);
        }
        foreach ($collection as $item) {
            if ((string) $item->getField('CODE') === $code) {
                return $item;
            }
        }
        return null;
    }

    /** @param \Closure(OnlineCashback, OrderSnapshot): list<OperationResult> $work */
    private static function run(Event $event, string $name, \Closure $work): void
    {
        $orderId = 0;
        try {
            $order = $event->getParameter('ENTITY');
            if (!$order instanceof Order) {
                return;
            }
            $orderId = (int) $order->getId();
            $service = Services::onlineCashback();
            foreach ($work($service, self::snapshot($order, $service->rules()->redeemPropertyCode)) as $result) {
                if (!$result->isOk() || $result->negativeBalance) {
                    Log::write("$name: " . $result->describe());
                }
            }
        } catch (\Throwable $e) {
            try {
                Log::write(sprintf('%s: order %d: %s: %s', $name, $orderId, get_class($e), $e->getMessage()));
            } catch (\Throwable) {
                // never break the order's save
            }
        }
    }
}
