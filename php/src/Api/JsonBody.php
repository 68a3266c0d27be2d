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
            return json_decode($body, true, self::MAX_DEPTH, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            return Response::error(400, 'invalid_json', ['message' => 'the body is not valid JSON: ' . $e->getMessage()]);
        }
    }
}
