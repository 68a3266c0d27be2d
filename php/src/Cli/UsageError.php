<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * The command line itself is wrong (unknown command or option, missing or
 * malformed argument): exit 64 with a one-line hint, never a stack trace.
 */
final class UsageError extends \RuntimeException
{
    /** @param string $command The command whose --help explains the fix; '' for the global help. */
    public function __construct(string $message, public readonly string $command = '')
    {
        parent::__construct($message);
    }

    public function oneLine(): string
    {
        $prefix = $this->command === '' ? 'cashback' : "cashback {$this->command}";
        return "$prefix: {$this->getMessage()} (see '$prefix --help')";
    }
}
