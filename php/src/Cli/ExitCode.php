<?php

declare(strict_types=1);

namespace Cashback\Cli;

use Cashback\Api\ErrorStatus;

/**
 * Exit statuses of the CLI. The 64+ values are the BSD sysexits.h codes, so
 * cron wrappers and monitoring can tell "fix the command line" from "retry
 * later" without parsing messages.
 */
final class ExitCode
{
    public const OK = 0;
    /** A ledger error, verify problems or a failed health check. */
    public const FAILURE = 1;
    /** `monitor` found silent stores (Nagios CRITICAL). */
    public const CRITICAL = 2;
    public const USAGE = 64;
    /** The input file is malformed or some of its rows were rejected. */
    public const DATA_ERROR = 65;
    public const NO_INPUT = 66;
    /** The cashback extension is neither loaded nor loadable. */
    public const UNAVAILABLE = 69;
    /** A bug: an unexpected PHP error inside the CLI. */
    public const SOFTWARE = 70;
    /** stdout or stderr cannot be written (a full disk behind a redirect). */
    public const IO_ERROR = 74;
    /** The database is busy, read-only, full or unavailable: try again later. */
    public const TEMPORARY_FAILURE = 75;
    public const CONFIG = 78;
    /**
     * The reader of stdout went away (`cashback log | head -1`): 128 + SIGPIPE,
     * the status of a program the signal ended, so `set -o pipefail` sees the
     * CLI as it sees any other program in the pipe.
     */
    public const BROKEN_PIPE = 141;

    /** Transient faults (the vocabulary's: database busy, read-only, …) are worth retrying; every other ledger refusal is final. */
    public static function forLedgerError(string $code): int
    {
        return ErrorStatus::isRetryable($code) ? self::TEMPORARY_FAILURE : self::FAILURE;
    }
}
