<?php

declare(strict_types=1);

namespace Cashback\Cli;

use Cashback\Settings;

/**
 * One run of a command: its checked arguments, the output, and lazy access
 * to the settings and the ledger. Argument readers throw UsageError naming
 * the command, so every bad value gets the same one-line hint.
 */
final class Invocation
{
    /** @param list<string> $arguments The positional words after the command name. */
    public function __construct(
        public readonly Command $command,
        private readonly array $arguments,
        private readonly Arguments $parsed,
        public readonly Output $output,
        private readonly Environment $environment,
    ) {
    }

    public function argument(int $index): ?string
    {
        return $this->arguments[$index] ?? null;
    }

    /** @return list<string> */
    public function arguments(): array
    {
        return $this->arguments;
    }

    public function option(string $name): ?string
    {
        return $this->parsed->value($name);
    }

    public function flag(string $name): bool
    {
        return $this->parsed->has($name);
    }

    /** A user or key id given as an argument or an option value. */
    public function id(string $text, string $label): int
    {
        return $this->integer($text, $label, 1, PHP_INT_MAX);
    }

    /** An integer option within bounds; $default when the option is absent. */
    public function intOption(string $name, ?int $default, int $min, int $max): ?int
    {
        $text = $this->option($name);
        return $text === null ? $default : $this->integer($text, "--$name", $min, $max);
    }

    /** A value option that, when given, must not be empty. */
    public function textOption(string $name): ?string
    {
        $text = $this->option($name);
        if ($text === '') {
            throw $this->usageError("--$name must not be empty");
        }
        return $text;
    }

    public function usageError(string $message): UsageError
    {
        return new UsageError($message, $this->command->name);
    }

    public function ledger(): \CashbackLedger
    {
        return $this->environment->ledger();
    }

    public function settings(): Settings
    {
        return $this->environment->settings();
    }

    public function databasePath(): string
    {
        return $this->environment->databasePath();
    }

    /** The database as it may be shown (a URL without its password). */
    public function databaseShown(): string
    {
        return $this->environment->databaseShown();
    }

    private function integer(string $text, string $label, int $min, int $max): int
    {
        $options = ['options' => ['min_range' => $min, 'max_range' => $max]];
        $value = preg_match('/^-?[0-9]+$/', $text) === 1 ? filter_var($text, FILTER_VALIDATE_INT, $options) : false;
        if ($value === false) {
            $range = $max === PHP_INT_MAX ? "an integer of at least $min" : "an integer from $min to $max";
            throw $this->usageError("$label must be $range, got \"$text\"");
        }
        return $value;
    }
}
