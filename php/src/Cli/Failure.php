<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * A failure the CLI detects itself (unreadable file, bad configuration):
 * printed as "error: <message>" with its own exit status.
 */
final class Failure extends \RuntimeException
{
    public function __construct(string $message, public readonly int $exitCode)
    {
        parent::__construct($message);
    }
}
