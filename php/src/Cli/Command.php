<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * One CLI command: how it is called, its help, and the handler that runs it.
 * The help pages and the argument checks are both derived from this, so they
 * cannot disagree.
 */
final class Command
{
    /**
     * @param string $name Command words, e.g. "keys create".
     * @param string $synopsis What follows the name in the usage line, e.g. "NAME [--store=ID]".
     * @param list<Option> $options
     * @param \Closure(Invocation): int $handler Returns the exit status.
     */
    public function __construct(
        public readonly string $name,
        public readonly string $synopsis,
        public readonly int $minArguments,
        public readonly int $maxArguments,
        public readonly string $summary,
        public readonly string $description,
        public readonly array $options,
        public readonly string $example,
        private readonly \Closure $handler,
    ) {
    }

    /** @return list<string> */
    public function words(): array
    {
        return explode(' ', $this->name);
    }

    public function usage(): string
    {
        return trim("{$this->name} {$this->synopsis}");
    }

    public function run(Invocation $invocation): int
    {
        return ($this->handler)($invocation);
    }
}
