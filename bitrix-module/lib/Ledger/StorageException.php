<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Ledger;

/**
 * The module's storage options name no database the ledger can open (the
 * site's own database is not MariaDB/MySQL, no URL was saved, ...). It is a
 * \CashbackException with the extension's code for exactly that fault,
 * invalid_path ("no database was named: the host's configuration", HTTP 500),
 * so every caller that handles the ledger's failures handles this one too: the
 * API answers 500 and logs it, agents log it, admin pages show it.
 *
 * The message is localized and never holds a password.
 */
final class StorageException extends \CashbackException
{
    public const CODE = 'invalid_path';

    public function __construct(string $message)
    {
        parent::__construct($message);
        $this->errorCode = self::CODE;
    }
}
