<?php

declare(strict_types=1);

namespace Cashback\Cli;

/** The help pages, rendered from the command definitions. */
final class Help
{
    /** Usage lines longer than this do not widen the command column. */
    private const MAX_COLUMN = 56;

    private const EXIT_STATUSES = <<<'TEXT'
        Exit status:
          0   success
          1   ledger error (error: <code>: <message>), verify found problems, health failed
          2   monitor: some stores are silent (Nagios CRITICAL)
          64  usage error: unknown command or option, bad argument
          65  bad input file, or some imported rows were rejected
          66  input file not found or unreadable
          69  the cashback extension cannot be loaded
          70  internal error (a bug in the CLI)
          74  the output cannot be written (e.g. a full disk)
          75  database busy, read-only, full, unavailable or too new (transient codes): retry later
          78  bad or missing configuration
          141 stdout closed by its reader (e.g. piped into head): nothing is reported
        With --json every error is also one document {"error": CODE, "message": TEXT} on stdout.
        TEXT;

    /**
     * @param list<Command> $commands
     * @param list<Option> $globalOptions
     */
    public static function overview(array $commands, array $globalOptions): string
    {
        $lines = [
            'cashback - operator CLI of the cashback ledger',
            '',
            'Usage: cashback [GLOBAL OPTIONS] COMMAND [ARGUMENTS] [OPTIONS]',
            '',
            'Commands:',
            ...self::columns(array_map(fn (Command $c) => [$c->usage(), $c->summary], $commands)),
            '',
            'Global options (accepted by every command):',
            ...self::optionLines($globalOptions),
            '',
            self::EXIT_STATUSES,
            '',
            "Run 'cashback COMMAND --help' for a command's options and an example.",
            'Amounts are rubles; times are in the ledger time zone (setting \'timezone\').',
        ];
        return implode("\n", $lines) . "\n";
    }

    /** @param list<Command> $commands The commands of one group, e.g. every "keys ..." command. */
    public static function group(string $group, array $commands): string
    {
        $lines = [
            "Commands of cashback $group:",
            ...self::columns(array_map(fn (Command $c) => [$c->usage(), $c->summary], $commands)),
            '',
            "Run 'cashback $group SUBCOMMAND --help' for details.",
        ];
        return implode("\n", $lines) . "\n";
    }

    /** @param list<Option> $globalOptions */
    public static function command(Command $command, array $globalOptions): string
    {
        $lines = ["Usage: cashback {$command->usage()}", '', $command->summary . '.', ''];
        if ($command->description !== '') {
            $lines = [...$lines, $command->description, ''];
        }
        if ($command->options !== []) {
            $lines = [...$lines, 'Options:', ...self::optionLines($command->options), ''];
        }
        $globals = implode(' ', array_map(fn (Option $o) => $o->synopsis(), $globalOptions));
        $lines = [...$lines, "Global options: $globals", '', 'Example:', "  {$command->example}"];
        return implode("\n", $lines) . "\n";
    }

    /**
     * @param list<Option> $options
     * @return list<string>
     */
    private static function optionLines(array $options): array
    {
        return self::columns(array_map(fn (Option $o) => [$o->synopsis(), $o->description], $options));
    }

    /**
     * Two aligned columns, indented; a first column too wide to align puts
     * its description on the next line.
     *
     * @param list<array{string, string}> $rows
     * @return list<string>
     */
    private static function columns(array $rows): array
    {
        $fitting = array_filter(array_map(fn (array $row) => strlen($row[0]), $rows), fn (int $w) => $w <= self::MAX_COLUMN);
        $width = $fitting === [] ? self::MAX_COLUMN : max($fitting);
        $lines = [];
        foreach ($rows as [$term, $description]) {
            if (strlen($term) > $width) {
                array_push($lines, "  $term", '  ' . str_repeat(' ', $width + 2) . $description);
            } else {
                $lines[] = '  ' . str_pad($term, $width) . '  ' . $description;
            }
        }
        return $lines;
    }
}
