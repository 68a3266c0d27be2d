<?php

declare(strict_types=1);

// Test doubles of the Bitrix admin-area APIs the module's Notify adapters call:
// CAdminNotify (stickers), Bitrix\Main\Mail\Event (mail events), CEventLog (the
// event log) and CSite::GetDefSite(). They record what they were given, so
// tests can check the arrays Bitrix would receive. Declared only when absent,
// so another area's doubles may define the same classes first.

namespace {
    if (!class_exists('CAdminNotify', false)) {
        final class CAdminNotify
        {
            public const TYPE_NORMAL = 'M';
            public const TYPE_ERROR = 'E';

            /** @var array<string, array<string, mixed>> TAG => the fields of the sticker shown */
            public static array $stickers = [];

            /** @var list<array{0: string, 1: string}> every call: ['Add'|'DeleteByTag', tag] */
            public static array $calls = [];

            /** When true, Add() fails as Bitrix does: it returns false. */
            public static bool $refuse = false;

            public static function reset(): void
            {
                self::$stickers = [];
                self::$calls = [];
                self::$refuse = false;
            }

            /** Like Bitrix: a sticker with the same TAG replaces the old one. */
            public static function Add(array $fields): int|false
            {
                self::$calls[] = ['Add', (string) ($fields['TAG'] ?? '')];
                if (self::$refuse) {
                    return false;
                }
                unset(self::$stickers[(string) $fields['TAG']]);
                self::$stickers[(string) $fields['TAG']] = $fields;
                return count(self::$calls);
            }

            public static function DeleteByTag(string $tag): bool
            {
                self::$calls[] = ['DeleteByTag', $tag];
                unset(self::$stickers[$tag]);
                return true;
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
