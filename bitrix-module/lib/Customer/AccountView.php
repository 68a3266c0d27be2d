<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Customer;

use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Shop\Money;

Loc::loadMessages(__FILE__);

/**
 * Turns the ledger's balance and history page into what the personal-account
 * component shows: formatted amounts ("1 250,50 ₽"), dates in the site's
 * format, type labels, store or order captions and order links, and the
 * paging links. Everything it returns is plain text; the template escapes it.
 */
final class AccountView
{
    public const SOURCE_STORE = '1c_retail';
    public const SOURCE_WEB = 'web';

    private readonly string $orderUrlTemplate;
    private readonly string $currentUrl;
    private readonly string $cursorParam;
    private readonly string $dateFormat;
    private readonly ?\DateTimeZone $timezone;

    /**
     * @param array{ORDER_URL_TEMPLATE?: string, CURRENT_URL?: string, CURSOR_PARAM?: string,
     *     DATE_FORMAT?: string, TIMEZONE?: ?string} $params
     *     ORDER_URL_TEMPLATE: order page with #ID# (default /personal/orders/#ID#);
     *     CURRENT_URL: this page's URL, query included; CURSOR_PARAM: the GET
     *     parameter that carries the page cursor; DATE_FORMAT: a PHP date()
     *     format (the site's, converted by the component); TIMEZONE: shown
     *     zone, null keeps the ledger's own offset.
     */
    public function __construct(array $params = [])
    {
        $this->orderUrlTemplate = trim((string) ($params['ORDER_URL_TEMPLATE'] ?? '/personal/orders/#ID#'));
        $this->currentUrl = (string) ($params['CURRENT_URL'] ?? '');
        $this->cursorParam = (string) ($params['CURSOR_PARAM'] ?? 'cursor');
        $this->dateFormat = (string) ($params['DATE_FORMAT'] ?? 'd.m.Y H:i');
        $zone = $params['TIMEZONE'] ?? null;
        $this->timezone = is_string($zone) && $zone !== '' ? new \DateTimeZone($zone) : null;
    }

    /** A page cursor from the query string: a positive integer, else the first page. */
    public static function cursorFrom(mixed $value): ?int
    {
        return is_string($value) && preg_match('/^[1-9]\d{0,17}$/', $value) === 1 ? (int) $value : null;
    }

    /**
     * @param array{balance: float|int, updated_at?: ?string} $balance   CashbackLedger::balance()
     * @param array{items: list<array<string, mixed>>, next_cursor: ?int} $page CashbackLedger::history()
     * @param ?int $cursor the cursor this page was read with (null: the first page)
     * @return array{BALANCE: array{AMOUNT: string, NEGATIVE: bool, UPDATED_AT: ?string},
     *     ITEMS: list<array<string, mixed>>, NAV: array{FIRST_URL: ?string, NEXT_URL: ?string, IS_FIRST_PAGE: bool}, EMPTY: bool}
     */
    public function build(array $balance, array $page, ?int $cursor = null): array
    {
        $amount = Money::fromLedger($balance['balance'] ?? 0);
        $items = array_map(fn (array $item) => $this->item($item), $page['items'] ?? []);
        $next = $page['next_cursor'] ?? null;
        return [
            'BALANCE' => [
                'AMOUNT' => $this->money($amount, false),
                'NEGATIVE' => $amount->isNegative(),
                'UPDATED_AT' => $this->date($balance['updated_at'] ?? null),
            ],
            'ITEMS' => $items,
            'NAV' => [
                'FIRST_URL' => $cursor !== null ? $this->pageUrl(null) : null,
                'NEXT_URL' => $next !== null ? $this->pageUrl((int) $next) : null,
                'IS_FIRST_PAGE' => $cursor === null,
            ],
            'EMPTY' => $items === [] && $cursor === null,
        ];
    }

    /**
     * @param array<string, mixed> $item one history entry
     * @return array{ID: int, DATE: string, TYPE: string, TYPE_LABEL: string, AMOUNT: string,
     *     DIRECTION: string, CHANNEL: string, TITLE: string, DETAIL: string, URL: ?string, ORDER_ID: ?int}
     */
    public function item(array $item): array
    {
        $type = (string) ($item['type'] ?? '');
        $amount = Money::fromLedger($item['amount'] ?? 0);
        $effect = isset($item['effect']) ? Money::fromLedger($item['effect']) : ($type === 'debit' ? $amount->abs()->negate() : $amount);
        $kind = $type === 'accrual' && $amount->isNegative() ? 'accrual_reversal' : $type;
        $source = (string) ($item['source'] ?? '');
        $description = trim((string) ($item['description'] ?? ''));
        $typeLabel = $this->label('TYPE_' . strtoupper($kind), $kind);

        $orderId = null;
        $url = null;
        if ($source === self::SOURCE_STORE) {
            $channel = 'store';
            $title = $this->label('IN_STORE', 'In-store purchase');
            $detail = $description;
        } elseif ($source === self::SOURCE_WEB) {
            $channel = 'web';
            $orderId = self::orderIdOf((string) ($item['external_id'] ?? ''));
            $title = $description !== '' ? $description
                : ($orderId !== null ? $this->label('ORDER', 'Order No. #ID#', ['#ID#' => (string) $orderId]) : $typeLabel);
            $detail = '';
            if ($orderId !== null && self::isSafeUrl($this->orderUrlTemplate)) {
                $url = str_replace(['#ID#', '#ORDER_ID#'], (string) $orderId, $this->orderUrlTemplate);
            }
        } else {
            $channel = 'other';
            $title = $description !== '' ? $description : $typeLabel;
            $detail = '';
        }

        return [
            'ID' => (int) ($item['transaction_id'] ?? 0),
            'DATE' => $this->date(isset($item['created_at']) ? (string) $item['created_at'] : null) ?? '',
            'TYPE' => $kind,
            'TYPE_LABEL' => $typeLabel,
            'AMOUNT' => $this->money($effect, true),
            'DIRECTION' => $effect->isNegative() ? 'out' : 'in',
            'CHANNEL' => $channel,
            'TITLE' => $title,
            'DETAIL' => $detail,
            'URL' => $url,
            'ORDER_ID' => $orderId,
        ];
    }

    /** A site path or an http(s) address; never javascript: or data: whatever the parameter says. */
    private static function isSafeUrl(string $url): bool
    {
        return $url !== '' && preg_match('~^(/|https?://)~i', $url) === 1;
    }

    /** The order an online entry belongs to: web_accrual_15, web_redeem_release_15 → 15. */
    public static function orderIdOf(string $externalId): ?int
    {
        return preg_match('/^web_(?:accrual|accrual_reversal|redeem|redeem_release)_([1-9]\d{0,17})$/', $externalId, $m) === 1
            ? (int) $m[1]
            : null;
    }

    /** "1 250,50 ₽"; signed "+150,00 ₽" / "−90,00 ₽" for history entries. */
    public function money(Money $amount, bool $signed): string
    {
        $number = $amount->format(
            $this->label('THOUSANDS_SEPARATOR', ' '),
            $this->label('DECIMAL_SEPARATOR', ','),
        );
        $sign = $amount->isNegative() ? "\u{2212}" : ($signed && $amount->isPositive() ? '+' : '');
        return $this->label('MONEY', '#AMOUNT# ₽', ['#AMOUNT#' => $sign . $number]);
    }

    public function date(?string $iso): ?string
    {
        if ($iso === null || $iso === '') {
            return null;
        }
        try {
            $time = new \DateTimeImmutable($iso);
        } catch (\Exception) {
            return $iso;
        }
        if ($this->timezone !== null) {
            $time = $time->setTimezone($this->timezone);
        }
        return $time->format($this->dateFormat);
    }

    /** This page's URL with the cursor set (or removed for the first page). */
    public function pageUrl(?int $cursor): string
    {
        $parts = parse_url($this->currentUrl);
        $path = is_array($parts) ? (string) ($parts['path'] ?? '') : '';
        $query = [];
        if (is_array($parts) && isset($parts['query'])) {
            parse_str($parts['query'], $query);
        }
        unset($query[$this->cursorParam]);
        if ($cursor !== null) {
            $query[$this->cursorParam] = (string) $cursor;
        }
        $queryString = http_build_query($query, '', '&', PHP_QUERY_RFC3986);
        $url = $path . ($queryString !== '' ? '?' . $queryString : '');
        return $url !== '' ? $url : '?';
    }

    /** @param array<string, string> $replace */
    private function label(string $code, string $fallback, array $replace = []): string
    {
        $text = Loc::getMessage('RETAILLAB_CASHBACK_ACCOUNT_' . $code, $replace === [] ? null : $replace);
        return $text !== null && $text !== '' ? $text : strtr($fallback, $replace);
    }
}
