<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * Text from the ledger, from files and from the command line, made safe to
 * show on a terminal: characters a terminal acts on instead of showing them
 * (escape sequences that retitle the window or clear the screen, bidi
 * overrides that reorder what is read) are written as visible escapes such
 * as \x1B or \u{202E}, and bytes that are not UTF-8 as \xFF.
 */
final class TerminalText
{
    /** C0 and C1 controls with DEL, format characters (bidi controls, zero-width ones), line and paragraph separators. */
    private const UNSAFE = '/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u';

    /** One well-formed UTF-8 character, or (group 1) a byte that cannot start one here. */
    private const UTF8_OR_BYTE = '/[\x00-\x7F]|[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}'
        . '|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}|\xF4[\x80-\x8F][\x80-\xBF]{2}|(.)/s';

    /** Every unsafe character escaped, line breaks included: a one-line message or a table cell. */
    public static function escape(string $text): string
    {
        if (!mb_check_encoding($text, 'UTF-8')) {
            $text = preg_replace_callback(
                self::UTF8_OR_BYTE,
                fn (array $match) => isset($match[1]) ? self::byte(ord($match[1])) : $match[0],
                $text,
            );
        }
        return preg_replace_callback(self::UNSAFE, fn (array $match) => self::character(mb_ord($match[0])), $text);
    }

    /** As escape(), but the line breaks stay: text of several lines, such as a help page. */
    public static function escapeLines(string $text): string
    {
        return implode("\n", array_map(self::escape(...), explode("\n", $text)));
    }

    private static function byte(int $byte): string
    {
        return sprintf('\x%02X', $byte);
    }

    /** As PHP writes them in strings: \x1B for ASCII, \u{9B} or \u{202E} beyond. */
    private static function character(int $code): string
    {
        return $code < 0x80 ? self::byte($code) : sprintf('\u{%X}', $code);
    }
}
