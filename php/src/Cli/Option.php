<?php

declare(strict_types=1);

namespace Cashback\Cli;

/** A `--name=VALUE` or `--flag` option of a command, with its help text. */
final class Option
{
    private function __construct(
        public readonly string $name,
        public readonly ?string $valueName,
        public readonly string $description,
    ) {
    }

    public static function value(string $name, string $valueName, string $description): self
    {
        return new self($name, $valueName, $description);
    }

    public static function flag(string $name, string $description): self
    {
        return new self($name, null, $description);
    }

    public function takesValue(): bool
    {
        return $this->valueName !== null;
    }

    public function synopsis(): string
    {
        return $this->valueName === null ? "--{$this->name}" : "--{$this->name}={$this->valueName}";
    }
}
