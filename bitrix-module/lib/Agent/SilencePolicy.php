<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Retaillab\Cashback\Options;

/**
 * The silence settings the monitor works with, cleaned: thresholds are whole
 * hours of at least 1 (a store threshold below 1 means "the default").
 */
final class SilencePolicy
{
    public readonly int $defaultHours;

    /** @var array<string, int> store_id => hours */
    public readonly array $storeHours;

    public readonly string $notifyEmail;

    /** @param array<int|string, int|string> $storeHours */
    public function __construct(int $defaultHours, array $storeHours = [], string $notifyEmail = '')
    {
        $this->defaultHours = max(1, $defaultHours);
        $clean = [];
        foreach ($storeHours as $storeId => $hours) {
            $storeId = trim((string) $storeId);
            if ($storeId !== '' && (int) $hours >= 1) {
                $clean[$storeId] = (int) $hours;
            }
        }
        $this->storeHours = $clean;
        $this->notifyEmail = trim($notifyEmail);
    }

    /** From the module settings; only the valid notification addresses, comma-separated for #EMAIL_TO#. */
    public static function fromOptions(): self
    {
        return new self(Options::silenceHours(), Options::storeSilenceHours(), implode(', ', Options::notifyEmails()));
    }

    /** The threshold that applies to a store. */
    public function hoursFor(string $storeId): int
    {
        return $this->storeHours[$storeId] ?? $this->defaultHours;
    }
}
