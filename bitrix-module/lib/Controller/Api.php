<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Controller;

use Bitrix\Main\Engine\Action;
use Bitrix\Main\Engine\ActionFilter\Csrf;
use Bitrix\Main\Engine\ActionFilter\HttpMethod;
use Bitrix\Main\Engine\Controller;
use Bitrix\Main\Engine\Response\Json;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\HttpResponse;
use Cashback\Api\Api as SharedApi;
use Cashback\Api\Request;
use Cashback\Api\Response;
use Retaillab\Cashback\Controller\Filter\ApiKey;
use Retaillab\Cashback\Ledger\LedgerFactory;

/**
 * The 1C API under /local/api/cashback/v1/ as a Bitrix controller (routes:
 * Retaillab\Cashback\Routes). Every action hands the request to the shared API
 * (\Cashback\Api\Api, the same code the standalone host runs) and returns its
 * answer as a Response\Json with the real status code and headers, so both
 * hosts speak exactly the same contract (docs/openapi.yaml), byte for byte
 * (JsonResponse encodes with the standalone host's JsonEncoder).
 *
 * Security: 1C is not a browser user. No Authentication filter (there is no
 * Bitrix session) and no CSRF check (there is no form token); the API key is the
 * credential: ApiKey requires the header, the shared API verifies it.
 */
final class Api extends Controller
{
    public const BASE_PATH = '/local/api/cashback/v1/';

    /** Action => API path below BASE_PATH; the fallback action takes the path from the URL. */
    private const PATHS = [
        'balance' => 'balance',
        'transactions' => 'transactions',
        'batch' => 'transactions/batch',
        'health' => 'health',
    ];

    protected function getDefaultPreFilters()
    {
        return [
            new HttpMethod([HttpMethod::METHOD_GET, HttpMethod::METHOD_POST, 'HEAD']),
            new ApiKey(),
            // Explicitly disabled: Controller::buildFilters() adds an enabled Csrf filter to
            // POST requests whose filters allow POST but contain no Csrf filter at all.
            new Csrf(false),
        ];
    }

    protected function getDefaultPostFilters()
    {
        return [];
    }

    public function configureActions()
    {
        return [
            // The health check needs no key (monitoring probes have none).
            'health' => ['-prefilters' => [ApiKey::class]],
            // Unknown paths and methods: the shared API answers 404 / 405 (with Allow) itself.
            'fallback' => ['-prefilters' => [HttpMethod::class, ApiKey::class]],
        ];
    }

    /** The body is JSON read from php://input; Bitrix's form-data decoding has nothing to do. */
    protected function shouldDecodePostData(Action $action): bool
    {
        return false;
    }

    /** GET balance?user_phone= */
    public function balanceAction(): HttpResponse
    {
        return $this->respond(self::PATHS['balance']);
    }

    /** GET transactions (history) and POST transactions (one transaction). */
    public function transactionsAction(): HttpResponse
    {
        return $this->respond(self::PATHS['transactions']);
    }

    /** POST transactions/batch */
    public function batchAction(): HttpResponse
    {
        return $this->respond(self::PATHS['batch']);
    }

    /** GET health (no key) */
    public function healthAction(): HttpResponse
    {
        return $this->respond(self::PATHS['health']);
    }

    /** Any other path or method below the base: 404 not_found / 405 method_not_allowed. */
    public function fallbackAction(): HttpResponse
    {
        return $this->respond(null);
    }

    /**
     * Runs after every action, also when a pre-filter refused it (then $result
     * is null). Bitrix would answer a refusal with its own envelope and HTTP 200;
     * the two refusals this controller expects get the contract's answer instead.
     */
    protected function processAfterAction(Action $action, $result)
    {
        if ($result instanceof HttpResponse) {
            return null;
        }
        $path = self::PATHS[strtolower($action->getName())] ?? null;
        if ($this->getErrorByCode(ApiKey::ERROR_MISSING_KEY) !== null) {
            // The shared API answers a keyless request with 401 and logs the attempt.
            return $this->respond($path, Response::error(401, 'unauthorized'));
        }
        if ($this->getErrorByCode(HttpMethod::ERROR_INVALID_HTTP_METHOD) !== null) {
            // The shared API's route table gives 405 and the Allow header.
            return $this->respond($path, Response::error(405, 'method_not_allowed'));
        }
        return null;
    }

    /**
     * Hands the request to the shared API and converts its answer.
     *
     * @param string|null $path The API path, or null to take it from the URL.
     * @param Response|null $refusal When set, the request was refused by a pre-filter:
     *     the shared API's answer is used only if it is a refusal too, else this one.
     */
    private function respond(?string $path, ?Response $refusal = null): HttpResponse
    {
        try {
            $request = self::apiRequest($this->getRequest(), $path);
            $response = (new SharedApi(LedgerFactory::settings()))->handle($request);
            if ($refusal !== null && $response->status < 400) {
                $response = $refusal;
            }
        } catch (\Throwable $e) {
            // Never Bitrix's error envelope or a stack trace; the details go to the server log.
            error_log('retaillab.cashback api: ' . $e::class . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine());
            $response = Response::error(500, 'internal_error', ['message' => 'Internal error; see the server log.']);
        }
        return self::toJson($response);
    }

    /** The shared API's request from Bitrix's HttpRequest. */
    public static function apiRequest(HttpRequest $request, ?string $path = null): Request
    {
        if ($path === null) {
            $uriPath = (string) parse_url((string) $request->getRequestUri(), PHP_URL_PATH);
            $path = self::pathBelowBase(rawurldecode($uriPath));
        }
        $headers = [];
        foreach ($request->getHeaders() as $name => $values) {
            $value = is_array($values) ? reset($values) : $values;
            $headers[strtolower((string) $name)] = (string) $value;
        }
        return new Request(
            strtoupper((string) $request->getRequestMethod()),
            $path,
            $request->getQueryList()->toArray(),
            $headers,
            (string) HttpRequest::getInput(),
            (string) $request->getRemoteAddress(),
        );
    }

    /** "/local/api/cashback/v1/transactions/batch/" => "transactions/batch". */
    public static function pathBelowBase(string $uriPath): string
    {
        $base = rtrim(self::BASE_PATH, '/');
        if ($uriPath === $base) {
            return '';
        }
        $path = str_starts_with($uriPath, self::BASE_PATH) ? substr($uriPath, strlen(self::BASE_PATH)) : $uriPath;
        return trim($path, '/');
    }

    /**
     * The shared API's response as Bitrix's Json response: status, headers and
     * the very bytes the standalone host sends (JsonResponse, not Web\Json).
     */
    public static function toJson(Response $response): Json
    {
        $json = new JsonResponse($response->body);
        $json->setStatus($response->status);
        $json->addHeader('X-Content-Type-Options', 'nosniff');
        $json->addHeader('Cache-Control', 'no-store');
        foreach ($response->headers as $name => $value) {
            $json->addHeader($name, $value);
        }
        return $json;
    }
}
