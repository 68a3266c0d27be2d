<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Event;

use Retaillab\Cashback\Customer\PhoneSync;
use Retaillab\Cashback\Shop\BitrixOrderMarker;
use Retaillab\Cashback\Shop\CashbackRules;
use Retaillab\Cashback\Shop\OnlineCashback;
use Retaillab\Cashback\Shop\OrderMarker;

/**
 * How the (static) event handlers get their services. On a site these are
 * wired from the module's ledger and options; tests replace them with
 * override() to run the handlers against a temporary ledger.
 */
final class Services
{
    /** @var array<string, \Closure> */
    private static array $overrides = [];

    public static function phoneSync(): PhoneSync
    {
        return isset(self::$overrides['phoneSync']) ? (self::$overrides['phoneSync'])() : PhoneSync::create();
    }

    public static function onlineCashback(): OnlineCashback
    {
        return isset(self::$overrides['onlineCashback']) ? (self::$overrides['onlineCashback'])() : OnlineCashback::create();
    }

    /** The shop settings alone, without opening the ledger. */
    public static function rules(): CashbackRules
    {
        return isset(self::$overrides['rules']) ? (self::$overrides['rules'])() : CashbackRules::fromOptions();
    }

    public static function orderMarker(): OrderMarker
    {
        return isset(self::$overrides['orderMarker']) ? (self::$overrides['orderMarker'])() : new BitrixOrderMarker();
    }

    /**
     * @internal for tests
     * @param 'phoneSync'|'onlineCashback'|'rules'|'orderMarker' $service
     */
    public static function override(string $service, ?\Closure $factory): void
    {
        if ($factory === null) {
            unset(self::$overrides[$service]);
        } else {
            self::$overrides[$service] = $factory;
        }
    }

    /** @internal for tests */
    public static function reset(): void
    {
        self::$overrides = [];
    }
}
