<?php

// A reader of the YAML that docs/openapi.yaml is written in, without Composer
// or the yaml extension: block mappings and sequences (indented with spaces),
// one-line or multi-line flow collections ({ a: b }, [a, b]), plain, single-
// and double-quoted scalars, literal and folded block scalars (|, >, with - or
// +), and comments. No anchors, aliases, tags or multi-document streams: the
// reader refuses them rather than guess. Plain scalars stay strings except
// null, true, false and numbers, as in YAML 1.2's core schema.

declare(strict_types=1);

final class YamlSubset
{
    /** @var list<array{indent: int, text: string, number: int}> */
    private array $lines = [];
    /** @var list<string> every raw line, for block scalars (which keep blank lines) */
    private array $raw;
    private int $at = 0;

    private function __construct(string $text)
    {
        $this->raw = preg_split('/\r?\n/', $text);
        foreach ($this->raw as $number => $line) {
            if (str_contains($line, "\t") && preg_match('/^ *\t/', $line) === 1) {
                throw new \RuntimeException('line ' . ($number + 1) . ': tabs cannot indent YAML');
            }
            $trimmed = ltrim($line, ' ');
            if ($trimmed === '' || $trimmed[0] === '#') {
                continue;
            }
            if ($trimmed === '---' || $trimmed === '...' || $trimmed[0] === '%') {
                throw new \RuntimeException('line ' . ($number + 1) . ': documents and directives are not supported');
            }
            $this->lines[] = ['indent' => strlen($line) - strlen($trimmed), 'text' => $trimmed, 'number' => $number];
        }
    }

    /** @return mixed The document as PHP arrays (mappings keyed by string) and scalars. */
    public static function parse(string $text): mixed
    {
        $reader = new self($text);
        if ($reader->lines === []) {
            return null;
        }
        $value = $reader->block($reader->lines[0]['indent']);
        if ($reader->at < count($reader->lines)) {
            $reader->fail('unexpected indentation');
        }
        return $value;
    }

    private function block(int $indent): mixed
    {
        $line = $this->lines[$this->at];
        return self::isItem($line['text']) ? $this->sequence($line['indent']) : $this->mapping($line['indent']);
    }

    private static function isItem(string $text): bool
    {
        return $text === '-' || str_starts_with($text, '- ');
    }

    /** @return list<mixed> */
    private function sequence(int $indent): array
    {
        $items = [];
        while ($this->at < count($this->lines) && $this->lines[$this->at]['indent'] === $indent && self::isItem($this->lines[$this->at]['text'])) {
            $line = $this->lines[$this->at];
            $rest = ltrim(substr($line['text'], 1), ' ');
            if ($rest === '' || $rest[0] === '#') {
                $this->at++;
                $items[] = $this->nested($indent, true);
                continue;
            }
            $inner = $indent + strlen($line['text']) - strlen($rest);
            if (self::isItem($rest)) {
                // "- - item": a sequence in a sequence, its items at the column of the second "-".
                $this->lines[$this->at] = ['indent' => $inner, 'text' => $rest, 'number' => $line['number']];
                $items[] = $this->sequence($inner);
                continue;
            }
            if (self::keyOf($rest) !== null) {
                // "- key: value" opens a mapping whose keys sit at the column of "key".
                $this->lines[$this->at] = ['indent' => $inner, 'text' => $rest, 'number' => $line['number']];
                $items[] = $this->mapping($inner);
                continue;
            }
            $this->lines[$this->at] = ['indent' => $inner, 'text' => $rest, 'number' => $line['number']];
            $items[] = $this->inlineValue($rest, $inner);
        }
        return $items;
    }

    /** @return array<string, mixed> */
    private function mapping(int $indent): array
    {
        $map = [];
        while ($this->at < count($this->lines) && $this->lines[$this->at]['indent'] === $indent && !self::isItem($this->lines[$this->at]['text'])) {
            $line = $this->lines[$this->at];
            $split = self::keyOf($line['text']);
            if ($split === null) {
                $this->fail('expected "key: value"');
            }
            [$key, $rest] = $split;
            if (array_key_exists($key, $map)) {
                $this->fail("duplicate key $key");
            }
            $rest = self::withoutComment($rest);
            if ($rest === '') {
                $this->at++;
                $map[$key] = $this->nested($indent, false);
            } else {
                $map[$key] = $this->inlineValue($rest, $indent);
            }
        }
        if ($this->at < count($this->lines) && $this->lines[$this->at]['indent'] > $indent) {
            $this->fail('unexpected indentation');
        }
        return $map;
    }

    /** The value under a key or "-" with nothing after it: a deeper block, a sequence at the key's column, or null. */
    private function nested(int $indent, bool $inSequence): mixed
    {
        if ($this->at >= count($this->lines)) {
            return null;
        }
        $next = $this->lines[$this->at];
        if ($next['indent'] > $indent) {
            return $this->block($next['indent']);
        }
        if (!$inSequence && $next['indent'] === $indent && self::isItem($next['text'])) {
            return $this->sequence($indent);
        }
        return null;
    }

    /** A value that starts on the current line (after "key:" or "-"); consumes the lines it spans. */
    private function inlineValue(string $text, int $indent): mixed
    {
        $text = self::withoutComment($text);
        if ($text[0] === '&' || $text[0] === '*' || $text[0] === '!') {
            $this->fail('anchors, aliases and tags are not supported');
        }
        if (preg_match('/^([|>])([-+]?)$/', $text, $m) === 1) {
            return $this->blockScalar($m[1], $m[2], $indent);
        }
        if ($text[0] === '{' || $text[0] === '[') {
            $source = $text;
            $start = $this->at;
            while (true) {
                try {
                    $flow = new FlowReader($source);
                    $value = $flow->value();
                    $flow->end();
                    $this->at++;
                    return $value;
                } catch (FlowIncomplete) {
                    $this->at++;
                    if ($this->at >= count($this->lines)) {
                        $this->at = $start;
                        $this->fail('unterminated flow collection');
                    }
                    $source .= ' ' . self::withoutComment($this->lines[$this->at]['text']);
                }
            }
        }
        $this->at++;
        if ($text[0] === '"' || $text[0] === "'") {
            $flow = new FlowReader($text);
            $value = $flow->value();
            $flow->end();
            return $value;
        }
        // A plain scalar may continue on deeper lines (folded with spaces).
        while ($this->at < count($this->lines) && $this->lines[$this->at]['indent'] > $indent
            && self::keyOf($this->lines[$this->at]['text']) === null && !self::isItem($this->lines[$this->at]['text'])) {
            $text .= ' ' . self::withoutComment($this->lines[$this->at]['text']);
            $this->at++;
        }
        return self::plain($text);
    }

    private function blockScalar(string $style, string $chomp, int $indent): string
    {
        $first = $this->lines[$this->at]['number'] + 1;
        $this->at++;
        $body = [];
        $width = null;
        $number = $first;
        for (; $number < count($this->raw); $number++) {
            $line = $this->raw[$number];
            if (trim($line) === '') {
                $body[] = '';
                continue;
            }
            $lineIndent = strlen($line) - strlen(ltrim($line, ' '));
            if ($lineIndent <= $indent) {
                break;
            }
            $width ??= $lineIndent;
            if ($lineIndent < $width) {
                break;
            }
            $body[] = substr($line, $width);
        }
        while ($this->at < count($this->lines) && $this->lines[$this->at]['number'] < $number) {
            $this->at++;
        }
        $trailing = 0;
        while ($body !== [] && end($body) === '') {
            array_pop($body);
            $trailing++;
        }
        if ($style === '|') {
            $text = implode("\n", $body);
        } else {
            // Folded: lines join with a space; N empty lines between two lines give N line breaks;
            // more-indented lines keep their line breaks.
            $text = '';
            $breaks = 0;
            $previousIndented = false;
            foreach ($body as $line) {
                if ($line === '') {
                    $breaks++;
                    continue;
                }
                $indented = $line[0] === ' ';
                if ($text !== '') {
                    $text .= $breaks > 0 ? str_repeat("\n", $breaks + ($indented || $previousIndented ? 1 : 0))
                        : ($indented || $previousIndented ? "\n" : ' ');
                }
                $text .= $line;
                $breaks = 0;
                $previousIndented = $indented;
            }
        }
        if ($body === []) {
            return '';
        }
        return match ($chomp) {
            '-' => $text,
            '+' => $text . str_repeat("\n", $trailing + 1),
            default => $text . "\n",
        };
    }

    /** @return array{string, string}|null "key: rest" split at the key's colon; null when the line is no mapping entry. */
    private static function keyOf(string $text): ?array
    {
        if ($text[0] === '"' || $text[0] === "'") {
            $flow = new FlowReader($text);
            try {
                $key = $flow->value();
            } catch (\Throwable) {
                return null;
            }
            $rest = $flow->rest();
            if (preg_match('/^ *:( |$)/', $rest) !== 1) {
                return null;
            }
            return [(string) $key, ltrim(substr(ltrim($rest, ' '), 1), ' ')];
        }
        if ($text[0] === '{' || $text[0] === '[' || $text[0] === '#') {
            return null;
        }
        if (preg_match('/^([^#]*?) *:(?: +(.*))?$/', $text, $m) !== 1 || $m[1] === '' || str_contains($m[1], ': ')) {
            return null;
        }
        return [$m[1], $m[2] ?? ''];
    }

    /** The text without a trailing comment (" #" outside quotes). */
    private static function withoutComment(string $text): string
    {
        $quote = null;
        $length = strlen($text);
        for ($i = 0; $i < $length; $i++) {
            $c = $text[$i];
            if ($quote !== null) {
                if ($c === '\\' && $quote === '"') {
                    $i++;
                } elseif ($c === $quote) {
                    $quote = null;
                }
                continue;
            }
            if (($c === '"' || $c === "'") && ($i === 0 || strpbrk($text[$i - 1], " [{,:") !== false)) {
                $quote = $c;
            } elseif ($c === '#' && ($i === 0 || $text[$i - 1] === ' ')) {
                return rtrim(substr($text, 0, $i));
            }
        }
        return rtrim($text);
    }

    public static function plain(string $text): mixed
    {
        return match (true) {
            in_array($text, ['null', 'Null', 'NULL', '~'], true) => null,
            in_array($text, ['true', 'True', 'TRUE'], true) => true,
            in_array($text, ['false', 'False', 'FALSE'], true) => false,
            preg_match('/^[-+]?[0-9]+$/', $text) === 1 => (int) $text,
            preg_match('/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/', $text) === 1 => (float) $text,
            default => $text,
        };
    }

    private function fail(string $message): never
    {
        $line = $this->lines[min($this->at, count($this->lines) - 1)];
        throw new \RuntimeException('line ' . ($line['number'] + 1) . ": $message: " . $line['text']);
    }
}

/** Thrown when a flow collection goes on past the end of the text read so far. */
final class FlowIncomplete extends \RuntimeException
{
}

/** Flow collections and quoted scalars of one (possibly joined) line. */
final class FlowReader
{
    private int $at = 0;

    public function __construct(private readonly string $text)
    {
    }

    public function value(): mixed
    {
        $this->space();
        $c = $this->peek();
        return match ($c) {
            '{' => $this->map(),
            '[' => $this->list(),
            '"' => $this->doubleQuoted(),
            "'" => $this->singleQuoted(),
            default => YamlSubset::plain($this->plainText()),
        };
    }

    public function end(): void
    {
        $this->space();
        if ($this->at < strlen($this->text)) {
            throw new \RuntimeException('unexpected text after a value: ' . substr($this->text, $this->at));
        }
    }

    public function rest(): string
    {
        return substr($this->text, $this->at);
    }

    /** @return array<string, mixed> */
    private function map(): array
    {
        $this->at++;
        $map = [];
        while (true) {
            $this->space();
            if ($this->peek() === '}') {
                $this->at++;
                return $map;
            }
            $key = $this->peek() === '"' || $this->peek() === "'" ? $this->value() : $this->plainText(true);
            $this->space();
            if ($this->peek() !== ':') {
                throw new \RuntimeException("expected : after $key in {$this->text}");
            }
            $this->at++;
            $map[(string) $key] = $this->value();
            $this->separator('}');
        }
    }

    /** @return list<mixed> */
    private function list(): array
    {
        $this->at++;
        $items = [];
        while (true) {
            $this->space();
            if ($this->peek() === ']') {
                $this->at++;
                return $items;
            }
            $items[] = $this->value();
            $this->separator(']');
        }
    }

    private function separator(string $close): void
    {
        $this->space();
        $c = $this->peek();
        if ($c === ',') {
            $this->at++;
        } elseif ($c !== $close) {
            throw new \RuntimeException("expected , or $close at " . substr($this->text, $this->at));
        }
    }

    private function plainText(bool $key = false): string
    {
        $start = $this->at;
        $length = strlen($this->text);
        while ($this->at < $length) {
            $c = $this->text[$this->at];
            if ($c === ',' || $c === '}' || $c === ']' || $c === '{' || $c === '[') {
                break;
            }
            if ($c === ':' && ($key || $this->at + 1 >= $length || strpbrk($this->text[$this->at + 1], ' ,}]') !== false)) {
                break;
            }
            $this->at++;
        }
        return trim(substr($this->text, $start, $this->at - $start));
    }

    private function doubleQuoted(): string
    {
        $this->at++;
        $out = '';
        $length = strlen($this->text);
        while ($this->at < $length) {
            $c = $this->text[$this->at++];
            if ($c === '"') {
                return $out;
            }
            if ($c === '\\') {
                $e = $this->text[$this->at++] ?? '';
                $out .= match ($e) {
                    'n' => "\n", 't' => "\t", 'r' => "\r", '0' => "\0", '"' => '"', '\\' => '\\', '/' => '/', ' ' => ' ',
                    default => throw new \RuntimeException("unsupported escape \\$e"),
                };
                continue;
            }
            $out .= $c;
        }
        throw new FlowIncomplete('unterminated string');
    }

    private function singleQuoted(): string
    {
        $this->at++;
        $out = '';
        $length = strlen($this->text);
        while ($this->at < $length) {
            $c = $this->text[$this->at++];
            if ($c === "'") {
                if (($this->text[$this->at] ?? '') === "'") {
                    $out .= "'";
                    $this->at++;
                    continue;
                }
                return $out;
            }
            $out .= $c;
        }
        throw new FlowIncomplete('unterminated string');
    }

    private function space(): void
    {
        while ($this->at < strlen($this->text) && $this->text[$this->at] === ' ') {
            $this->at++;
        }
    }

    private function peek(): string
    {
        if ($this->at >= strlen($this->text)) {
            throw new FlowIncomplete('the text ends inside a flow collection');
        }
        return $this->text[$this->at];
    }
}
