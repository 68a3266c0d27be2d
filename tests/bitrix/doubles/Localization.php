<?php

declare(strict_types=1);

// Test double of Bitrix\Main\Localization\Loc: reads the module's real lang
// files (lang/<LANGUAGE_ID>/<path mirroring the source file>), so tests see
// the strings a Bitrix site would. Records every code asked for.

namespace Bitrix\Main\Localization;

final class Loc
{
    /** @var array<string, string> */
    private static array $messages = [];

    /** @var array<string, true> codes requested, for the lang-completeness test */
    public static array $requested = [];

    public static function loadMessages(string $file): void
    {
        $module = realpath(\CASHBACK_MODULE_DIR);
        $real = realpath($file) ?: $file;
        if ($module === false || !str_starts_with($real, $module . '/')) {
            return;
        }
        $langFile = $module . '/lang/' . \LANGUAGE_ID . '/' . substr($real, strlen($module) + 1);
        if (is_file($langFile)) {
            $MESS = [];
            include $langFile;
            self::$messages = $MESS + self::$messages;
        }
    }

    /**
     * Like Bitrix: the messages of $file's lang file in $language (default the
     * current one), returned and not merged into what getMessage() reads.
     *
     * @return array<string, string>
     */
    public static function loadLanguageFile(string $file, ?string $language = null): array
    {
        $module = realpath(\CASHBACK_MODULE_DIR);
        $real = realpath($file) ?: $file;
        if ($module === false || !str_starts_with($real, $module . '/')) {
            return [];
        }
        $langFile = $module . '/lang/' . ($language ?? \LANGUAGE_ID) . '/' . substr($real, strlen($module) + 1);
        $MESS = [];
        if (is_file($langFile)) {
            include $langFile;
        }
        return $MESS;
    }

    /** Like Bitrix: null for an unknown code; `#NAME#` placeholders replaced. */
    public static function getMessage(string $code, ?array $replace = null, ?string $language = null): ?string
    {
        self::$requested[$code] = true;
        $message = self::$messages[$code] ?? null;
        if ($message !== null && $replace !== null) {
            $message = strtr($message, $replace);
        }
        return $message;
    }
}
