<?php

declare(strict_types=1);

// Test doubles of the user tables the phone index reads: Bitrix\Main\UserTable
// and Bitrix\Main\UserPhoneAuthTable, answering getList()/getRow() from seeded
// rows. Like the ORM they return only the selected fields ('UF_*' selects all
// user fields) and log every query, so a test can see what was read.

namespace Retaillab\Cashback\Tests\Doubles {
    /** What getList() returns: fetch() row by row, false at the end. */
    final class ArrayResult
    {
        /** @param list<array<string, mixed>> $rows */
        public function __construct(private array $rows)
        {
        }

        public function fetch(): array|false
        {
            return array_shift($this->rows) ?? false;
        }

        /** @return list<array<string, mixed>> */
        public function fetchAll(): array
        {
            $rows = $this->rows;
            $this->rows = [];
            return $rows;
        }
    }

    /** Seeded rows keyed by primary key, filtered and projected like ORM getList(). */
    abstract class SeededTable
    {
        /** @return array<int, array<string, mixed>> */
        abstract protected static function rows(): array;

        /** @param array{select?: list<string>, filter?: array<string, mixed>, limit?: int} $parameters */
        public static function getList(array $parameters = []): ArrayResult
        {
            static::log($parameters);
            $out = [];
            $rows = static::rows();
            foreach (array_reverse($parameters['order'] ?? []) as $field => $dir) {
                uasort($rows, static fn ($a, $b) => strtoupper((string) $dir) === 'DESC' ? ($b[$field] <=> $a[$field]) : ($a[$field] <=> $b[$field]));
            }
            foreach ($rows as $row) {
                if (!self::matches($row, $parameters['filter'] ?? [])) {
                    continue;
                }
                $out[] = self::project($row, $parameters['select'] ?? ['*']);
                if (isset($parameters['limit']) && count($out) >= $parameters['limit']) {
                    break;
                }
            }
            return new ArrayResult($out);
        }

        /** @param array{select?: list<string>, filter?: array<string, mixed>} $parameters */
        public static function getRow(array $parameters): ?array
        {
            $row = static::getList($parameters + ['limit' => 1])->fetch();
            return $row === false ? null : $row;
        }

        /** @param array<string, mixed> $parameters */
        abstract protected static function log(array $parameters): void;

        /** @param array<string, mixed> $filter only '=FIELD' / 'FIELD' equality, as the module uses */
        private static function matches(array $row, array $filter): bool
        {
            foreach ($filter as $key => $value) {
                preg_match('/^(>=|<=|>|<|=)?(.*)$/', (string) $key, $m);
                $field = $m[2];
                $have = $row[$field] ?? null;
                $ok = match ($m[1]) {
                    '>' => $have > $value, '>=' => $have >= $value, '<' => $have < $value, '<=' => $have <= $value,
                    default => (string) ($have ?? '') === (string) $value,
                };
                if (!$ok) {
                    return false;
                }
            }
            return true;
        }

        /** DataManager::getCount($filter) (main/lib/orm/data/datamanager.php, 23.300): rows matching the filter. */
        public static function getCount($filter = []): int
        {
            return count(array_filter(static::rows(), static fn (array $row) => self::matches($row, (array) $filter)));
        }

        /** @param list<string> $select */
        private static function project(array $row, array $select): array
        {
            if (in_array('*', $select, true)) {
                return $row;
            }
            $out = [];
            foreach ($select as $field) {
                if ($field === 'UF_*') {
                    foreach ($row as $name => $value) {
                        if (str_starts_with((string) $name, 'UF_')) {
                            $out[$name] = $value;
                        }
                    }
                } elseif (!array_key_exists($field, $row) && str_starts_with($field, 'UF_')) {
                    // The real ORM fails on a user field that does not exist.
                    throw new \Bitrix\Main\SystemException("Unknown field definition `$field`");
                } else {
                    $out[$field] = $row[$field] ?? null;
                }
            }
            return $out;
        }
    }
}

namespace Bitrix\Main {
    if (!class_exists(SystemException::class, false)) {
        class SystemException extends \Exception
        {
        }
    }

    /** b_user: seed with UserTable::$rows[ID] = ['ID' => …, 'PERSONAL_PHONE' => …, 'UF_…' => …]. */
    final class UserTable extends \Retaillab\Cashback\Tests\Doubles\SeededTable
    {
        /** @var array<int, array<string, mixed>> */
        public static array $rows = [];

        /** @var list<array<string, mixed>> every getList() parameter set, in order */
        public static array $queries = [];

        public static function reset(): void
        {
            self::$rows = [];
            self::$queries = [];
        }

        protected static function rows(): array
        {
            return self::$rows;
        }

        protected static function log(array $parameters): void
        {
            self::$queries[] = $parameters;
        }
    }

    /** b_user_phone_auth: seed with UserPhoneAuthTable::$rows[USER_ID] = ['USER_ID' => …, 'PHONE_NUMBER' => …, 'CONFIRMED' => 'Y'|'N']. */
    final class UserPhoneAuthTable extends \Retaillab\Cashback\Tests\Doubles\SeededTable
    {
        /** @var array<int, array<string, mixed>> */
        public static array $rows = [];

        /** @var list<array<string, mixed>> */
        public static array $queries = [];

        public static function reset(): void
        {
            self::$rows = [];
            self::$queries = [];
        }

        protected static function rows(): array
        {
            return self::$rows;
        }

        protected static function log(array $parameters): void
        {
            self::$queries[] = $parameters;
        }
    }
}
