<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * Where commands write. Results go to stdout (text or, with --json, exactly
 * one JSON document); warnings, progress and errors go to stderr so they
 * never corrupt a redirected result. Text is escaped for the terminal
 * (TerminalText); JSON keeps the data as it is.
 */
final class Output
{
    /** Cells longer than this are cut in tables; the JSON output keeps them whole. */
    private const MAX_CELL_WIDTH = 48;

    /**
     * @param resource $stdout
     * @param resource $stderr
     */
    public function __construct(public readonly bool $json, private $stdout = STDOUT, private $stderr = STDERR)
    {
    }

    public function line(string $text = ''): void
    {
        $this->write($this->stdout, TerminalText::escapeLines($text) . "\n");
    }

    /** One line on stderr: a line break in it is escaped too. */
    public function warn(string $text): void
    {
        $this->write($this->stderr, TerminalText::escape($text) . "\n");
    }

    /**
     * A failure: $line on stderr for the operator and, with --json, the document
     * `{"error": code, "message": text}` on stdout for a script.
     */
    public function error(string $code, string $message, string $line): void
    {
        $this->warn($line);
        if ($this->json) {
            $this->errorDocument($code, $message);
        }
    }

    /** How a failure reads for a script: `{"error": code, "message": text}`. */
    public function errorDocument(string $code, string $message): void
    {
        $this->document(['error' => $code, 'message' => $message]);
    }

    /** Progress reports go to stderr, so they do not mix with the result on stdout. */
    public function progress(string $text): void
    {
        $this->write($this->stderr, $text);
    }

    /** Whether progress can be redrawn in place (stderr is a terminal, not a log file). */
    public function progressOnTerminal(): bool
    {
        return stream_isatty($this->stderr);
    }

    /** @param array<mixed> $document */
    public function document(array $document): void
    {
        // Bytes that are not UTF-8 (from an imported file) must not turn the document into an error.
        $flags = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
            | JSON_PRESERVE_ZERO_FRACTION | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR;
        $this->write($this->stdout, json_encode($document, $flags) . "\n");
    }

    /**
     * Label/value lines with the values aligned.
     *
     * @param array<string, string> $fields
     */
    public function fields(array $fields): void
    {
        $width = max(array_map('mb_strwidth', array_keys($fields)));
        foreach ($fields as $label => $value) {
            $this->line(self::pad($label, $width) . '  ' . TerminalText::escape($value));
        }
    }

    /**
     * An aligned table with an upper-case header row.
     *
     * @param list<string> $headers
     * @param list<list<string>> $rows
     * @param list<int> $rightAligned Column indexes to align right (amounts, counts).
     */
    public function table(array $headers, array $rows, array $rightAligned = []): void
    {
        $cells = array_map(fn (array $row) => array_map(self::cell(...), $row), $rows);
        $all = [array_map('strtoupper', $headers), ...$cells];
        $widths = [];
        foreach ($all as $row) {
            foreach ($row as $column => $cell) {
                $widths[$column] = max($widths[$column] ?? 0, mb_strwidth($cell));
            }
        }
        foreach ($all as $row) {
            $padded = [];
            foreach ($row as $column => $cell) {
                $padded[] = self::pad($cell, $widths[$column], in_array($column, $rightAligned, true));
            }
            $this->line(rtrim(implode('  ', $padded)));
        }
    }

    /** Escaped before it is measured, so the columns stay aligned. */
    private static function cell(string $text): string
    {
        $text = TerminalText::escape($text);
        return mb_strwidth($text) > self::MAX_CELL_WIDTH ? mb_strimwidth($text, 0, self::MAX_CELL_WIDTH, '…') : $text;
    }

    /**
     * A write that did not go through: reported as an OutputError, not as the
     * PHP warning a broken pipe or a full disk raises.
     *
     * @param resource $stream
     */
    private function write($stream, string $bytes): void
    {
        error_clear_last();
        if (@fwrite($stream, $bytes) !== strlen($bytes)) {
            throw OutputError::ofLastWrite();
        }
    }

    private static function pad(string $text, int $width, bool $right = false): string
    {
        $padding = str_repeat(' ', max(0, $width - mb_strwidth($text)));
        return $right ? $padding . $text : $text . $padding;
    }
}
