<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * A parsed command line: positional words and `--name[=value]` options, in
 * any order. Value options also accept the value as the next word
 * (`--limit 5`), so the parser must know which options take one.
 */
final class Arguments
{
    /**
     * @param list<string> $positionals
     * @param array<string, string|true> $options A flag is true; a value option holds its text.
     */
    private function __construct(public readonly array $positionals, private readonly array $options)
    {
    }

    /**
     * @param list<string> $argv The words after the program name.
     * @param array<string, bool> $known Option name => whether it takes a value.
     * @param bool $strict Refuse unknown and malformed options; a lenient parse (while the
     *     command is still unknown) skips them, as the command's own parse reports them.
     * @throws UsageError
     */
    public static function parse(array $argv, array $known, bool $strict, string $command = ''): self
    {
        $positionals = [];
        $options = [];
        for ($i = 0; $i < count($argv); $i++) {
            $word = $argv[$i] === '-h' ? '--help' : $argv[$i];
            if ($word === '--') {
                array_push($positionals, ...array_slice($argv, $i + 1));
                break;
            }
            if (!str_starts_with($word, '-') || $word === '-') {
                $positionals[] = $word;
                continue;
            }
            try {
                [$name, $value] = self::option($word, $argv[$i + 1] ?? null, $known, $command);
                if ($value !== true && !str_contains($word, '=')) {
                    $i++; // the value was the next word
                }
                if (array_key_exists($name, $options)) {
                    throw new UsageError("--$name is given twice", $command);
                }
                $options[$name] = $value;
            } catch (UsageError $e) {
                if ($strict) {
                    throw $e;
                }
            }
        }
        return new self($positionals, $options);
    }

    /**
     * @param array<string, bool> $known
     * @return array{string, string|true} The name and the value (true for a flag).
     */
    private static function option(string $word, ?string $next, array $known, string $command): array
    {
        if (!str_starts_with($word, '--')) {
            throw new UsageError("unknown option $word", $command);
        }
        [$name, $value] = array_pad(explode('=', substr($word, 2), 2), 2, null);
        $takesValue = $known[$name] ?? throw new UsageError("unknown option --$name", $command);
        if ($takesValue && $value === null) {
            return [$name, $next ?? throw new UsageError("--$name needs a value", $command)];
        }
        if (!$takesValue && $value !== null) {
            throw new UsageError("--$name takes no value", $command);
        }
        return [$name, $value ?? true];
    }

    public function has(string $name): bool
    {
        return array_key_exists($name, $this->options);
    }

    /** The text of a value option, or null when it is absent. */
    public function value(string $name): ?string
    {
        $value = $this->options[$name] ?? null;
        return is_string($value) ? $value : null;
    }
}
