<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

/** What one SilenceMonitor::check() saw and did. */
final class SilenceReport
{
    /**
     * @param list<string> $alerted Stores newly silent: sticker shown, mail queued.
     * @param list<string> $stillSilent Stores alerted on an earlier run and still silent (nothing sent).
     * @param list<string> $recovered Stores that spoke again: sticker removed, forgotten.
     * @param array<string, string> $failures store_id => why its sticker or mail failed (retried next run).
     * @param array<string, string> $thresholdProblems store_id => why its threshold from the options was refused.
     * @param bool $mailSkipped No notification address is set, so no mail was sent.
     */
    public function __construct(
        public readonly array $alerted,
        public readonly array $stillSilent,
        public readonly array $recovered,
        public readonly array $failures,
        public readonly array $thresholdProblems,
        public readonly bool $mailSkipped,
    ) {
    }

    /** @return list<string> Lines for the error log. */
    public function problems(): array
    {
        $lines = [];
        foreach ($this->failures as $storeId => $message) {
            $lines[] = "store $storeId: $message";
        }
        foreach ($this->thresholdProblems as $storeId => $message) {
            $lines[] = "store_silence_hours names store \"$storeId\": $message";
        }
        return $lines;
    }
}
