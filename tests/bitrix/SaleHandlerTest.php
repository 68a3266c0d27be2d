<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\Event;
use Bitrix\Sale\Order;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Event\Log;
use Retaillab\Cashback\Event\SaleHandler;
use Retaillab\Cashback\Event\Services;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Shop\BitrixOrderMarker;
use Retaillab\Cashback\Shop\CashbackRules;
use Retaillab\Cashback\Shop\OnlineCashback;

/**
 * The thin sale handlers: the snapshot they copy out of an Order (a minimal
 * double of \Bitrix\Sale\Order), and the whole path event → service → real
 * ledger → outcome written back onto the order.
 */
final class SaleHandlerTest extends TestCase
{
    private const USER = 42;

    private string $dir;
    private \CashbackLedger $ledger;
    /** @var list<string> */
    private array $log = [];

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-sale-' . bin2hex(random_bytes(6));
        mkdir($this->dir, 0700, true);
        Option::set('retaillab.cashback', 'database_path', $this->dir . '/cashback.db');
        $this->ledger = LedgerFactory::create(); // the installed site's ledger
        Order::reset();
        Log::capture(function (string $message): void {
            $this->log[] = $message;
        });
        $ledger = $this->ledger;
        $rules = new CashbackRules('5', '0', true, '30', 'CASHBACK_REDEEM');
        Services::override('rules', static fn () => $rules);
        Services::override('onlineCashback', static fn () => new OnlineCashback($ledger, $rules));
    }

    protected function tearDown(): void
    {
        $verify = $this->ledger->verify();
        self::assertTrue($verify['ok']);
        Services::reset();
        Log::capture(null);
        Order::reset();
        Option::delete('retaillab.cashback', ['name' => 'database_path']);
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }

    private static function order(array $fields = [], array $properties = ['CASHBACK_REDEEM' => ''], bool $legacy = false): Order
    {
        return Order::forTest($fields + [
            'ID' => 15, 'ACCOUNT_NUMBER' => '2026/15', 'USER_ID' => self::USER,
            'PRICE' => 1299.99, 'PRICE_DELIVERY' => 300.0, 'CURRENCY' => 'RUB', 'PAYED' => 'Y', 'CANCELED' => 'N',
        ], $properties + ['EMAIL' => 'ivan@example.com'], $legacy);
    }

    private static function event(string $type, mixed $entity): Event
    {
        return new Event('sale', $type, ['ENTITY' => $entity, 'IS_NEW' => false, 'VALUES' => []]);
    }

    private function balance(): string
    {
        return sprintf('%.2F', $this->ledger->balance(self::USER)['balance']);
    }

    private function storeAccrual(string $amount): void
    {
        $this->ledger->apply(['type' => 'accrual', 'amount' => $amount, 'external_id' => 'Accrual_store_' . $amount, 'user_id' => self::USER]);
    }

    public function testSnapshotCopiesTheOrderExactly(): void
    {
        $snapshot = SaleHandler::snapshot(self::order(['PAYED' => 'N'], ['CASHBACK_REDEEM' => ' 150,50 ']), 'CASHBACK_REDEEM');

        self::assertSame(15, $snapshot->orderId);
        self::assertSame('2026/15', $snapshot->accountNumber);
        self::assertSame(self::USER, $snapshot->userId);
        self::assertSame('1299.99', $snapshot->price->toDecimal(), 'the float price is read as its decimal, not 1299.98999…');
        self::assertSame('300.00', $snapshot->deliveryPrice->toDecimal());
        self::assertSame('RUB', $snapshot->currency);
        self::assertFalse($snapshot->paid);
        self::assertFalse($snapshot->canceled);
        self::assertSame('150,50', $snapshot->redeemRequested);
        self::assertSame('web_accrual_15', $snapshot->accrualExternalId());
    }

    /** What the handlers get from the sale module: fields as the database returns them, a new object per load(). */
    public function testOrdersComeAsTheSaleModuleHandsThemOver(): void
    {
        $order = self::order();
        self::assertSame('42', $order->getUserId(), 'USER_ID as the database returns it, a string');
        self::assertSame(15, $order->getId());
        self::assertSame(1299.99, $order->getPrice());
        self::assertSame(self::USER, SaleHandler::snapshot($order, 'CASHBACK_REDEEM')->userId);
        self::assertNotSame(Order::load(15), Order::load(15));
        self::assertEquals(Order::load(15), Order::load('15'));
        self::assertNull(Order::load(16));
        try {
            Order::load(0);
            self::fail('Order::load(0) throws');
        } catch (\Bitrix\Main\ArgumentNullException) {
        }

        $this->expectException(\InvalidArgumentException::class);
        (new BitrixOrderMarker())->record(0, 'CASHBACK_REDEEM', '0', 'reason');
    }

    public function testSnapshotOnOlderSaleVersionsAndWithoutTheProperty(): void
    {
        $legacy = SaleHandler::snapshot(self::order(['CANCELED' => 'Y', 'USER_ID' => null], ['CASHBACK_REDEEM' => '99'], true), 'CASHBACK_REDEEM');
        self::assertSame('99', $legacy->redeemRequested, 'found by CODE without getItemByOrderPropertyCode()');
        self::assertTrue($legacy->canceled);
        self::assertSame(0, $legacy->userId, 'a guest order');

        self::assertNull(SaleHandler::snapshot(self::order([], []), 'CASHBACK_REDEEM')->redeemRequested);
        self::assertNull(SaleHandler::snapshot(self::order(), 'CASHBACK_REDEEM')->redeemRequested, 'an empty value is no request');
        self::assertNull(SaleHandler::snapshot(self::order([], ['CASHBACK_REDEEM' => '10']), '')->redeemRequested);
    }

    public function testPaidEventAccruesOnceThroughTheHandler(): void
    {
        $order = self::order();

        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', $order));
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', $order));

        // (1 299.99 − 300 delivery) × 5 % = 49.9995 → 49.99
        self::assertSame('49.99', $this->balance());
        $items = $this->ledger->history(self::USER)['items'];
        self::assertCount(1, $items);
        self::assertSame(['web_accrual_15', 'web', 'Заказ №2026/15'], [$items[0]['external_id'], $items[0]['source'], $items[0]['description']]);
        self::assertSame([], $this->log);
    }

    public function testUnpaidAndCanceledEventsTakeTheCashbackBack(): void
    {
        $this->storeAccrual('500');
        $order = self::order(['PAYED' => 'N'], ['CASHBACK_REDEEM' => '100']);
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', $order));          // −100
        $order->setField('PAYED', 'Y');
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', $order));            // +44.99 on 899.99
        self::assertSame('444.99', $this->balance());

        $order->setField('PAYED', 'N');                                                  // refund
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', $order));
        self::assertSame('400.00', $this->balance());

        $order->setField('CANCELED', 'Y');
        SaleHandler::onSaleOrderCanceled(self::event('OnSaleOrderCanceled', $order));
        self::assertSame('500.00', $this->balance());
        self::assertSame([], $this->log);
    }

    public function testNegativeBalanceAfterCancelIsLogged(): void
    {
        $order = self::order();
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', $order));
        $this->ledger->apply(['type' => 'debit', 'amount' => '40', 'external_id' => 'Debit_store_1', 'user_id' => self::USER]);

        $order->setField('CANCELED', 'Y');
        SaleHandler::onSaleOrderCanceled(self::event('OnSaleOrderCanceled', $order));

        self::assertSame('-40.00', $this->balance());
        self::assertCount(1, $this->log);
        self::assertStringContainsString('order 15 accrual_reversal applied', $this->log[0]);
        self::assertStringContainsString('negative_balance', $this->log[0]);
    }

    public function testCappedRedemptionIsWrittenBackOntoTheOrder(): void
    {
        $this->storeAccrual('1000');
        $order = self::order(['PAYED' => 'N'], ['CASHBACK_REDEEM' => '500']);
        // Bitrix fires OnSaleOrderSaved from inside save(): the write-back must not loop.
        Order::$onSave = static fn (Order $saved) => SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', $saved));
        Services::override('orderMarker', static fn () => new BitrixOrderMarker());

        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', $order));

        // 30 % of 1 299.99 = 389.997 → 389.99 debited instead of 500.
        self::assertSame('610.01', $this->balance());
        // Written through a freshly loaded order: the instance being saved is left alone.
        self::assertSame('500', SaleHandler::property($order, 'CASHBACK_REDEEM')->getValue());
        $stored = Order::load(15);
        self::assertNotSame($order, $stored);
        self::assertSame('389.99', SaleHandler::property($stored, 'CASHBACK_REDEEM')->getValue());
        self::assertNull($stored->getField('MARKED'));
        self::assertSame(1, Order::savesOf(15));
        self::assertSame([], $this->log);

        // The next save of the order (a manager edits it) finds the debit already there.
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', Order::load(15)));
        self::assertSame(1, Order::savesOf(15));
        self::assertSame('610.01', $this->balance());
    }

    public function testInsufficientBalanceMarksTheOrderAndZeroesTheRequest(): void
    {
        $this->storeAccrual('50');
        $order = self::order(['PAYED' => 'N'], ['CASHBACK_REDEEM' => '200']);
        Order::$onSave = static fn (Order $saved) => SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', $saved));
        Services::override('orderMarker', static fn () => new BitrixOrderMarker());

        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', $order));

        self::assertSame('50.00', $this->balance(), 'nothing was debited');
        $stored = Order::load(15);
        self::assertSame('0', SaleHandler::property($stored, 'CASHBACK_REDEEM')->getValue(), 'no cashback discount');
        self::assertSame('Y', $stored->getField('MARKED'));
        self::assertStringContainsString('недостаточно средств (на счёте 50,00 ₽, запрошено 200,00 ₽)', $stored->getField('REASON_MARKED'));
        self::assertSame(1, Order::savesOf(15));
        self::assertCount(1, $this->log);
        self::assertStringContainsString('redeem refused', $this->log[0]);
        self::assertStringContainsString('error=insufficient_balance', $this->log[0]);

        // Paying that order later accrues on the full goods price: nothing was spent.
        $stored->setField('PAYED', 'Y');
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', $stored));
        self::assertSame('99.99', $this->balance());
    }

    public function testHandlersNeverThrow(): void
    {
        // Not an order at all: ignored quietly.
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', new \stdClass()));
        SaleHandler::onSaleOrderPaid(new Event('sale', 'OnSaleOrderPaid', []));
        self::assertSame([], $this->log);

        // The service cannot even be built (say, the ledger file is unreachable).
        Services::override('onlineCashback', static function (): OnlineCashback {
            throw new \CashbackException('cannot open database');
        });
        SaleHandler::onSaleOrderPaid(self::event('OnSaleOrderPaid', self::order()));
        SaleHandler::onSaleOrderCanceled(self::event('OnSaleOrderCanceled', self::order(['CANCELED' => 'Y'])));
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', self::order([], ['CASHBACK_REDEEM' => '10'])));
        // An order that spends no cashback does not even open the ledger.
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', self::order([], ['CASHBACK_REDEEM' => ''])));
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', self::order([], ['CASHBACK_REDEEM' => '0'])));
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', self::order([], [])));
        self::assertCount(3, $this->log);
        self::assertStringStartsWith('OnSaleOrderPaid: order 15: CashbackException: cannot open database', $this->log[0]);

        // The write-back fails: the debit outcome stands, the failure is logged.
        $this->log = [];
        $ledger = $this->ledger;
        Services::override('onlineCashback', static fn () => new OnlineCashback($ledger, new CashbackRules('5', '0', true, '30', 'CASHBACK_REDEEM')));
        Order::reset();
        // An order Order::load() does not find.
        $order = Order::forTest(['ID' => 77, 'USER_ID' => self::USER, 'PRICE' => 1000.0, 'CURRENCY' => 'RUB', 'PAYED' => 'N', 'CANCELED' => 'N'],
            ['CASHBACK_REDEEM' => '10'], stored: false);
        Services::override('orderMarker', static fn () => new BitrixOrderMarker());
        SaleHandler::onSaleOrderSaved(self::event('OnSaleOrderSaved', $order));
        self::assertCount(2, $this->log);
        self::assertStringContainsString('redemption outcome not recorded on the order (RuntimeException: order 77 not found)', $this->log[0]);
        self::assertStringContainsString('insufficient_balance', $this->log[1]);
    }
}
