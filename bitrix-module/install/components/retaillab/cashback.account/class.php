<?php

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\Type\DateTime;
use Retaillab\Cashback\Customer\AccountView;
use Retaillab\Cashback\Event\Log;
use Retaillab\Cashback\Ledger\LedgerFactory;

if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

Loc::loadMessages(__FILE__);

/**
 * retaillab:cashback.account: the current user's cashback balance and
 * history, newest first, one page per request (the ledger's cursor travels
 * in a GET parameter). Not cached: the balance must be the live one, and a
 * page is one indexed read of the ledger.
 *
 * $arResult: BALANCE, ITEMS, NAV, EMPTY (see Customer\AccountView), or
 * ERROR = 'auth' | 'module' | 'unavailable'.
 */
class RetaillabCashbackAccountComponent extends CBitrixComponent
{
    public const DEFAULT_ORDER_URL = '/personal/orders/#ID#';
    public const DEFAULT_PAGE_SIZE = 20;
    public const DEFAULT_CURSOR_PARAM = 'cashback_page';

    public function onPrepareComponentParams($arParams)
    {
        $arParams = is_array($arParams) ? $arParams : [];
        $url = trim((string) ($arParams['ORDER_URL_TEMPLATE'] ?? ''));
        $arParams['ORDER_URL_TEMPLATE'] = $url !== '' ? $url : self::DEFAULT_ORDER_URL;
        $size = (int) ($arParams['PAGE_SIZE'] ?? 0);
        $arParams['PAGE_SIZE'] = $size >= 1 && $size <= 100 ? $size : self::DEFAULT_PAGE_SIZE;
        $param = (string) ($arParams['CURSOR_PARAM'] ?? '');
        $arParams['CURSOR_PARAM'] = preg_match('/^[A-Za-z][A-Za-z0-9_]{0,39}$/', $param) === 1 ? $param : self::DEFAULT_CURSOR_PARAM;
        $arParams['SET_TITLE'] = ($arParams['SET_TITLE'] ?? 'Y') === 'N' ? 'N' : 'Y';
        return $arParams;
    }

    public function executeComponent()
    {
        if ($this->arParams['SET_TITLE'] === 'Y') {
            $this->setPageTitle((string) Loc::getMessage('RETAILLAB_CASHBACK_ACCOUNT_COMPONENT_TITLE'));
        }
        $this->arResult = $this->buildResult();
        $this->includeComponentTemplate();
        return null;
    }

    /** @return array<string, mixed> */
    protected function buildResult(): array
    {
        if (!$this->loadModule()) {
            return ['ERROR' => 'module'];
        }
        $userId = $this->currentUserId();
        if ($userId <= 0) {
            return ['ERROR' => 'auth'];
        }
        $cursor = AccountView::cursorFrom($this->queryValue($this->arParams['CURSOR_PARAM']));
        $view = new AccountView([
            'ORDER_URL_TEMPLATE' => $this->rawParam('ORDER_URL_TEMPLATE'),
            'CURRENT_URL' => $this->currentUrl(),
            'CURSOR_PARAM' => $this->arParams['CURSOR_PARAM'],
            'DATE_FORMAT' => $this->dateFormat(),
            'TIMEZONE' => $this->timezone(),
        ]);
        try {
            $ledger = $this->ledger();
            return $view->build($ledger->balance($userId), $ledger->history($userId, $this->arParams['PAGE_SIZE'], $cursor), $cursor);
        } catch (\Throwable $e) {
            Log::write(sprintf('cashback.account: user %d: %s: %s', $userId,
                $e instanceof \CashbackException ? $e->getErrorCode() : get_class($e), $e->getMessage()));
            return ['ERROR' => 'unavailable'];
        }
    }

    /**
     * A string parameter as onPrepareComponentParams() left it. Bitrix then
     * HTML-escapes every string parameter containing ; & < > or " in $arParams
     * (CBitrixComponent::__prepareComponentParams()) and keeps the raw value
     * under '~KEY'; the template escapes what it prints itself, so values used
     * to build output must be the raw ones.
     */
    private function rawParam(string $key): string
    {
        return (string) ($this->arParams['~' . $key] ?? $this->arParams[$key] ?? '');
    }

    // The Bitrix environment, one call each (tests replace these).

    protected function loadModule(): bool
    {
        return Loader::includeModule('retaillab.cashback');
    }

    protected function currentUserId(): int
    {
        global $USER;
        return is_object($USER) && $USER->IsAuthorized() ? (int) $USER->GetID() : 0;
    }

    protected function queryValue(string $name): mixed
    {
        return Context::getCurrent()->getRequest()->getQuery($name);
    }

    protected function currentUrl(): string
    {
        return (string) Context::getCurrent()->getRequest()->getRequestUri();
    }

    /** The site's date-time format, converted to PHP's date() letters. */
    protected function dateFormat(): string
    {
        $format = DateTime::getFormat();
        return is_string($format) && $format !== '' ? $format : 'd.m.Y H:i:s';
    }

    /** The zone times are shown in: the site's (Bitrix sets PHP's default zone from its settings). */
    protected function timezone(): string
    {
        return date_default_timezone_get();
    }

    protected function ledger(): \CashbackLedger
    {
        return LedgerFactory::open();
    }

    protected function setPageTitle(string $title): void
    {
        global $APPLICATION;
        if ($title !== '' && is_object($APPLICATION)) {
            $APPLICATION->SetTitle($title);
        }
    }
}
