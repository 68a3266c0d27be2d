<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Notify;

/**
 * Where background work reports a failure it survived (an agent must never
 * throw into the Bitrix agent loop). BitrixEventLog writes Bitrix's event log.
 */
interface ErrorLog
{
    /**
     * @param string $source What failed, e.g. "SilenceAgent".
     * @param string $message One line for the operator; never secrets.
     */
    public function error(string $source, string $message): void;
}
