<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

use Retaillab\Cashback\Options;

/**
 * The shop's cashback settings as plain values, so that the service can be
 * tested without Bitrix. fromOptions() is the only place that reads the
 * module options.
 */
final class CashbackRules
{
    /**
     * @param string $accrualPercent   decimal text, '5' or '2.5'
     * @param string $accrualMinOrder  rubles as decimal text; '' or '0' means no minimum
     * @param bool   $accrualExcludeDelivery whether delivery is left out of the accrual base
     * @param string $redeemMaxPercent decimal text: the largest share of the order price payable with cashback
     * @param string $redeemPropertyCode order property holding the amount the customer chose to spend
     */
    public function __construct(
        public readonly string $accrualPercent,
        public readonly string $accrualMinOrder = '0',
        public readonly bool $accrualExcludeDelivery = true,
        public readonly string $redeemMaxPercent = '0',
        public readonly string $redeemPropertyCode = '',
    ) {
    }

    public static function fromOptions(): self
    {
        return new self(
            Options::accrualPercent(),
            Options::accrualMinOrder(),
            Options::accrualExcludeDelivery(),
            Options::redeemMaxPercent(),
            Options::redeemPropertyCode(),
        );
    }
}
