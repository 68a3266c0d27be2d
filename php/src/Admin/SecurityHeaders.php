<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * Headers sent with every admin response. The page runs no script at all, so
 * the policy forbids scripts outright instead of allowing nonces.
 */
final class SecurityHeaders
{
    public const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; "
        . "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const ALL = [
        'Content-Security-Policy' => self::CONTENT_SECURITY_POLICY,
        'X-Frame-Options' => 'DENY',
        'X-Content-Type-Options' => 'nosniff',
        'Referrer-Policy' => 'no-referrer',
        // Balances and logs must not linger in browser or proxy caches.
        'Cache-Control' => 'no-store',
    ];
}
