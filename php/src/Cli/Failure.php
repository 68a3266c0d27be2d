<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * A failure the CLI detects itself (bad configuration, unreadable or bad
 * input file): printed as "error: <message>" (with --json, also as
 * `{"error": code, "message": ...}` on stdout) with its own exit status.
 */
final class Failure extends \RuntimeException
{
    private function __construct(string $message, public readonly string $errorCode, public readonly int $exitCode)
    {
        parent::__construct($message);
    }

    public static function config(string $message): self
    {
        return new self($message, 'config_invalid', ExitCode::CONFIG);
    }

    public static function inputUnreadable(string $message): self
    {
        return new self($message, 'input_unreadable', ExitCode::NO_INPUT);
    }

    public static function inputInvalid(string $message): self
    {
        return new self($message, 'input_invalid', ExitCode::DATA_ERROR);
    }
}
