<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * Where commands write. Results go to stdout (text or, with --json, exactly
 * one JSON document); warnings, progress and errors go to stderr so they
 * never corrupt a redirected result.
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
        fwrite($this->stdout, $text . "\n");
    }

    public function warn(string $text): void
    {
        fwrite($this->stderr, $text . "\n");
    }

    /**
     * The stream for progress reports, which must not mix with the result on stdout.
     *
     * @return resource
     */
    public function progressStream()
    {
        return $this->stderr;
    }

    /** @param array<mixed> $document */
    public function document(array $document): void
    {
        $flags = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
            | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR;
        fwrite($this->stdout, json_encode($document, $flags) . "\n");
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
            $this->line(self::pad($label, $width) . '  ' . self::clean($value));
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

    /** Control characters from 1C descriptions must not break the layout of a terminal. */
    private static function clean(string $text): string
    {
        return preg_replace('/[\x00-\x1F\x7F]/u', ' ', $text) ?? $text;
    }

    private static function cell(string $text): string
    {
        $text = self::clean($text);
        return mb_strwidth($text) > self::MAX_CELL_WIDTH ? mb_strimwidth($text, 0, self::MAX_CELL_WIDTH, '…') : $text;
    }

    private static function pad(string $text, int $width, bool $right = false): string
    {
        $padding = str_repeat(' ', max(0, $width - mb_strwidth($text)));
        return $right ? $padding . $text : $text . $padding;
    }
}
