<?php

declare(strict_types=1);

namespace Cashback\Cli;

/**
 * A CSV file of phone links with the header `user_id,phone[,verified]`
 * (columns in any order). Read line by line, so a line number in a report
 * is the line an operator sees in an editor; a phone list needs no quoted
 * line breaks.
 */
final class PhoneCsv
{
    private const REQUIRED = ['user_id', 'phone'];
    private const OPTIONAL = ['verified'];
    private const HEADER_HINT = 'user_id,phone[,verified]';
    private const VERIFIED = ['1' => true, 'y' => true, 'true' => true, '0' => false, 'n' => false, 'false' => false, '' => false];

    /** @param list<string> $columns The header, normalized. */
    private function __construct(
        private readonly string $file,
        private readonly string $delimiter,
        private readonly array $columns,
    ) {
    }

    /** Opens the file and checks its header. */
    public static function open(string $file, string $delimiter): self
    {
        if (!is_file($file) || !is_readable($file)) {
            throw Failure::inputUnreadable("cannot read $file: no such readable file");
        }
        $lines = self::lines($file);
        $header = $lines->current();
        if ($header === null) {
            throw Failure::inputInvalid("$file is empty; expected the header " . self::HEADER_HINT);
        }
        // Excel saves UTF-8 CSV with a byte order mark.
        $header = preg_replace('/^\xEF\xBB\xBF/', '', $header) ?? $header;
        $columns = array_map(fn (string $name) => strtolower(trim($name)), self::fields($header, $delimiter));
        self::checkHeader($file, $columns, $header);
        return new self($file, $delimiter, $columns);
    }

    /** Data rows (non-blank lines after the header), counted before importing so progress has a total. */
    public function rowCount(): int
    {
        $count = 0;
        foreach (self::lines($this->file) as $number => $line) {
            if ($number > 1 && trim($line) !== '') {
                $count++;
            }
        }
        return $count;
    }

    /**
     * Each data row by line number: a row for CashbackLedger::importPhones,
     * or the reason it is rejected before reaching the ledger.
     *
     * @return \Generator<int, array{user_id: string, phone: string, verified: bool}|string>
     */
    public function rows(): \Generator
    {
        foreach (self::lines($this->file) as $number => $line) {
            if ($number > 1 && trim($line) !== '') {
                yield $number => $this->row(self::fields($line, $this->delimiter));
            }
        }
    }

    /**
     * @param list<string> $fields
     * @return array{user_id: string, phone: string, verified: bool}|string
     */
    private function row(array $fields): array|string
    {
        if (count($fields) !== count($this->columns)) {
            return sprintf('expected %d fields (%s), got %d', count($this->columns), implode(',', $this->columns), count($fields));
        }
        $values = array_combine($this->columns, array_map('trim', $fields));
        $verified = self::VERIFIED[strtolower($values['verified'] ?? '')] ?? null;
        if ($verified === null) {
            return "verified must be 1/0/Y/N/true/false, got \"{$values['verified']}\"";
        }
        return ['user_id' => $values['user_id'], 'phone' => $values['phone'], 'verified' => $verified];
    }

    /** @param list<string> $columns */
    private static function checkHeader(string $file, array $columns, string $header): void
    {
        $unknown = array_diff($columns, self::REQUIRED, self::OPTIONAL);
        $missing = array_diff(self::REQUIRED, $columns);
        if ($unknown !== [] || $missing !== [] || count($columns) !== count(array_unique($columns))) {
            throw Failure::inputInvalid("$file line 1: expected the header " . self::HEADER_HINT . ', got "' . trim($header) . '"');
        }
    }

    /** @return list<string> */
    private static function fields(string $line, string $delimiter): array
    {
        return array_map('strval', str_getcsv($line, $delimiter, '"', ''));
    }

    /** @return \Generator<int, string> Lines without their line break, keyed by 1-based line number. */
    private static function lines(string $file): \Generator
    {
        $handle = fopen($file, 'rb');
        try {
            for ($number = 1; ($line = fgets($handle)) !== false; $number++) {
                yield $number => rtrim($line, "\r\n");
            }
        } finally {
            fclose($handle);
        }
    }
}
