<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

/** HTML escaping for everything the module prints (as htmlspecialcharsbx does). */
final class Html
{
    public static function e(string|int|float|null $value): string
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
    }
}
