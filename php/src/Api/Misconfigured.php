<?php

declare(strict_types=1);

namespace Cashback\Api;

/**
 * The host's database setting or ledger options are unusable (the extension
 * refused them when opening the ledger): answered 503 config_invalid, as a
 * broken settings file is, with the extension's reason in the server log.
 */
final class Misconfigured extends \RuntimeException
{
    /** What the constructor answers for a database setting or an option it cannot use. */
    public const CODES = ['invalid_path', 'invalid_option'];

    public function __construct(\CashbackException $refusal)
    {
        parent::__construct("{$refusal->getErrorCode()}: {$refusal->getMessage()}", 0, $refusal);
    }
}
