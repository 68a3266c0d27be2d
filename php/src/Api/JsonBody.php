<?php

declare(strict_types=1);

namespace Cashback\Api;

/**
 * Reads a JSON request body the way 1C sends it: a UTF-8 byte-order mark is
 * allowed (ЗаписатьJSON writes one by default), and Content-Type is not
 * required to be exact (with or without charset, or missing: curl's default
 * form type too). Oversized, non-UTF-8 and malformed bodies are refused.
 */
final class JsonBody
{
    private const BOM = "\xEF\xBB\xBF";
    private const MAX_DEPTH = 16;

    /** Significant digits a float carries exactly; a longer decimal would be rounded by json_decode. */
    private const FLOAT_DIGITS = 15;

    /**
     * Turns JSON numbers with more significant digits than a float keeps
     * (150.0000000000000001) into strings, so the ledger sees the exact text
     * and refuses it instead of json_decode silently rounding it.
     */
    private static function keepPreciseNumbersExact(string $json): string
    {
        // Fast path: no run of 16 digits (one dot allowed inside) means no such number.
        if (preg_match('/\d(?:\.?\d){' . self::FLOAT_DIGITS . '}/', $json) !== 1) {
            return $json;
        }
        return (string) preg_replace_callback(
            '/"(?:[^"\\\\]|\\\\.)*+"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/',
            static fn (array $token): string => self::isLossyNumber($token[0]) ? '"' . $token[0] . '"' : $token[0],
            $json,
        );
    }

    private static function isLossyNumber(string $token): bool
    {
        if ($token[0] === '"' || strpbrk($token, '.eE') === false) {
            return false; // strings, and integers (JSON_BIGINT_AS_STRING keeps those exact)
        }
        $mantissa = preg_split('/[eE]/', ltrim($token, '-'))[0];
        $digits = trim(str_replace('.', '', $mantissa), '0');
        return strlen($digits) > self::FLOAT_DIGITS;
    }

    /** The decoded body, or the error response to send. */
    public static function decode(Request $request, int $maxBytes): mixed
    {
        $body = $request->body;
        if (strlen($body) > $maxBytes) {
            return Response::error(413, 'payload_too_large', ['message' => "the body exceeds $maxBytes bytes", 'max_bytes' => $maxBytes]);
        }
        if (str_starts_with($body, self::BOM)) {
            $body = substr($body, strlen(self::BOM));
        }
        if (preg_match('//u', $body) !== 1) {
            return Response::error(400, 'invalid_json', ['message' => 'the body is not valid UTF-8']);
        }
        try {
            return json_decode(self::keepPreciseNumbersExact($body), true, self::MAX_DEPTH, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            return Response::error(400, 'invalid_json', ['message' => 'the body is not valid JSON: ' . $e->getMessage()]);
        }
    }
}
