<?php

declare(strict_types=1);

namespace Cashback\Cli;

use Cashback\Cli\Commands\BalanceCommands;
use Cashback\Cli\Commands\KeyCommands;
use Cashback\Cli\Commands\LogCommand;
use Cashback\Cli\Commands\MaintenanceCommands;
use Cashback\Cli\Commands\MonitorCommand;
use Cashback\Cli\Commands\StoreCommands;
use Cashback\Cli\Commands\UserCommands;

/**
 * The `cashback` operator CLI: finds the command in the command line, checks
 * its arguments, runs it, and turns every failure into a message and an exit
 * status (never a stack trace).
 */
final class Application
{
    /** @var list<Command> */
    private readonly array $commands;

    /** @param string $repository The checkout root: the default config is var/config.php in it. */
    public function __construct(private readonly string $repository)
    {
        $this->commands = [
            ...(new KeyCommands())->commands(),
            ...(new UserCommands())->commands(),
            ...(new BalanceCommands())->commands(),
            ...(new LogCommand())->commands(),
            ...(new MonitorCommand())->commands(),
            ...(new StoreCommands())->commands(),
            ...(new MaintenanceCommands())->commands(),
        ];
    }

    /** @return list<Option> */
    public static function globalOptions(): array
    {
        return [
            Option::value('config', 'FILE', 'settings file (default: $CASHBACK_CONFIG, else var/config.php of the checkout)'),
            Option::value('database', 'PATH|URL', 'ledger database: a SQLite file or mysql://user:password@host/db; overrides the config\'s'),
            Option::flag('json', 'machine output: one JSON document on stdout'),
            Option::flag('help', 'this help (also -h)'),
        ];
    }

    /**
     * @param list<string> $argv The words after the program name.
     * @return int The exit status.
     */
    public function run(array $argv): int
    {
        set_error_handler(self::warningToException(...));
        $preliminary = self::preliminary($argv);
        try {
            return $this->dispatch($argv, $preliminary);
        } catch (\Throwable $e) {
            return self::report(new Output($preliminary->has('json')), $e);
        }
    }

    /**
     * Whether errors must also be a JSON document on stdout: --json asks for it
     * even in a command line that is wrong otherwise.
     *
     * @param list<string> $argv
     */
    public static function wantsJson(array $argv): bool
    {
        return self::preliminary($argv)->has('json');
    }

    /**
     * $argv read for the global options only, as it is while the command is unknown.
     *
     * @param list<string> $argv
     */
    private static function preliminary(array $argv): Arguments
    {
        return Arguments::parse($argv, self::optionSpec(self::globalOptions()), false);
    }

    /**
     * Reports a failure and returns its exit status. A broken pipe is not
     * reported: the reader stopped reading on purpose (`cashback log | head -1`).
     */
    private static function report(Output $errors, \Throwable $e): int
    {
        if ($e instanceof OutputError && $e->isBrokenPipe()) {
            return ExitCode::BROKEN_PIPE;
        }
        [$code, $message, $line, $status] = self::describe($e);
        try {
            $errors->error($code, $message, $line);
        } catch (OutputError) {
            // Neither stream takes the report: the exit status is all that is left to tell.
        }
        return $status;
    }

    /** @return array{string, string, string, int} The error code, its message, the line for stderr, the exit status. */
    private static function describe(\Throwable $e): array
    {
        $message = $e->getMessage();
        return match (true) {
            $e instanceof UsageError => ['usage_error', $message, $e->oneLine(), ExitCode::USAGE],
            $e instanceof Failure => [$e->errorCode, $message, "error: $message", $e->exitCode],
            $e instanceof \CashbackException => [
                $e->getErrorCode(), $message, "error: {$e->getErrorCode()}: $message", ExitCode::forLedgerError($e->getErrorCode()),
            ],
            $e instanceof OutputError => ['output_failed', $message, "error: $message", ExitCode::IO_ERROR],
            default => ['internal_error', $e::class . ": $message", 'error: internal error: ' . $e::class . ": $message", ExitCode::SOFTWARE],
        };
    }

    /**
     * PHP warnings would otherwise be printed into stdout (and corrupt --json
     * output); as exceptions they end in one "error:" line instead.
     */
    private static function warningToException(int $severity, string $message, string $file, int $line): bool
    {
        if ((error_reporting() & $severity) === 0) {
            return false;
        }
        throw new \ErrorException($message, 0, $severity, $file, $line);
    }

    /**
     * @param list<string> $argv
     * @param Arguments $preliminary See preliminary().
     */
    private function dispatch(array $argv, Arguments $preliminary): int
    {
        $command = $this->find($preliminary->positionals);
        if ($command === null) {
            return $this->withoutCommand($preliminary);
        }
        $globals = self::optionSpec(self::globalOptions());
        $arguments = Arguments::parse($argv, $globals + self::optionSpec($command->options), true, $command->name);
        $output = new Output($arguments->has('json'));
        if ($arguments->has('help')) {
            $output->line(rtrim(Help::command($command, self::globalOptions())));
            return ExitCode::OK;
        }
        $positionals = array_slice($arguments->positionals, count($command->words()));
        $this->checkArity($command, $positionals);
        $environment = new Environment(
            $this->repository,
            self::nonEmpty($arguments, 'config', $command),
            self::nonEmpty($arguments, 'database', $command),
            $output,
        );
        return $command->run(new Invocation($command, $positionals, $arguments, $output, $environment));
    }

    /** Global help, a group's help, or the usage error for a missing or unknown command. */
    private function withoutCommand(Arguments $arguments): int
    {
        $output = new Output(false);
        $word = $arguments->positionals[0] ?? null;
        if ($word === null) {
            if ($arguments->has('help')) {
                $output->line(rtrim(Help::overview($this->commands, self::globalOptions())));
                return ExitCode::OK;
            }
            throw new UsageError('missing command');
        }
        $group = array_values(array_filter($this->commands, fn (Command $c) => $c->words()[0] === $word));
        if ($group === []) {
            throw new UsageError("unknown command \"$word\"");
        }
        if ($arguments->has('help')) {
            $output->line(rtrim(Help::group($word, $group)));
            return ExitCode::OK;
        }
        $subcommand = $arguments->positionals[1] ?? null;
        $choices = implode(', ', array_map(fn (Command $c) => $c->words()[1], $group));
        throw new UsageError(
            $subcommand === null ? "missing subcommand ($choices)" : "unknown subcommand \"$subcommand\" ($choices)",
            $word,
        );
    }

    /**
     * The command named by the leading words; the longest name wins, so
     * "stores register" is not read as "stores" with an argument.
     *
     * @param list<string> $positionals
     */
    private function find(array $positionals): ?Command
    {
        $found = null;
        foreach ($this->commands as $command) {
            $words = $command->words();
            if (array_slice($positionals, 0, count($words)) === $words
                && ($found === null || count($words) > count($found->words()))) {
                $found = $command;
            }
        }
        return $found;
    }

    /** @param list<string> $positionals */
    private function checkArity(Command $command, array $positionals): void
    {
        $count = count($positionals);
        if ($count < $command->minArguments) {
            throw new UsageError('missing argument; usage: cashback ' . $command->usage(), $command->name);
        }
        if ($count > $command->maxArguments) {
            $extra = $positionals[$command->maxArguments];
            throw new UsageError("unexpected argument \"$extra\"", $command->name);
        }
    }

    private static function nonEmpty(Arguments $arguments, string $name, Command $command): ?string
    {
        $value = $arguments->value($name);
        if ($value === '') {
            throw new UsageError("--$name must not be empty", $command->name);
        }
        return $value;
    }

    /**
     * @param list<Option> $options
     * @return array<string, bool>
     */
    private static function optionSpec(array $options): array
    {
        $spec = [];
        foreach ($options as $option) {
            $spec[$option->name] = $option->takesValue();
        }
        return $spec;
    }
}
