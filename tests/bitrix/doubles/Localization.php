<?php

declare(strict_types=1);

// Test double of Bitrix\Main\Localization\Loc, over the real lang files, so tests see
// the strings a Bitrix site would. Records every code asked for.
//
// Follows modules/main/lib/localization/loc.php of avshatalov48/bitrix-core-business
// as stored at f22798d (main 22.200.150; no version is stored at the later commits up to
// 0d02fd9, main 23.300.100: 03e3b57, 822aeaa, 0d02fd9):
// - loadMessages($file) only registers the file; its messages are read on the first
//   getMessage() that misses, per language.
// - A file's messages come from the nearest "lang" folder above it:
//   lang/<language>/<path of the file below that folder's parent>. The file of the
//   language's *default language* is read first and the language's own file merged over
//   it (array_merge): a code missing in the language falls back to the default one.
// - getDefaultLang($lang): ua → en, kz → ru, by → ru, ru → ru, en → en, de → en; any other
//   language: the "default_language" setting of .settings.php for it, else en. So a
//   Russian or English site has no fallback at all: a code missing in ru is null even
//   when en has it; a Kazakh site falls back to Russian, a German one to English.
// - getMessage($code, $replace, $language): null for an unknown code; strtr() of $replace
//   when it is an array and the message exists. $language defaults to the current one.
// - loadLanguageFile($file, $language) returns the file's messages in that language (the
//   default language merged under them, as above) and adds them to what getMessage()
//   reads for that language.
// The current language is the context's (LANGUAGE_ID here) unless setCurrentLang() set one.
// Not modelled: custom messages, user_lang overrides, encoding conversion.

namespace Bitrix\Main\Localization;

final class Loc
{
    /** @var array<string, array<string, string>> language => code => message */
    private static array $messages = [];

    /** @var array<string, string> files registered by loadMessages(), not read yet in some language */
    private static array $lazy = [];

    /** @var array<string, array<string, true>> language => file => read */
    private static array $read = [];

    private static ?string $currentLang = null;

    /** @var array<string, true> codes requested, for the lang-completeness test */
    public static array $requested = [];

    public static function loadMessages($file): void
    {
        $real = realpath((string) $file) ?: (string) $file;
        self::$lazy[$real] = $real;
    }

    public static function getCurrentLang(): string
    {
        return self::$currentLang ?? (defined('LANGUAGE_ID') ? \LANGUAGE_ID : 'en');
    }

    /** As the real Loc: the language getMessage() uses from now on (null: the context's again). */
    public static function setCurrentLang(?string $language): void
    {
        self::$currentLang = $language;
    }

    public static function getDefaultLang(string $lang): string
    {
        $substitutes = ['ua' => 'en', 'kz' => 'ru', 'by' => 'ru', 'ru' => 'ru', 'en' => 'en', 'de' => 'en'];
        if (isset($substitutes[$lang])) {
            return $substitutes[$lang];
        }
        $options = \Bitrix\Main\Config\Configuration::getValue('default_language');
        return is_array($options) && isset($options[$lang]) ? (string) $options[$lang] : 'en';
    }

    /** @return array<string, string> */
    public static function loadLanguageFile($file, $language = null): array
    {
        $language = (string) ($language ?? self::getCurrentLang());
        $messages = self::langFileMessages(realpath((string) $file) ?: (string) $file, $language);
        self::$messages[$language] = array_replace(self::$messages[$language] ?? [], $messages);
        return $messages;
    }

    public static function getMessage($code, $replace = null, $language = null): ?string
    {
        $code = (string) $code;
        self::$requested[$code] = true;
        $language = (string) ($language ?? self::getCurrentLang());
        if (!isset(self::$messages[$language][$code])) {
            foreach (array_reverse(self::$lazy) as $file) {
                if (!isset(self::$read[$language][$file])) {
                    self::$read[$language][$file] = true;
                    self::$messages[$language] = array_replace(self::$messages[$language] ?? [], self::langFileMessages($file, $language));
                }
                if (isset(self::$messages[$language][$code])) {
                    break;
                }
            }
        }
        $message = self::$messages[$language][$code] ?? null;
        if ($message !== null && is_array($replace)) {
            $message = strtr($message, $replace);
        }
        return $message;
    }

    /** The default language's file, then the language's own merged over it. @return array<string, string> */
    private static function langFileMessages(string $file, string $language): array
    {
        $dir = dirname($file);
        while ($dir !== dirname($dir) && !is_dir($dir . '/lang')) {
            $dir = dirname($dir);
        }
        if (!is_dir($dir . '/lang')) {
            return [];
        }
        $relative = substr($file, strlen($dir));
        $messages = [];
        $default = self::getDefaultLang($language);
        foreach ($default !== $language ? [$default, $language] : [$language] as $lang) {
            $langFile = $dir . '/lang/' . $lang . $relative;
            if (is_file($langFile)) {
                $MESS = [];
                include $langFile;
                $messages = array_merge($messages, $MESS);
            }
        }
        return $messages;
    }
}
