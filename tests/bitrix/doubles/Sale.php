<?php

declare(strict_types=1);

// Test doubles of the sale module's D7 surface the event handlers touch: a
// minimal Bitrix\Sale\Order with its property collection (Bitrix\Main\Event is
// in Main.php), over an in-memory b_sale_order: Order::$rows holds each order's
// row (its fields as the database returns them, and its property values).
//
// Order follows the real classes in avshatalov48/bitrix-core-business
// (modules/sale/lib/orderbase.php, stored copy at commit 03e3b576, and
// sale/lib/internals/entity.php, pricemaths.php):
//   - load($id) casts $id to int and throws Main\ArgumentNullException('id') when
//     it is <= 0; otherwise it fetches the row and builds a NEW object every call
//     (loadByFilter() creates one per row), or returns null when there is none;
//   - the fields are what the database returned: strings (USER_ID "42", ID "15"),
//     except that the constructor rounds PRICE, PRICE_DELIVERY, SUM_PAID,
//     PRICE_PAYMENT and DISCOUNT_VALUE with PriceMaths::roundPrecision() (roundEx()
//     to the sale option value_precision, 2 when unset), which gives floats;
//   - getId() is (int) of ID; getUserId() returns the USER_ID field as it is (a
//     string for a loaded order, null for a guest), though documented as int;
//     getPrice()/getDeliveryPrice() are floatval(); getCurrency() the field;
//   - save() writes the order and fires OnSaleOrderSaved from inside (the double
//     calls $onSave with the saved instance after writing the row).
// Left out: setField()'s check of the available fields, events other than the
// save, baskets, payments. Main\ArgumentNullException is Main.php's.

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
        /** The price fields the constructor rounds (PriceMaths::roundPrecision()). */
        private const PRICE_FIELDS = ['PRICE', 'PRICE_DELIVERY', 'SUM_PAID', 'PRICE_PAYMENT', 'DISCOUNT_VALUE'];

        /** @var array<int, array{fields: array<string, ?string>, properties: list<array{id: int, code: string, value: mixed}>, legacy: bool}> ID => what the database holds */
        public static array $rows = [];

        /** @var array<int, int> ID => how many times save() wrote the order */
        public static array $saveCounts = [];

        /** @var ?\Closure(Order): void called from save(), as Bitrix fires OnSaleOrderSaved */
        public static ?\Closure $onSave = null;

        /** @param array<string, mixed> $fields */
        private function __construct(private array $fields, private LegacyPropertyValueCollection $properties)
        {
            foreach (self::PRICE_FIELDS as $code) {
                if (isset($this->fields[$code])) {
                    $this->fields[$code] = round((float) $this->fields[$code] + 1 / 10 ** (2 + 4), 2);
                }
            }
        }

        /**
         * Puts an order into the database and returns it as load() would.
         *
         * @param array<string, mixed> $fields ID, ACCOUNT_NUMBER, USER_ID, PRICE, PRICE_DELIVERY, CURRENCY, PAYED, CANCELED
         * @param array<string, mixed> $properties code => value
         * @param bool $stored false: the order is not in the database (load() finds nothing)
         */
        public static function forTest(array $fields, array $properties = [], bool $legacyCollection = false, bool $stored = true): self
        {
            $fields += ['CURRENCY' => 'RUB', 'PAYED' => 'N', 'CANCELED' => 'N', 'PRICE_DELIVERY' => 0.0];
            $row = ['fields' => array_map(self::asStored(...), $fields), 'properties' => [], 'legacy' => $legacyCollection];
            $n = 0;
            foreach ($properties as $code => $value) {
                $row['properties'][] = ['id' => ++$n, 'code' => (string) $code, 'value' => self::asStored($value)];
            }
            $id = (int) ($fields['ID'] ?? 0);
            if ($stored && $id > 0) {
                self::$rows[$id] = $row;
            }
            return self::fromRow($row);
        }

        public static function reset(): void
        {
            self::$rows = [];
            self::$saveCounts = [];
            self::$onSave = null;
        }

        public static function load($id)
        {
            $id = (int) $id;
            if ($id <= 0) {
                throw new \Bitrix\Main\ArgumentNullException('id');
            }
            return isset(self::$rows[$id]) ? self::fromRow(self::$rows[$id]) : null;
        }

        public function getId()
        {
            return (int) ($this->fields['ID'] ?? 0);
        }

        public function getUserId()
        {
            return $this->fields['USER_ID'] ?? null;
        }

        public function isPaid()
        {
            return ($this->fields['PAYED'] ?? 'N') === 'Y';
        }

        public function isCanceled()
        {
            return ($this->fields['CANCELED'] ?? 'N') === 'Y';
        }

        public function getPrice()
        {
            return floatval($this->fields['PRICE'] ?? 0);
        }

        public function getDeliveryPrice()
        {
            return floatval($this->fields['PRICE_DELIVERY'] ?? 0);
        }

        public function getCurrency()
        {
            return $this->fields['CURRENCY'] ?? null;
        }

        public function getField($name)
        {
            return $this->fields[$name] ?? null;
        }

        public function setField($name, $value)
        {
            $this->fields[$name] = in_array($name, self::PRICE_FIELDS, true) && $value !== null
                ? round((float) $value + 1 / 10 ** (2 + 4), 2)
                : $value;
            return new Result();
        }

        public function getPropertyCollection()
        {
            return $this->properties;
        }

        /** Writes the fields and property values back to the row, then fires OnSaleOrderSaved ($onSave). */
        public function save()
        {
            $id = $this->getId();
            $properties = [];
            foreach ($this->properties as $item) {
                $properties[] = ['id' => $item->getId(), 'code' => (string) $item->getField('CODE'), 'value' => self::asStored($item->getValue())];
            }
            self::$rows[$id] = [
                'fields' => array_map(self::asStored(...), $this->fields),
                'properties' => $properties,
                'legacy' => !$this->properties instanceof PropertyValueCollection,
            ];
            self::$saveCounts[$id] = (self::$saveCounts[$id] ?? 0) + 1;
            if (self::$onSave !== null) {
                (self::$onSave)($this);
            }
            return new Result();
        }

        /** How many times orders with this ID were saved. */
        public static function savesOf(int $id): int
        {
            return self::$saveCounts[$id] ?? 0;
        }

        /** A value as a database column returns it: a string, or null. */
        private static function asStored(mixed $value): ?string
        {
            return match (true) {
                $value === null => null,
                is_bool($value) => $value ? '1' : '0',
                is_float($value) => sprintf('%.4F', $value), // decimal(18,4)
                default => (string) $value,
            };
        }

        private static function fromRow(array $row): self
        {
            $items = array_map(static fn (array $p) => new PropertyValue($p['id'], $p['code'], $p['value']), $row['properties']);
            return new self($row['fields'], $row['legacy'] ? new LegacyPropertyValueCollection($items) : new PropertyValueCollection($items));
        }
    }
}
