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

    private function __construct(private readonly Output $output, private readonly int $total, private readonly bool $onTerminal)
    {
    }

    public static function start(Output $output, int $total): self
    {
        return new self($output, $total, $output->progressOnTerminal());
    }

    /** Shows $done of the total; repeating the last value prints nothing. */
    public function update(int $done): void
    {
        if ($done === $this->shown) {
            return;
        }
        $this->shown = $done;
        if (!$this->onTerminal) {
            $this->output->progress("$done/{$this->total} rows\n");
            return;
        }
        $share = $this->total === 0 ? 1.0 : $done / $this->total;
        $filled = (int) round($share * self::BAR_WIDTH);
        $this->output->progress(sprintf(
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
            $this->output->progress("\n");
        }
    }
}
