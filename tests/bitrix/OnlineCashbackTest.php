<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Shop\CashbackRules;
use Retaillab\Cashback\Shop\Money;
use Retaillab\Cashback\Shop\OnlineCashback;
use Retaillab\Cashback\Shop\OperationResult;
use Retaillab\Cashback\Shop\OrderSnapshot;

/**
 * The online-shop cashback rules against the real ledger (a temporary
 * database per test); every test ends with the ledger's own verify().
 */
final class OnlineCashbackTest extends TestCase
{
    private const USER = 42;

    private string $dir;
    private \CashbackLedger $ledger;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-online-' . bin2hex(random_bytes(6));
        mkdir($this->dir, 0700, true);
        Option::set('retaillab.cashback', 'database_path', $this->dir . '/cashback.db');
        $this->ledger = LedgerFactory::create(); // the installed site's ledger
    }

    protected function tearDown(): void
    {
        $verify = $this->ledger->verify();
        self::assertTrue($verify['ok'], json_encode($verify['problems'], JSON_UNESCAPED_UNICODE));
        Option::delete('retaillab.cashback', ['name' => 'database_path']);
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }

    private function service(string $percent = '5', string $minOrder = '0', bool $excludeDelivery = true, string $redeemMax = '50'): OnlineCashback
    {
        return new OnlineCashback($this->ledger, new CashbackRules($percent, $minOrder, $excludeDelivery, $redeemMax, 'CASHBACK_REDEEM'));
    }

    private static function order(int $id, string $price, array $overrides = []): OrderSnapshot
    {
        $o = $overrides + [
            'account' => 'A-' . $id, 'user' => self::USER, 'delivery' => '0', 'currency' => 'RUB',
            'paid' => true, 'canceled' => false, 'redeem' => null,
        ];
        return new OrderSnapshot($id, $o['account'], $o['user'], Money::parse($price), Money::parse($o['delivery']),
            $o['currency'], $o['paid'], $o['canceled'], $o['redeem']);
    }

    private function balance(): string
    {
        return Money::fromLedger($this->ledger->balance(self::USER)['balance'])->toDecimal();
    }

    /** A store purchase by 1C: how the customer gets a balance to spend. */
    private function storeAccrual(string $amount, string $id = 'Accrual_0001_20261127'): void
    {
        $r = $this->ledger->apply(['type' => 'accrual', 'amount' => $amount, 'external_id' => $id, 'user_id' => self::USER,
            'description' => 'Москва, Тверская 1, касса 2', 'store_id' => 'store-1']);
        self::assertSame('success', $r['status']);
    }

    /** @return list<array<string, mixed>> */
    private function history(): array
    {
        return $this->ledger->history(self::USER, 100)['items'];
    }

    // ---- money --------------------------------------------------------------

    public function testMoneyIsIntegerKopecksNeverFloats(): void
    {
        self::assertSame('24.99', Money::parse('999.99')->percent('2.5')->toDecimal(), '24.99975 rounds down');
        self::assertSame('999.99', Money::fromPrice(999.99)->toDecimal());
        self::assertSame('0.30', Money::fromPrice(0.1 + 0.2)->toDecimal());
        self::assertSame('1234.57', Money::fromPrice('1234.5650')->toDecimal(), 'Bitrix keeps 4 decimals; half up to the kopeck');
        self::assertSame('0.00', Money::parse('0.19')->percent('5')->toDecimal());
        self::assertSame('50000000.00', Money::parse('1000000000.00')->percent('5')->toDecimal());
        self::assertSame('1 250,50', Money::fromLedger(1250.5)->format(' ', ','));
        self::assertSame('-0.05', Money::parse('-0.05')->toDecimal());
        self::assertSame('150.50', Money::parseInput(' 150,5 ')->toDecimal());
        foreach (['1.234', '1e3', '', 'abc', '150,50'] as $bad) {
            try {
                Money::parse($bad);
                self::fail("'$bad' parsed");
            } catch (\InvalidArgumentException) {
            }
        }
        foreach (['100.01', '-1', '5%', '1.00001'] as $bad) {
            try {
                Money::parse('100')->percent($bad);
                self::fail("percent '$bad' accepted");
            } catch (\InvalidArgumentException) {
            }
        }
    }

    // ---- accrual ------------------------------------------------------------

    public function testAccruesTwoAndAHalfPercentOf999_99RoundedDown(): void
    {
        $result = $this->service('2.5')->accrue(self::order(15, '999.99'));

        self::assertSame(OperationResult::APPLIED, $result->status);
        self::assertSame('24.99', $result->amount);
        self::assertSame('web_accrual_15', $result->externalId);
        self::assertSame('24.99', $this->balance());
        $entry = $this->history()[0];
        self::assertSame('web', $entry['source']);
        self::assertSame('Заказ №A-15', $entry['description']);
        self::assertSame('accrual', $entry['type']);
    }

    public function testDeliveryIsExcludedFromTheBaseWhenConfigured(): void
    {
        $order = self::order(16, '1300.00', ['delivery' => '300.00']);

        self::assertSame('50.00', $this->service('5', '0', true)->accrualAmount($order)->toDecimal());
        self::assertSame('65.00', $this->service('5', '0', false)->accrualAmount($order)->toDecimal());
        self::assertSame('50.00', $this->service('5', '0', true)->accrue($order)->amount);
    }

    public function testNothingAccruesBelowTheMinimumOrder(): void
    {
        $service = $this->service('5', '1000');

        // 1 299.99 with 300 delivery: goods 999.99 < 1 000.
        $below = $service->accrue(self::order(17, '1299.99', ['delivery' => '300']));
        $exactly = $service->accrue(self::order(18, '1300.00', ['delivery' => '300']));

        self::assertSame(OperationResult::SKIPPED, $below->status);
        self::assertSame('below_min_order', $below->reason);
        self::assertSame(OperationResult::APPLIED, $exactly->status);
        self::assertSame('50.00', $exactly->amount);
        self::assertCount(1, $this->history());
    }

    public function testRepeatedPaidEventCreditsOnce(): void
    {
        $service = $this->service();
        $order = self::order(19, '2000.00');

        $first = $service->handlePaidChange($order);
        $again = $service->handlePaidChange($order);
        $third = $service->handlePaidChange($order);

        self::assertSame(OperationResult::APPLIED, $first->status);
        self::assertSame(OperationResult::DUPLICATE, $again->status);
        self::assertSame(OperationResult::DUPLICATE, $third->status);
        self::assertSame('100.00', $this->balance());
        self::assertCount(1, $this->history());
    }

    public function testGuestUnpaidCanceledAndForeignCurrencyOrdersDoNotAccrue(): void
    {
        $service = $this->service();

        self::assertSame('guest_order', $service->accrue(self::order(20, '1000', ['user' => 0]))->reason);
        self::assertSame('not_paid', $service->accrue(self::order(21, '1000', ['paid' => false]))->reason);
        self::assertSame('canceled', $service->accrue(self::order(22, '1000', ['canceled' => true]))->reason);
        self::assertSame('unsupported_currency', $service->accrue(self::order(23, '1000', ['currency' => 'USD']))->reason);
        self::assertSame('zero_amount', $service->accrue(self::order(24, '0.19'))->reason);
        self::assertSame([], $this->history());
    }

    public function testMalformedSettingsAreAnErrorNotAGuess(): void
    {
        $result = $this->service('five')->accrue(self::order(25, '1000'));

        self::assertSame(OperationResult::ERROR, $result->status);
        self::assertSame('invalid_settings', $result->errorCode);
        self::assertSame([], $this->history());
    }

    // ---- reversal -----------------------------------------------------------

    public function testCancelAfterPartialSpendReversesEverythingAndReportsTheNegativeBalance(): void
    {
        $service = $this->service();
        $order = self::order(30, '1000.00');
        $service->accrue($order);                            // +50
        $spend = $this->ledger->apply(['type' => 'debit', 'amount' => '30', 'external_id' => 'Debit_0007', 'user_id' => self::USER]);
        self::assertSame('success', $spend['status']);       // spent 30 in a store, 20 left

        [$reversal, $release] = $service->handleCanceled(self::order(30, '1000.00', ['canceled' => true]));

        self::assertSame(OperationResult::APPLIED, $reversal->status);
        self::assertSame('-50.00', $reversal->amount);
        self::assertSame('web_accrual_reversal_30', $reversal->externalId);
        self::assertSame('-30.00', $reversal->balance);
        self::assertTrue($reversal->negativeBalance);
        self::assertSame(OperationResult::SKIPPED, $release->status);
        self::assertSame('nothing_to_release', $release->reason);
        self::assertSame('-30.00', $this->balance());
        $entry = $this->history()[0];
        self::assertSame('web_accrual_30', $entry['original_external_id']);
        self::assertSame('Отмена начисления по заказу №A-30', $entry['description']);
    }

    public function testReversalTakesExactlyWhatRemainsAfterAManualCorrection(): void
    {
        $service = $this->service();
        $service->accrue(self::order(31, '1000.00'));       // +50
        // An operator already took back 20 of it by hand.
        $manual = $this->ledger->apply(['type' => 'accrual', 'amount' => '-20', 'external_id' => 'manual_31',
            'user_id' => self::USER, 'original_external_id' => 'web_accrual_31']);
        self::assertSame('success', $manual['status']);

        $reversal = $service->reverseAccrual(self::order(31, '1000.00', ['paid' => false]));

        self::assertSame(OperationResult::APPLIED, $reversal->status);
        self::assertSame('-30.00', $reversal->amount);
        self::assertSame('0.00', $this->balance());
    }

    public function testReversalUsesWhatWasAccruedNotTheEditedOrderPrice(): void
    {
        $service = $this->service();
        $service->accrue(self::order(32, '1000.00'));       // +50
        // A manager cut the order to 400 before cancelling it: 50 was credited, 50 goes back.
        $reversal = $service->reverseAccrual(self::order(32, '400.00', ['canceled' => true]));

        self::assertSame('-50.00', $reversal->amount);
        self::assertSame('0.00', $this->balance());
    }

    public function testRefundThenCancelReversesOnceAndRepeatsAreDuplicates(): void
    {
        $service = $this->service();
        $service->accrue(self::order(33, '1000.00'));

        $refund = $service->handlePaidChange(self::order(33, '1000.00', ['paid' => false]));
        $cancel = $service->handleCanceled(self::order(33, '1000.00', ['paid' => false, 'canceled' => true]))[0];
        $again = $service->reverseAccrual(self::order(33, '1000.00', ['canceled' => true]));

        self::assertSame(OperationResult::APPLIED, $refund->status);
        self::assertSame(OperationResult::DUPLICATE, $cancel->status);
        self::assertSame(OperationResult::DUPLICATE, $again->status);
        self::assertSame('0.00', $this->balance());
        self::assertCount(2, $this->history());
        // Paid again after the refund: the order's accrual id is spent, nothing is
        // credited twice, and the result says why instead of a quiet duplicate.
        $repaid = $service->accrue(self::order(33, '1000.00'));
        self::assertSame([OperationResult::ERROR, 'accrual_reversed'], [$repaid->status, $repaid->errorCode]);
        self::assertSame('0.00', $this->balance());
        self::assertCount(2, $this->history(), 'the check wrote nothing');
    }

    public function testCancellingAnOrderThatNeverAccruedDoesNothing(): void
    {
        $results = $this->service()->handleCanceled(self::order(34, '1000.00', ['paid' => false, 'canceled' => true]));

        self::assertSame(['nothing_to_reverse', 'nothing_to_release'], array_map(fn ($r) => $r->reason, $results));
        self::assertSame([], $this->history());
        self::assertSame('not_canceled', $this->service()->handleCanceled(self::order(34, '1000.00'))[0]->reason);
    }

    // ---- redemption ---------------------------------------------------------

    public function testRedemptionDebitsOnceCappedByThePercentOfTheOrder(): void
    {
        $this->storeAccrual('500');
        $service = $this->service('5', '0', true, '30');
        $order = self::order(40, '1000.00', ['paid' => false, 'redeem' => '400']);

        $first = $service->handleSaved($order);
        $again = $service->handleSaved($order);

        self::assertSame(OperationResult::APPLIED, $first->status);
        self::assertSame('300.00', $first->amount, '30 % of 1 000');
        self::assertSame('400.00', $first->requested);
        self::assertSame('web_redeem_40', $first->externalId);
        self::assertSame(OperationResult::DUPLICATE, $again->status);
        self::assertSame('200.00', $this->balance());
        self::assertSame(['value' => '300.00', 'reason' => null], $service->redemptionFollowUp($first), 'the order records what was debited');
        self::assertSame(['value' => null, 'reason' => null], $service->redemptionFollowUp($again));
        $entry = $this->history()[0];
        self::assertSame(['debit', 'web', 'Оплата заказа №A-40 кэшбэком'], [$entry['type'], $entry['source'], $entry['description']]);
    }

    public function testRedemptionWithinTheCapDebitsWhatWasAsked(): void
    {
        $this->storeAccrual('500');
        $service = $this->service('5', '0', true, '50');

        $result = $service->redeem(self::order(41, '1000.00', ['redeem' => '150,5']));

        self::assertSame('150.50', $result->amount);
        self::assertSame(['value' => null, 'reason' => null], $service->redemptionFollowUp($result));
        self::assertSame('349.50', $this->balance());
    }

    public function testInsufficientBalanceDebitsNothingAndTheOrderGetsNoDiscount(): void
    {
        $this->storeAccrual('100');
        $service = $this->service('5', '0', true, '50');
        $order = self::order(42, '1000.00', ['paid' => false, 'redeem' => '200']);

        $result = $service->redeem($order);

        self::assertSame(OperationResult::REFUSED, $result->status);
        self::assertSame('insufficient_balance', $result->errorCode);
        self::assertSame('100.00', $result->balance);
        self::assertSame('200.00', $result->requested);
        self::assertSame('100.00', $this->balance());
        self::assertCount(1, $this->history(), 'a refused debit writes nothing');
        $followUp = $service->redemptionFollowUp($result);
        self::assertSame('0', $followUp['value']);
        self::assertStringContainsString('недостаточно средств (на счёте 100,00 ₽, запрошено 200,00 ₽)', $followUp['reason']);

        // Refused operations are not remembered: once the balance is there, a later save debits.
        $this->storeAccrual('150', 'Accrual_0002');
        self::assertSame(OperationResult::APPLIED, $service->redeem($order)->status);
        self::assertSame('50.00', $this->balance());
    }

    public function testRedemptionRequestsThatCannotBeDebited(): void
    {
        $this->storeAccrual('500');
        $service = $this->service();

        self::assertSame('no_request', $service->redeem(self::order(43, '1000', ['redeem' => null]))->reason);
        self::assertSame('no_request', $service->redeem(self::order(43, '1000', ['redeem' => '0']))->reason);
        self::assertSame('canceled', $service->redeem(self::order(43, '1000', ['redeem' => '10', 'canceled' => true]))->reason);
        self::assertSame('guest_order', $service->redeem(self::order(43, '1000', ['redeem' => '10', 'user' => 0]))->reason);
        $invalid = $service->redeem(self::order(43, '1000', ['redeem' => 'всё']));
        self::assertSame([OperationResult::REFUSED, 'invalid_request'], [$invalid->status, $invalid->errorCode]);
        self::assertSame('0', $service->redemptionFollowUp($invalid)['value']);
        $disabled = $this->service('5', '0', true, '0')->redeem(self::order(43, '1000', ['redeem' => '10']));
        self::assertSame('redeem_not_allowed', $disabled->errorCode);
        self::assertSame('500.00', $this->balance());
    }

    public function testAChangedRequestAfterTheDebitIsAConflictForAManager(): void
    {
        $this->storeAccrual('500');
        $service = $this->service();
        $service->redeem(self::order(44, '1000', ['redeem' => '100']));

        $changed = $service->redeem(self::order(44, '1000', ['redeem' => '120']));

        self::assertSame(OperationResult::ERROR, $changed->status);
        self::assertSame('external_id_conflict', $changed->errorCode);
        self::assertSame('400.00', $this->balance(), 'the first debit stands');
        $followUp = $service->redemptionFollowUp($changed);
        self::assertNull($followUp['value']);
        self::assertStringContainsString('external_id_conflict', $followUp['reason']);
    }

    public function testCancelReleasesTheRedemption(): void
    {
        $this->storeAccrual('500');
        $service = $this->service('5', '0', true, '30');
        $service->redeem(self::order(45, '1000.00', ['redeem' => '400']));   // −300

        [$reversal, $release] = $service->handleCanceled(self::order(45, '1000.00', ['redeem' => '300.00', 'canceled' => true]));
        $again = $service->releaseRedemption(self::order(45, '1000.00', ['canceled' => true]));

        self::assertSame('nothing_to_reverse', $reversal->reason);
        self::assertSame(OperationResult::APPLIED, $release->status);
        self::assertSame('300.00', $release->amount);
        self::assertSame('web_redeem_release_45', $release->externalId);
        self::assertSame(OperationResult::DUPLICATE, $again->status);
        self::assertSame('500.00', $this->balance());
        self::assertSame('web_redeem_45', $this->history()[0]['original_external_id']);

        // A manager restores the order: the redemption is not debited again and the order is flagged.
        $restored = $service->handleSaved(self::order(45, '1000.00', ['redeem' => '300.00']));
        self::assertSame([OperationResult::ERROR, 'redemption_released'], [$restored->status, $restored->errorCode]);
        self::assertSame('500.00', $this->balance());
        self::assertCount(3, $this->history());
        $followUp = $service->redemptionFollowUp($restored);
        self::assertNull($followUp['value']);
        self::assertStringContainsString('redemption_released', $followUp['reason']);
    }

    public function testFullLifecycleRedeemPayCancel(): void
    {
        $this->storeAccrual('500');
        $service = $this->service('5', '0', true, '30');
        $order = self::order(46, '1300.00', ['delivery' => '300', 'paid' => false, 'redeem' => '200']);

        $service->handleSaved($order);                                        // −200
        $paid = $service->handlePaidChange(self::order(46, '1300.00', ['delivery' => '300', 'redeem' => '200']));
        // Base: 1 300 − 300 delivery − 200 paid with cashback = 800; 5 % = 40.
        self::assertSame('40.00', $paid->amount);
        self::assertSame('340.00', $this->balance());

        $canceled = self::order(46, '1300.00', ['delivery' => '300', 'redeem' => '200', 'canceled' => true]);
        [$reversal, $release] = $service->handleCanceled($canceled);

        self::assertSame(['-40.00', '200.00'], [$reversal->amount, $release->amount]);
        self::assertSame('500.00', $this->balance());
        self::assertSame([OperationResult::DUPLICATE, OperationResult::DUPLICATE],
            array_map(fn ($r) => $r->status, $service->handleCanceled($canceled)));
        self::assertCount(5, $this->history());
    }

    public function testRedeemedCashbackIsNotCountedAsPaidMoneyButNeverBeyondTheCap(): void
    {
        $service = $this->service('5', '0', false, '30');

        self::assertSame('35.00', $service->accrualAmount(self::order(47, '1000', ['redeem' => '300']))->toDecimal());
        // A request above the cap can only have been debited up to the cap.
        self::assertSame('35.00', $service->accrualAmount(self::order(47, '1000', ['redeem' => '900']))->toDecimal());
        self::assertSame('50.00', $service->accrualAmount(self::order(47, '1000', ['redeem' => 'junk']))->toDecimal());
    }

    public function testADatabaseFaultIsAnErrorResultNotAnException(): void
    {
        $path = $this->dir . '/busy.db';
        $ledger = new \CashbackLedger($path, ['busy_timeout_ms' => 50]);
        $ledger->health();
        // Another process holds the write lock for longer than the busy timeout.
        $lock = proc_open(['sqlite3', $path], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($lock);
        fwrite($pipes[0], "BEGIN EXCLUSIVE;\nSELECT 'locked';\n");
        fflush($pipes[0]);
        self::assertSame("locked\n", fgets($pipes[1]));

        try {
            $result = (new OnlineCashback($ledger, new CashbackRules('5')))->accrue(self::order(48, '1000'));
            $reversal = (new OnlineCashback($ledger, new CashbackRules('5')))->reverseAccrual(self::order(48, '1000', ['canceled' => true]));
        } finally {
            fwrite($pipes[0], "ROLLBACK;\n.quit\n");
            fclose($pipes[0]);
            proc_close($lock);
        }

        self::assertSame([OperationResult::ERROR, 'database_busy'], [$result->status, $result->errorCode]);
        self::assertSame('web_accrual_48', $result->externalId);
        self::assertSame([OperationResult::ERROR, 'database_busy'], [$reversal->status, $reversal->errorCode]);
        // Once the lock is gone the same event applies normally.
        self::assertSame(OperationResult::APPLIED, (new OnlineCashback($ledger, new CashbackRules('5')))->accrue(self::order(48, '1000'))->status);
    }
}
