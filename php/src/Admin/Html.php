<?php

declare(strict_types=1);

namespace Cashback\Admin;

/** Escaping and URL helpers shared by the views. */
final class Html
{
    /** Escapes any value for HTML text and quoted attributes; null is empty. */
    public static function e(string|int|float|null $value): string
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }

    /**
     * A URL with a query string (not escaped: pass it through e() in markup).
     *
     * @param array<string, string|int> $params Empty strings are left out to keep links short.
     */
    public static function url(string $path, array $params = []): string
    {
        $params = array_filter($params, static fn ($value): bool => $value !== '');
        return $params === [] ? $path : $path . '?' . http_build_query($params, '', '&', PHP_QUERY_RFC3986);
    }
}
