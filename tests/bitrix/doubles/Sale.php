<?php

declare(strict_types=1);

// Test doubles of the sale module's D7 surface the event handlers touch: a
// minimal Bitrix\Sale\Order with its property collection (Bitrix\Main\Event is
// in Main.php). Orders are built with Order::forTest(); load() returns
// the stored instance and save() counts saves and may call $onSave, the way
// Bitrix fires OnSaleOrderSaved from inside save().

namespace Bitrix\Sale {
    /** Bitrix\Sale\Result: what save() returns. */
    class Result
    {
        /** @param list<string> $errors */
        public function __construct(private array $errors = [])
        {
        }

        public function isSuccess(): bool
        {
            return $this->errors === [];
        }

        /** @return list<string> */
        public function getErrorMessages(): array
        {
            return $this->errors;
        }
    }

    class PropertyValue
    {
        public function __construct(private int $id, private string $code, private mixed $value)
        {
        }

        public function getId(): int
        {
            return $this->id;
        }

        public function getValue(): mixed
        {
            return $this->value;
        }

        public function setValue(mixed $value): Result
        {
            $this->value = $value;
            return new Result();
        }

        public function getField(string $name): mixed
        {
            return match ($name) {
                'ID' => $this->id,
                'CODE' => $this->code,
                'VALUE' => $this->value,
                default => null,
            };
        }
    }

    /** Older sale versions: iterable, no getItemByOrderPropertyCode(). */
    class LegacyPropertyValueCollection implements \IteratorAggregate
    {
        /** @param list<PropertyValue> $items */
        public function __construct(protected array $items = [])
        {
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }
    }

    class PropertyValueCollection extends LegacyPropertyValueCollection
    {
        public function getItemByOrderPropertyCode(string $code): ?PropertyValue
        {
            foreach ($this->items as $item) {
                if ($item->getField('CODE') === $code) {
                    return $item;
                }
            }
            return null;
        }
    }

    class Order
    {
        /** @var array<int, Order> what load() finds */
        public static array $stored = [];

        /** @var ?\Closure(Order): void called from save(), as Bitrix fires OnSaleOrderSaved */
        public static ?\Closure $onSave = null;

        public int $saves = 0;

        /** @param array<string, mixed> $fields */
        public function __construct(private array $fields, private LegacyPropertyValueCollection $properties)
        {
        }

        /**
         * @param array<string, mixed> $fields ID, ACCOUNT_NUMBER, USER_ID, PRICE, PRICE_DELIVERY, CURRENCY, PAYED, CANCELED
         * @param array<string, mixed> $properties code => value
         */
        public static function forTest(array $fields, array $properties = [], bool $legacyCollection = false): self
        {
            $items = [];
            $n = 0;
            foreach ($properties as $code => $value) {
                $items[] = new PropertyValue(++$n, (string) $code, $value);
            }
            $order = new self($fields + ['CURRENCY' => 'RUB', 'PAYED' => 'N', 'CANCELED' => 'N', 'PRICE_DELIVERY' => 0.0],
                $legacyCollection ? new LegacyPropertyValueCollection($items) : new PropertyValueCollection($items));
            self::$stored[(int) ($fields['ID'] ?? 0)] = $order;
            return $order;
        }

        public static function reset(): void
        {
            self::$stored = [];
            self::$onSave = null;
        }

        public static function load(int $id): ?self
        {
            return self::$stored[$id] ?? null;
        }

        public function getId(): int
        {
            return (int) ($this->fields['ID'] ?? 0);
        }

        public function getUserId(): ?int
        {
            return isset($this->fields['USER_ID']) ? (int) $this->fields['USER_ID'] : null;
        }

        public function isPaid(): bool
        {
            return ($this->fields['PAYED'] ?? 'N') === 'Y';
        }

        public function isCanceled(): bool
        {
            return ($this->fields['CANCELED'] ?? 'N') === 'Y';
        }

        public function getPrice(): float
        {
            return (float) ($this->fields['PRICE'] ?? 0);
        }

        public function getDeliveryPrice(): float
        {
            return (float) ($this->fields['PRICE_DELIVERY'] ?? 0);
        }

        public function getCurrency(): string
        {
            return (string) ($this->fields['CURRENCY'] ?? '');
        }

        public function getField(string $name): mixed
        {
            return $this->fields[$name] ?? null;
        }

        public function setField(string $name, mixed $value): Result
        {
            $this->fields[$name] = $value;
            return new Result();
        }

        public function getPropertyCollection(): LegacyPropertyValueCollection
        {
            return $this->properties;
        }

        public function save(): Result
        {
            $this->saves++;
            if (self::$onSave !== null) {
                (self::$onSave)($this);
            }
            return new Result();
        }
    }
}
