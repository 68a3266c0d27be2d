<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Settings;

/** HTML escaping for the settings page (UTF-8, as every current Bitrix site is). */
final class Html
{
    public static function e(string $text): string
    {
        return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
    }
}
