<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * stdout or stderr takes no more output: the reader of a pipe is gone
 * (`cashback log | head -1`), or the disk behind a redirect is full.
 */
final class OutputError extends \RuntimeException
{
    /** PHP reports a failed write as "... failed with errno=32 Broken pipe"; 32 is EPIPE on Linux and the BSDs. */
    private const BROKEN_PIPE = 'errno=32 ';

    /** Made right after a failed fwrite(), from the warning PHP recorded for it. */
    public static function ofLastWrite(): self
    {
        return new self('cannot write the output: ' . (error_get_last()['message'] ?? 'short write'));
    }

    public function isBrokenPipe(): bool
    {
        return str_contains($this->getMessage(), self::BROKEN_PIPE);
    }
}
