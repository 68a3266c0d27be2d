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
            Option::value('database', 'PATH', 'ledger database file; overrides the config\'s database'),
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
        $errors = new Output(false);
        set_error_handler(self::warningToException(...));
        try {
            return $this->dispatch($argv);
        } catch (UsageError $e) {
            $errors->warn($e->oneLine());
            return ExitCode::USAGE;
        } catch (Failure $e) {
            $errors->warn("error: {$e->getMessage()}");
            return $e->exitCode;
        } catch (\CashbackException $e) {
            $errors->warn("error: {$e->getErrorCode()}: {$e->getMessage()}");
            return ExitCode::forLedgerError($e->getErrorCode());
        } catch (\Throwable $e) {
            $errors->warn('error: internal error: ' . $e::class . ': ' . $e->getMessage());
            return ExitCode::SOFTWARE;
        }
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

    /** @param list<string> $argv */
    private function dispatch(array $argv): int
    {
        $globals = self::optionSpec(self::globalOptions());
        $preliminary = Arguments::parse($argv, $globals, false);
        $command = $this->find($preliminary->positionals);
        if ($command === null) {
            return $this->withoutCommand($preliminary);
        }
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
