<?php

declare(strict_types=1);

namespace Cashback\Api;

use Cashback\Settings;

/**
 * The 1C-facing API: routing, the X-API-Key check, JSON in and out, and the
 * sync log. Every decision (phones, idempotency, balances) is the ledger's;
 * this class only translates between HTTP and CashbackLedger.
 *
 * Both hosts call handle(): the standalone front controller (php/public) and
 * the Bitrix module's controllers.
 */
final class Api
{
    /** path => [method => handler] */
    private const ROUTES = [
        'balance' => ['GET' => 'balance'],
        'transactions' => ['GET' => 'history', 'POST' => 'transaction'],
        'transactions/batch' => ['POST' => 'batch'],
        'health' => ['GET' => 'health'],
    ];

    private const NO_KEY_NEEDED = ['health'];

    public function __construct(private readonly Settings $settings)
    {
    }

    public function handle(Request $request): Response
    {
        $started = hrtime(true);
        if ($request->path === '') {
            // The base itself (make run prints it) is where one starts exploring.
            return Response::error(404, 'not_found', ['message' => 'Endpoints under the API base: ' . implode(', ', array_keys(self::ROUTES))]);
        }
        $methods = self::ROUTES[$request->path] ?? null;
        if ($methods === null) {
            return Response::error(404, 'not_found', ['message' => "No endpoint {$request->path}"]);
        }
        $method = $request->method === 'HEAD' ? 'GET' : $request->method;
        $handler = $methods[$method] ?? null;
        if ($handler === null) {
            return Response::error(405, 'method_not_allowed', [], ['Allow' => implode(', ', array_keys($methods))]);
        }
        if (in_array($handler, self::NO_KEY_NEEDED, true)) {
            return $this->health();
        }
        $call = new Call($request, $started);
        try {
            $ledger = $this->openLedger();
            $auth = $ledger->authenticate((string) $request->header('X-API-Key'), $request->remoteAddress, $request->path);
            if ($auth['status'] !== 'ok') {
                // Not logged here: the ledger counts refusals per address and window, so a flood of bad keys
                // costs no commit per request.
                return $this->refusal($auth);
            }
            $call->client = $auth['client'];
            return $this->$handler($ledger, $call);
        } catch (Misconfigured $e) {
            return $this->misconfigured($request->path, $e);
        } catch (\CashbackException $e) {
            return $this->failure($e, isset($ledger) ? $ledger : null, $call);
        }
    }

    /**
     * The host's ledger. A database setting or option the extension cannot use at all (a URL
     * that does not parse, a bad table prefix) is this server's misconfiguration, as a broken
     * settings file is: not a fault of the database, and not the client's.
     *
     * @throws Misconfigured
     * @throws \CashbackException database faults
     */
    private function openLedger(): \CashbackLedger
    {
        try {
            return $this->settings->openLedger();
        } catch (\CashbackException $e) {
            if (in_array($e->getErrorCode(), Misconfigured::CODES, true)) {
                throw new Misconfigured($e);
            }
            throw $e;
        }
    }

    /** 503 config_invalid with Retry-After; what is wrong goes to the server log only. */
    private function misconfigured(string $where, Misconfigured $e): Response
    {
        error_log("cashback api: $where: config_invalid: {$e->getMessage()}");
        return Response::error(
            503,
            'config_invalid',
            ['message' => 'The server is misconfigured; see the server log.'],
            ['Retry-After' => (string) $this->settings->int('retry_after_seconds')],
        );
    }

    /** The answer to a key that is missing, unknown, revoked, used from a foreign network, or throttled. */
    private function refusal(array $auth): Response
    {
        return match ($auth['status']) {
            'forbidden_network' => Response::error(403, 'forbidden_network', ['message' => 'This API key may not be used from your address.']),
            'throttled' => Response::error(
                429,
                'too_many_requests',
                ['message' => 'Too many failed authentications from your address; retry later.'],
                ['Retry-After' => (string) $auth['retry_after']],
            ),
            default => Response::error(401, 'unauthorized'),
        };
    }

    private function failure(\CashbackException $e, ?\CashbackLedger $ledger, Call $call): Response
    {
        $code = $e->getErrorCode();
        $status = ErrorStatus::of($code);
        if (ErrorStatus::isRetryable($code)) {
            // The sync log lives in the database that just failed: the server log is the operator's only trace.
            error_log("cashback api: {$call->request->path}: $code: {$e->getMessage()}");
            return Response::error(
                $status,
                $code,
                ['message' => 'The ledger database is temporarily unavailable; retry later.'],
                ['Retry-After' => (string) $this->settings->int('retry_after_seconds')],
            );
        }
        if ($status >= 500) {
            // A fault of this server (its configuration, the OS): the details are for the operator, not the client.
            error_log("cashback api: {$call->request->path}: $code: {$e->getMessage()}");
            $response = Response::error($status, $code, ['message' => 'Internal error; see the server log.']);
        } else {
            $response = Response::error($status, $code, ['message' => $e->getMessage()]);
        }
        return $ledger === null ? $response : $call->logged($ledger, $response);
    }

    private function health(): Response
    {
        $version = \CashbackLedger::version();
        try {
            // No key is needed here, so nothing that helps an attacker (the file path) is shown.
            $database = array_diff_key($this->openLedger()->health(), ['path' => true]);
            return new Response(200, ['status' => 'ok', 'version' => $version['version'], 'commit' => $version['commit'], 'database' => $database]);
        } catch (Misconfigured $e) {
            error_log("cashback api: health: config_invalid: {$e->getMessage()}");
            return Response::error(503, 'config_invalid', [
                'status' => 'unavailable',
                'version' => $version['version'],
                'message' => 'The server is misconfigured; see the server log.',
            ], ['Retry-After' => (string) $this->settings->int('retry_after_seconds')]);
        } catch (\CashbackException $e) {
            error_log("cashback api: health: {$e->getErrorCode()}: {$e->getMessage()}");
            return Response::error(503, $e->getErrorCode(), [
                'status' => 'unavailable',
                'version' => $version['version'],
                'message' => 'The ledger database cannot be opened or written.',
            ], ['Retry-After' => (string) $this->settings->int('retry_after_seconds')]);
        }
    }

    private function balance(\CashbackLedger $ledger, Call $call): Response
    {
        $phone = $call->request->queryString('user_phone');
        if ($phone === null || $phone === '') {
            return $call->logged($ledger, Response::error(400, 'validation_failed', ['field' => 'user_phone', 'message' => 'user_phone is required']));
        }
        $balance = $ledger->balanceByPhone($phone);
        return $call->logged($ledger, new Response(200, [
            'user_id' => $balance['user_id'],
            'phone' => $balance['phone'],
            'balance' => $balance['balance'],
            'updated_at' => $balance['updated_at'],
        ]));
    }

    private function history(\CashbackLedger $ledger, Call $call): Response
    {
        $request = $call->request;
        $phone = $request->queryString('user_phone');
        if ($phone === null || $phone === '') {
            return $call->logged($ledger, Response::error(400, 'validation_failed', ['field' => 'user_phone', 'message' => 'user_phone is required']));
        }
        $limit = $this->positiveInt($request->queryString('limit'), 50);
        $cursor = $this->positiveInt($request->queryString('cursor'), null);
        if ($limit === false || $cursor === false) {
            $field = $limit === false ? 'limit' : 'cursor';
            return $call->logged($ledger, Response::error(400, 'validation_failed', ['field' => $field, 'message' => "$field must be a positive integer"]));
        }
        $userId = $ledger->findUserByPhone($phone);
        $page = $ledger->history($userId, min($limit, 500), $cursor);
        return $call->logged($ledger, new Response(200, [
            'user_id' => $userId,
            'phone' => \CashbackLedger::normalizePhone($phone, $this->settings->string('default_region')),
            'items' => $page['items'],
            'next_cursor' => $page['next_cursor'],
        ]));
    }

    /** A positive integer from a query string; the default when absent; false when malformed. */
    private function positiveInt(?string $text, ?int $default): int|false|null
    {
        if ($text === null || $text === '') {
            return $default;
        }
        return preg_match('/^[1-9][0-9]{0,17}$/', $text) === 1 ? (int) $text : false;
    }

    private function transaction(\CashbackLedger $ledger, Call $call): Response
    {
        $tooLarge = $this->bodyTooLarge($call->request);
        if ($tooLarge !== null) {
            return $call->logged($ledger, $tooLarge);
        }
        $result = $ledger->applyJson($call->request->body, $call->context('transactions'));
        if (!isset($result['status'])) {
            // The body was refused before a transaction was read: the ledger logged nothing.
            return $call->logged($ledger, $this->bodyRefused($result));
        }
        return $this->transactionResponse($result);
    }

    /** The answer to a body the ledger refused as a whole (not JSON, wrong shape, a repeated key, too many items). */
    private function bodyRefused(array $refusal): Response
    {
        return Response::error(ErrorStatus::of($refusal['error']), $refusal['error'], array_diff_key($refusal, ['error' => true]));
    }

    /** The 413 for a body over max_body_bytes, read no further; null when it fits. */
    private function bodyTooLarge(Request $request): ?Response
    {
        $max = $this->settings->int('max_body_bytes');
        return strlen($request->body) > $max
            ? Response::error(413, 'payload_too_large', ['message' => "the body exceeds $max bytes", 'max_bytes' => $max])
            : null;
    }

    /** The brief's single-transaction contract for one ledger result. */
    private function transactionResponse(array $result): Response
    {
        return match ($result['status']) {
            'success' => new Response(200, [
                'status' => 'ok',
                'transaction_id' => $result['transaction_id'],
                'user_id' => $result['user_id'],
                'balance' => $result['balance'],
                'negative_balance' => $result['negative_balance'],
            ]),
            'duplicate' => new Response(200, [
                'status' => 'already_exists',
                'idempotent' => true,
                'transaction_id' => $result['transaction_id'],
                'user_id' => $result['user_id'],
            ]),
            default => Response::error(
                ErrorStatus::of($result['error']),
                $result['error'],
                array_diff_key($result, ['error' => true, 'status' => true]),
            ),
        };
    }

    private function batch(\CashbackLedger $ledger, Call $call): Response
    {
        $tooLarge = $this->bodyTooLarge($call->request);
        if ($tooLarge !== null) {
            return $call->logged($ledger, $tooLarge);
        }
        $answer = $ledger->applyBatchJson($call->request->body, $call->context('transactions/batch'));
        if (isset($answer['error'])) {
            return $call->logged($ledger, $this->bodyRefused($answer));
        }
        return new Response(200, $answer);
    }
}
