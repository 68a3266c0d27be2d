<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * Lets the CLI run from a checkout where the extension is built but not
 * installed: the script runs itself again under `php -d extension=...`,
 * sharing stdin, stdout and stderr (so terminal detection still works).
 */
final class ExtensionLoader
{
    /** Set in the child, so a library that fails to load ends in an error instead of a loop. */
    private const GUARD = 'CASHBACK_CLI_REEXEC';

    /**
     * @param list<string> $arguments The words after the program name.
     * @return int The exit status of the re-run, or 69 when the extension cannot be loaded.
     */
    public static function rerunWithExtension(string $repository, string $script, array $arguments): int
    {
        $library = $repository . '/target/release/libcashback.so';
        $json = Application::wantsJson($arguments);
        if (getenv(self::GUARD) !== false) {
            return self::unavailable("the cashback extension could not be loaded from $library (see the PHP warning above)", $json);
        }
        if (!is_file($library)) {
            return self::unavailable(
                "the cashback extension is not loaded and $library does not exist; "
                . "build it with 'make' or install it with 'make install'",
                $json,
            );
        }
        $command = [PHP_BINARY, '-d', "extension=$library", $script, ...$arguments];
        $process = proc_open($command, [STDIN, STDOUT, STDERR], $pipes, null, getenv() + [self::GUARD => '1']);
        if ($process === false) {
            return self::unavailable('cannot start ' . PHP_BINARY . ' to load the cashback extension', $json);
        }
        return proc_close($process);
    }

    /**
     * Written without Output::error(): its escaping needs mbstring, which a PHP
     * that cannot load extensions may lack; the message holds only our own paths.
     */
    private static function unavailable(string $message, bool $json): int
    {
        fwrite(STDERR, "error: $message\n");
        if ($json) {
            (new Output(true))->errorDocument('extension_unavailable', $message);
        }
        return ExitCode::UNAVAILABLE;
    }
}
