<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Event;

/**
 * Where the event handlers and their services report what went wrong.
 *
 * AddMessage2Log() writes only when the site defines LOG_FILENAME (in
 * dbconn.php); otherwise the message goes to PHP's error_log, so a failure in
 * a handler is never lost silently. Tests may capture messages with capture().
 */
final class Log
{
    public const MODULE_ID = 'retaillab.cashback';

    /** @var ?\Closure(string): void */
    private static ?\Closure $sink = null;

    public static function write(string $message): void
    {
        if (self::$sink !== null) {
            (self::$sink)($message);
            return;
        }
        if (defined('LOG_FILENAME') && function_exists('AddMessage2Log')) {
            \AddMessage2Log($message, self::MODULE_ID, 0);
            return;
        }
        error_log('[' . self::MODULE_ID . '] ' . $message);
    }

    /** The writer as a closure, for services that take a logger. */
    public static function writer(): \Closure
    {
        return static fn (string $message) => self::write($message);
    }

    /**
     * @internal for tests: send messages to $sink instead (null restores the default)
     * @param ?\Closure(string): void $sink
     */
    public static function capture(?\Closure $sink): void
    {
        self::$sink = $sink;
    }

    /** "+7 900 ***-**-67"-style masking: enough to recognise a number in a log, not to harvest it. */
    public static function maskPhone(string $phone): string
    {
        $phone = trim($phone);
        $length = mb_strlen($phone);
        if ($length <= 4) {
            return str_repeat('*', $length);
        }
        return mb_substr($phone, 0, 2) . str_repeat('*', $length - 4) . mb_substr($phone, -2);
    }
}
