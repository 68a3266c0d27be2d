<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Shop;

/**
 * An amount of rubles held as integer kopecks. No arithmetic ever happens on
 * floats: values come in as decimal text (or, at the Bitrix edge, as a float
 * that is first printed as decimal text) and leave as "123.45", the form the
 * ledger takes.
 */
final class Money
{
    private function __construct(public readonly int $kopecks)
    {
    }

    public static function zero(): self
    {
        return new self(0);
    }

    public static function ofKopecks(int $kopecks): self
    {
        return new self($kopecks);
    }

    /**
     * Exact decimal text with at most two decimals: "150", "150.5", "-0.05".
     *
     * @throws \InvalidArgumentException anything else, never rounded
     */
    public static function parse(string $text): self
    {
        if (preg_match('/^(-)?(\d{1,15})(?:\.(\d{1,2}))?$/', trim($text), $m) !== 1) {
            throw new \InvalidArgumentException("not an amount with at most 2 decimals: '$text'");
        }
        $kopecks = (int) $m[2] * 100 + (int) str_pad($m[3] ?? '', 2, '0');
        return new self(($m[1] ?? '') === '-' ? -$kopecks : $kopecks);
    }

    /**
     * A price as Bitrix keeps it (b_sale_order.PRICE is DECIMAL(18,4) and the
     * Order API hands it out as a float). The float is printed with four
     * decimals, which recovers the stored decimal exactly, and that text is
     * rounded half up to the kopeck (ruble prices are already whole kopecks).
     */
    public static function fromPrice(float|int|string $value): self
    {
        $text = is_float($value) ? sprintf('%.4F', $value) : trim((string) $value);
        if ($text === '') {
            return self::zero();
        }
        if (preg_match('/^(-)?(\d{1,15})(?:\.(\d+))?$/', $text, $m) !== 1) {
            throw new \InvalidArgumentException("not a price: '$text'");
        }
        $fraction = str_pad($m[3] ?? '', 3, '0');
        $kopecks = (int) $m[2] * 100 + (int) substr($fraction, 0, 2);
        if ((int) $fraction[2] >= 5) {
            $kopecks++;
        }
        return new self(($m[1] ?? '') === '-' ? -$kopecks : $kopecks);
    }

    /**
     * An amount the ledger returned (a float whose shortest text has at most
     * two decimals, e.g. 1250.5): printed with two decimals, then parsed.
     */
    public static function fromLedger(float|int $value): self
    {
        return self::parse(sprintf('%.2F', $value));
    }

    /**
     * What a customer typed: spaces allowed, comma or dot as the decimal
     * separator, at most two decimals.
     *
     * @throws \InvalidArgumentException
     */
    public static function parseInput(string $text): self
    {
        $clean = str_replace([' ', "\u{00A0}", ','], ['', '', '.'], trim($text));
        return self::parse($clean === '' ? '0' : $clean);
    }

    /**
     * $percent per cent of this amount, rounded down to the kopeck (towards
     * zero). $percent is decimal text between 0 and 100 with at most four
     * decimals ('5', '2.5', '0.25').
     *
     * @throws \InvalidArgumentException a malformed or out-of-range percent
     */
    public function percent(string $percent): self
    {
        $p = trim($percent);
        if (preg_match('/^(\d{1,3})(?:\.(\d{1,4}))?$/', $p, $m) !== 1) {
            throw new \InvalidArgumentException("not a percentage: '$percent'");
        }
        // Percent in ten-thousandths: 2.5 % → 25000. With at most 10^11 kopecks
        // and 10^6 this stays below 10^17, well inside a 64-bit integer.
        $scaled = (int) $m[1] * 10_000 + (int) str_pad($m[2] ?? '', 4, '0');
        if ($scaled > 1_000_000) {
            throw new \InvalidArgumentException("a percentage above 100: '$percent'");
        }
        return new self(intdiv($this->kopecks * $scaled, 1_000_000));
    }

    public function plus(self $other): self
    {
        return new self($this->kopecks + $other->kopecks);
    }

    public function minus(self $other): self
    {
        return new self($this->kopecks - $other->kopecks);
    }

    public function negate(): self
    {
        return new self(-$this->kopecks);
    }

    public function abs(): self
    {
        return new self(abs($this->kopecks));
    }

    public function min(self $other): self
    {
        return $this->kopecks <= $other->kopecks ? $this : $other;
    }

    public function max(self $other): self
    {
        return $this->kopecks >= $other->kopecks ? $this : $other;
    }

    public function isPositive(): bool
    {
        return $this->kopecks > 0;
    }

    public function isNegative(): bool
    {
        return $this->kopecks < 0;
    }

    public function isZero(): bool
    {
        return $this->kopecks === 0;
    }

    public function lessThan(self $other): bool
    {
        return $this->kopecks < $other->kopecks;
    }

    public function equals(self $other): bool
    {
        return $this->kopecks === $other->kopecks;
    }

    /** "123.45", "-0.50": the form the ledger takes. */
    public function toDecimal(): string
    {
        $abs = abs($this->kopecks);
        return ($this->kopecks < 0 ? '-' : '') . intdiv($abs, 100) . '.' . str_pad((string) ($abs % 100), 2, '0', STR_PAD_LEFT);
    }

    /**
     * Grouped for people: format(' ', ',') gives "1 250,50". The sign is left
     * to the caller; this formats the absolute value.
     */
    public function format(string $thousands, string $decimal): string
    {
        $abs = abs($this->kopecks);
        $rubles = (string) intdiv($abs, 100);
        $head = strlen($rubles) % 3 ?: 3;
        $groups = [substr($rubles, 0, $head)];
        for ($i = $head; $i < strlen($rubles); $i += 3) {
            $groups[] = substr($rubles, $i, 3);
        }
        return implode($thousands, $groups) . $decimal . str_pad((string) ($abs % 100), 2, '0', STR_PAD_LEFT);
    }

    public function __toString(): string
    {
        return $this->toDecimal();
    }
}
