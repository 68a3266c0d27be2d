<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

/**
 * A small piece of state that outlives the request: which stores were already
 * alerted, how far a reindex got. OptionStateStore keeps it in a module option.
 */
interface StateStore
{
    /** @return array<string, mixed> The saved state; [] when nothing (or nothing readable) is saved. */
    public function load(): array;

    /** @param array<string, mixed> $state */
    public function save(array $state): void;

    public function clear(): void;
}
