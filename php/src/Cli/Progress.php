<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * Progress of a long job on stderr: a redrawn bar on a terminal, and plain
 * "N/M rows" lines when stderr goes to a log file, where a bar would be noise.
 */
final class Progress
{
    private const BAR_WIDTH = 30;

    private ?int $shown = null;

    /** @param resource $stream */
    private function __construct(private $stream, private readonly int $total, private readonly bool $onTerminal)
    {
    }

    /** @param resource $stream */
    public static function start($stream, int $total): self
    {
        return new self($stream, $total, stream_isatty($stream));
    }

    /** Shows $done of the total; repeating the last value prints nothing. */
    public function update(int $done): void
    {
        if ($done === $this->shown) {
            return;
        }
        $this->shown = $done;
        if (!$this->onTerminal) {
            fwrite($this->stream, "$done/{$this->total} rows\n");
            return;
        }
        $share = $this->total === 0 ? 1.0 : $done / $this->total;
        $filled = (int) round($share * self::BAR_WIDTH);
        fwrite($this->stream, sprintf(
            "\r[%s%s] %3d%%  %s/%s rows",
            str_repeat('#', $filled),
            str_repeat('.', self::BAR_WIDTH - $filled),
            (int) floor($share * 100),
            Format::count($done),
            Format::count($this->total),
        ));
    }

    /** Ends the bar's line so the report starts on a fresh one. */
    public function finish(): void
    {
        if ($this->onTerminal) {
            fwrite($this->stream, "\n");
        }
    }
}
