<?php

declare(strict_types=1);

// Test doubles of the Bitrix admin-area APIs the module's Notify adapters call:
// CAdminNotify (stickers), Bitrix\Main\Mail\Event (mail events), CEventLog (the
// event log) and CSite::GetDefSite(). They record what they were given, so
// tests can check the arrays Bitrix would receive. Declared only when absent,
// so another area's doubles may define the same classes first.

namespace {
    if (!class_exists('CAdminNotify', false)) {
        /**
         * CAdminNotify over an in-memory b_admin_notify. Follows the real class
         * in avshatalov48/bitrix-core-business (modules/main/classes/general/admin_notify.php,
         * commit 0d02fd98, main 23.300.100):
         *   - Add() checks its fields first (MESSAGE required and not blank; TAG and
         *     MODULE_ID, when given, not blank; ENABLE_CLOSE only Y or N) and on a
         *     failure throws an exception on $APPLICATION and returns false;
         *   - a non-blank TAG is trimmed and DeleteByTag(TAG) runs BEFORE the row is
         *     written, so Add() also removes every other sticker whose tag contains
         *     this one; ENABLE_CLOSE defaults to Y, PUBLIC_SECTION to N, NOTIFY_TYPE
         *     to M (anything but M or E becomes M); the result is the new row's ID;
         *   - DeleteByTag('') returns false; otherwise it deletes every row whose
         *     TAG LIKE '%<tag>%' (the tag only escaped for the SQL string literal,
         *     so % and _ in it are wildcards and \ escapes) and returns true.
         * The LIKE is imitated as MySQL evaluates it on Bitrix's tables: % any run,
         * _ any one character, \ escaping the next one, case-insensitive (MySQL's default
         * collations for utf8/utf8mb4 are *_ci; Bitrix tables use the database default).
         */
        final class CAdminNotify
        {
            public const TYPE_NORMAL = 'M';
            public const TYPE_ERROR = 'E';

            /** @var array<int, array<string, string>> ID => the b_admin_notify row */
            public static array $rows = [];

            /** @var list<array{0: string, 1: string}> every call: ['Add'|'DeleteByTag'|'DeleteByModule', tag or module] */
            public static array $calls = [];

            /** When true, the row cannot be written (as when $DB->Add() fails): Add() returns false. */
            public static bool $refuse = false;

            private static int $nextId = 1;

            public static function reset(): void
            {
                self::$rows = [];
                self::$calls = [];
                self::$refuse = false;
                self::$nextId = 1;
            }

            /** @return array<string, array<string, string>> the rows with a tag, TAG => row, oldest first (for tests) */
            public static function stickers(): array
            {
                $byTag = [];
                foreach (self::$rows as $row) {
                    if ($row['TAG'] !== '') {
                        $byTag[$row['TAG']] = $row;
                    }
                }
                return $byTag;
            }

            public static function Add($arFields)
            {
                $tag = isset($arFields['TAG']) ? (string) $arFields['TAG'] : '';
                self::$calls[] = ['Add', $tag];
                $problems = [];
                if (array_key_exists('MODULE_ID', $arFields) && trim((string) $arFields['MODULE_ID']) === '') {
                    $problems[] = 'MODULE_ID';
                }
                if (array_key_exists('TAG', $arFields) && trim((string) $arFields['TAG']) === '') {
                    $problems[] = 'TAG';
                }
                if (!array_key_exists('MESSAGE', $arFields) || trim((string) $arFields['MESSAGE']) === '') {
                    $problems[] = 'MESSAGE';
                }
                if (array_key_exists('ENABLE_CLOSE', $arFields) && !in_array($arFields['ENABLE_CLOSE'], ['Y', 'N'], true)) {
                    $problems[] = 'ENABLE_CLOSE';
                }
                if ($problems !== []) {
                    if (isset($GLOBALS['APPLICATION']) && is_object($GLOBALS['APPLICATION'])) {
                        $GLOBALS['APPLICATION']->ThrowException('CAdminNotify: ' . implode(', ', $problems));
                    }
                    return false;
                }
                $tag = trim($tag);
                if ($tag !== '') {
                    self::DeleteByTag($tag);
                }
                if (self::$refuse) {
                    return false;
                }
                $type = $arFields['NOTIFY_TYPE'] ?? null;
                $id = self::$nextId++;
                self::$rows[$id] = [
                    'ID' => (string) $id,
                    'MODULE_ID' => isset($arFields['MODULE_ID']) ? trim((string) $arFields['MODULE_ID']) : '',
                    'TAG' => $tag,
                    'MESSAGE' => trim((string) $arFields['MESSAGE']),
                    'ENABLE_CLOSE' => (string) ($arFields['ENABLE_CLOSE'] ?? 'Y'),
                    'PUBLIC_SECTION' => ($arFields['PUBLIC_SECTION'] ?? 'N') === 'Y' ? 'Y' : 'N',
                    'NOTIFY_TYPE' => in_array($type, [self::TYPE_NORMAL, self::TYPE_ERROR], true) ? $type : self::TYPE_NORMAL,
                ];
                return $id;
            }

            public static function DeleteByTag($tagId)
            {
                $tagId = (string) $tagId;
                self::$calls[] = ['DeleteByTag', $tagId];
                if ($tagId === '') {
                    return false;
                }
                foreach (self::$rows as $id => $row) {
                    if (self::like($row['TAG'], '%' . $tagId . '%')) {
                        unset(self::$rows[$id]);
                    }
                }
                return true;
            }

            public static function DeleteByModule($moduleId)
            {
                self::$calls[] = ['DeleteByModule', (string) $moduleId];
                foreach (self::$rows as $id => $row) {
                    if ($row['MODULE_ID'] === (string) $moduleId) {
                        unset(self::$rows[$id]);
                    }
                }
                return true;
            }

            /** SQL `$value LIKE $pattern` as MySQL evaluates it with a case-insensitive collation. */
            public static function like(string $value, string $pattern): bool
            {
                $regex = '';
                $length = mb_strlen($pattern);
                for ($i = 0; $i < $length; $i++) {
                    $char = mb_substr($pattern, $i, 1);
                    if ($char === '\\' && $i + 1 < $length) {
                        $regex .= preg_quote(mb_substr($pattern, ++$i, 1), '/');
                    } elseif ($char === '%') {
                        $regex .= '.*';
                    } elseif ($char === '_') {
                        $regex .= '.';
                    } else {
                        $regex .= preg_quote($char, '/');
                    }
                }
                return preg_match('/^' . $regex . '$/isu', $value) === 1;
            }
        }
    }

    if (!class_exists('CEventLog', false)) {
        final class CEventLog
        {
            /** @var list<array<string, mixed>> */
            public static array $entries = [];

            public static function Add(array $fields): int
            {
                self::$entries[] = $fields;
                return count(self::$entries);
            }
        }
    }

    if (!class_exists('CSite', false)) {
        final class CSite
        {
            public static string $defaultSite = 's1';

            public static function GetDefSite($languageId = false): string
            {
                return self::$defaultSite;
            }
        }
    }
}

namespace Bitrix\Main\Mail {
    if (!class_exists(Event::class, false)) {
        /** Bitrix\Main\Mail\Event::send() queues a mail event and returns an ORM AddResult. */
        final class Event
        {
            /** @var list<array<string, mixed>> */
            public static array $sent = [];

            /** When set, send() fails with this error message. */
            public static ?string $refuse = null;

            public static function send(array $data): object
            {
                $error = self::$refuse;
                if ($error === null) {
                    self::$sent[] = $data;
                }
                return new class ($error) {
                    public function __construct(private readonly ?string $error)
                    {
                    }

                    public function isSuccess(): bool
                    {
                        return $this->error === null;
                    }

                    /** @return list<string> */
                    public function getErrorMessages(): array
                    {
                        return $this->error === null ? [] : [$this->error];
                    }
                };
            }
        }
    }
}
