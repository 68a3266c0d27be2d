<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Controller\Filter;

use Bitrix\Main\Engine\ActionFilter\Base;
use Bitrix\Main\Error;
use Bitrix\Main\Event;
use Bitrix\Main\EventResult;

/**
 * Pre-filter of the 1C API: a request without an X-API-Key header does not
 * reach the action. It only checks presence: the key itself is verified by the
 * shared API against the ledger (hash compare, revocation), which also writes
 * the attempt to the sync log.
 *
 * Bitrix turns a refusing pre-filter into its {"status":"error"} envelope with
 * HTTP 200; the API controller (Controller\Api::processAfterAction) replaces that
 * with the contract's 401 {"error":"unauthorized"}.
 */
final class ApiKey extends Base
{
    public const HEADER = 'X-API-Key';
    public const ERROR_MISSING_KEY = 'RETAILLAB_CASHBACK_MISSING_API_KEY';

    public function onBeforeAction(Event $event)
    {
        $key = $this->getAction()->getController()->getRequest()->getHeader(self::HEADER);
        if (is_string($key) && trim($key) !== '') {
            return null;
        }
        $this->errorCollection[] = new Error('unauthorized: the X-API-Key header is missing', self::ERROR_MISSING_KEY);
        return new EventResult(EventResult::ERROR, null, null, $this);
    }
}
