<?php

declare(strict_types=1);

namespace Cashback\Api;

/**
 * The one JSON encoder of the API, used by both hosts: the standalone host
 * (Response::json() / send()) and the Bitrix module's controller
 * (Retaillab\Cashback\Controller\JsonResponse), so both send the same bytes.
 *
 * UTF-8 as it is (no \u escapes), slashes unescaped, invalid UTF-8 replaced by
 * U+FFFD instead of failing, and floats in their shortest exact form whatever
 * php.ini says: with serialize_precision = 17 (old php.ini files) 0.07 would
 * print as 0.070000000000000007. The strings are taken as UTF-8, never
 * converted from a site charset.
 */
final class JsonEncoder
{
    public const FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE;

    /** @throws \JsonException for what JSON cannot hold (INF, NAN, resources, too deep) */
    public static function encode(mixed $value): string
    {
        $precision = ini_set('serialize_precision', '-1');
        try {
            return json_encode($value, self::FLAGS);
        } finally {
            if ($precision !== false) {
                ini_set('serialize_precision', $precision);
            }
        }
    }
}
