<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\Engine\ActionFilter\Authentication;
use Bitrix\Main\Engine\ActionFilter\Csrf;
use Bitrix\Main\Engine\ActionFilter\HttpMethod;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Routing\RoutingConfigurator;
use Cashback\Api\Api as SharedApi;
use Cashback\Api\JsonEncoder;
use Cashback\Api\Response;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Controller\Api;
use Retaillab\Cashback\Controller\Filter\ApiKey;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;
use Retaillab\Cashback\Routes;
use Retaillab\Cashback\Tests\Doubles\SiteEncoding;

/**
 * The 1C API through the Bitrix controller: Bitrix's controller life cycle and
 * filters are doubles (tests/bitrix/doubles/Engine.php), everything behind them
 * is real — the shared API code, the extension, a temporary ledger database
 * and API keys created by the ledger.
 */
final class ApiControllerTest extends TestCase
{
    private const BASE = '/local/api/cashback/v1/';
    private const BOM = "\xEF\xBB\xBF";

    private string $dir;
    private \CashbackLedger $ledger;
    private string $key;
    private string|false $errorLog = false;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-api-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700, true);
        Option::$values = [];
        Option::set(Module::ID, Options::DATABASE_PATH, $this->dir . '/cashback.db');
        LedgerFactory::create(); // the installed site's ledger
        HttpRequest::$input = '';
        \BitrixSessidDouble::$valid = false; // a 1C request never carries a Bitrix session token
        // The shared API reports 503s and crashes to the server log; keep them out of the test output.
        $this->errorLog = ini_set('error_log', $this->dir . '/php-error.log');

        $this->ledger = LedgerFactory::open();
        $this->ledger->linkPhone(42, '+7 (900) 123-45-67', true);
        $this->key = $this->ledger->createApiKey('store-1', 'store-1')['key'];
    }

    protected function tearDown(): void
    {
        ini_set('error_log', (string) $this->errorLog);
        Option::$values = [];
        HttpRequest::$input = '';
        \BitrixSessidDouble::$valid = true;
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        @rmdir($this->dir);
    }

    public function testDefaultPreFiltersHaveNoCsrfCheckAndNoAuthentication(): void
    {
        foreach (['GET', 'POST'] as $method) {
            $controller = new Api(new HttpRequest($method, self::BASE . 'transactions'));
            foreach (['balance', 'transactions', 'batch', 'health', 'fallback'] as $action) {
                $filters = $controller->preFiltersFor($action);
                foreach ($filters as $filter) {
                    $this->assertNotInstanceOf(Authentication::class, $filter, "$method $action");
                    if ($filter instanceof Csrf) {
                        // Present only to stop Bitrix from adding an enabled one to POST actions.
                        $this->assertFalse((new \ReflectionProperty(Csrf::class, 'enabled'))->getValue($filter), "$method $action: Csrf must be disabled");
                    }
                }
                $classes = array_map(static fn ($filter) => $filter::class, $filters);
                $this->assertSame(
                    !in_array($action, ['health', 'fallback'], true),
                    in_array(ApiKey::class, $classes, true),
                    "$method $action: ApiKey filter",
                );
            }
        }
        // A plain controller in the same situation would get an enabled Csrf filter on POST:
        // what the explicit Csrf(false) prevents.
        $plain = new class (new HttpRequest('POST', '/x')) extends \Bitrix\Main\Engine\Controller {
            protected function getDefaultPreFilters()
            {
                return [new HttpMethod([HttpMethod::METHOD_GET, HttpMethod::METHOD_POST])];
            }

            public function xAction()
            {
            }
        };
        $this->assertContainsOnlyInstancesOf(\Bitrix\Main\Engine\ActionFilter\Base::class, $plain->preFiltersFor('x'));
        $this->assertInstanceOf(Csrf::class, $plain->preFiltersFor('x')[1]);
    }

    public function testBalanceReturnsTheSharedApiAnswer(): void
    {
        [$status, $body, $response] = $this->call('balance', 'GET', 'balance?user_phone=89001234567', ['X-API-Key' => $this->key], query: ['user_phone' => '89001234567']);

        $this->assertSame(200, $status);
        $this->assertSame(['user_id' => 42, 'phone' => '79001234567', 'balance' => 0, 'updated_at' => null], $body);
        // Response\Json adds its Content-Type when it is sent, once.
        ob_start();
        $response->send();
        $this->assertSame($response->getContent(), ob_get_clean());
        $this->assertSame(['application/json; charset=UTF-8'], $response->getHeaders()->get('Content-Type', true));
        $this->assertSame('nosniff', $response->getHeaders()->get('X-Content-Type-Options'));
        $this->assertSame('no-store', $response->getHeaders()->get('Cache-Control'));

        // Byte for byte what the standalone host sends for the same request.
        $request = new HttpRequest('GET', self::BASE . 'balance?user_phone=89001234567', ['X-API-Key' => $this->key], ['user_phone' => '89001234567']);
        $shared = (new SharedApi(LedgerFactory::settings()))->handle(Api::apiRequest($request, 'balance'));
        $this->assertSame($shared->json(), $response->getContent());
    }

    /**
     * Both hosts send the same bytes, produced by one encoder: with an old
     * php.ini (serialize_precision = 17) Bitrix's Web\Json::encode() would print
     * 0.07 as 0.070000000000000007; the shared encoder does not.
     */
    public function testTheControllerEmitsTheStandaloneHostsBytesEvenWithSerializePrecision17(): void
    {
        $answer = new Response(200, ['amount' => 0.07, 'balance' => 1250.5, 'name' => 'Тверская, 1 "центр"', 'path' => 'a/b', 'broken' => "x\xC3"]);
        $previous = ini_set('serialize_precision', '17');
        try {
            $bitrix = Api::toJson($answer)->getContent();
            $standalone = $answer->json();
        } finally {
            ini_set('serialize_precision', (string) $previous);
        }
        $this->assertSame('{"amount":0.07,"balance":1250.5,"name":"Тверская, 1 \\"центр\\"","path":"a/b","broken":"x' . "\u{FFFD}" . '"}', $standalone);
        $this->assertSame($standalone, $bitrix);
        $this->assertSame(JsonEncoder::encode($answer->body), $bitrix);
    }

    /**
     * On an installation not in UTF-8 mode Web\Json::encode() converts every
     * string from SITE_CHARSET to UTF-8; the API's strings are UTF-8 already, so
     * the controller must not go through it.
     */
    public function testOnASiteNotInUtf8ModeTheAnswerStaysUtf8(): void
    {
        SiteEncoding::$utfMode = false;
        SiteEncoding::$charset = 'windows-1251';
        try {
            $answer = new Response(200, ['name' => 'Тверская']);
            $this->assertNotSame('{"name":"Тверская"}', (new \Bitrix\Main\Engine\Response\Json($answer->body, JSON_UNESCAPED_UNICODE))->getContent(),
                'what Bitrix\'s own encoder makes of UTF-8 text there');
            $this->assertSame('{"name":"Тверская"}', Api::toJson($answer)->getContent());

            [$status, $body] = $this->call('health', 'GET', 'health');
            $this->assertSame([200, 'ok'], [$status, $body['status']]);
        } finally {
            SiteEncoding::reset();
        }
    }

    public function testBomPostOfOneTransactionAndItsResend(): void
    {
        $transaction = [
            'type' => 'accrual', 'amount' => 150.00, 'external_id' => 'Accrual_0001_20261127', 'user_phone' => '89001234567',
            'description' => 'Москва, Тверская 1, касса 2', 'created_at' => '2026-11-27T10:15:00', 'store_id' => 'store-1',
        ];
        $body = self::BOM . json_encode($transaction, JSON_UNESCAPED_UNICODE);
        $headers = ['X-API-Key' => $this->key, 'Content-Type' => 'application/json; charset=utf-8'];

        [$status, $answer] = $this->call('transactions', 'POST', 'transactions', $headers, $body);
        $this->assertSame(200, $status, json_encode($answer));
        $this->assertSame('ok', $answer['status']);
        $this->assertSame(42, $answer['user_id']);
        $this->assertSame(150, $answer['balance']);
        $this->assertFalse($answer['negative_balance']);

        [$status, $again] = $this->call('transactions', 'POST', 'transactions', $headers, $body);
        $this->assertSame(200, $status);
        $this->assertSame(['status' => 'already_exists', 'idempotent' => true, 'transaction_id' => $answer['transaction_id'], 'user_id' => 42], $again);
        $this->assertSame(150.0, $this->ledger->balance(42)['balance']);

        // The same key reads the history back (GET on the same action).
        [$status, $history] = $this->call('transactions', 'GET', 'transactions?user_phone=79001234567', ['X-API-Key' => $this->key], query: ['user_phone' => '79001234567']);
        $this->assertSame(200, $status);
        $this->assertCount(1, $history['items']);
        $this->assertSame('Москва, Тверская 1, касса 2', $history['items'][0]['description']);
    }

    public function testBatchThroughTheController(): void
    {
        $items = [
            ['type' => 'accrual', 'amount' => '100.50', 'external_id' => 'b-1', 'user_phone' => '79001234567'],
            ['type' => 'debit', 'amount' => 500, 'external_id' => 'b-2', 'user_phone' => '79001234567'],
        ];
        [$status, $body] = $this->call('batch', 'POST', 'transactions/batch', ['X-API-Key' => $this->key], json_encode(['transactions' => $items]));

        $this->assertSame(200, $status);
        $this->assertSame(['success', 'error'], array_column($body['results'], 'status'));
        $this->assertSame('insufficient_balance', $body['results'][1]['error']);
    }

    public function testMissingKeyIs401AndLogged(): void
    {
        foreach ([['balance', 'GET', 'balance?user_phone=79001234567'], ['transactions', 'POST', 'transactions'], ['batch', 'POST', 'transactions/batch']] as [$action, $method, $path]) {
            [$status, $body, $response, $controller] = $this->call($action, $method, $path, [], '{}');
            $this->assertSame(401, $status, "$method $path");
            $this->assertSame(['error' => 'unauthorized'], $body, "$method $path");
            $this->assertContains(ApiKey::class, $controller->ranFilters);
        }
        // A blank header counts as missing.
        [$status] = $this->call('balance', 'GET', 'balance', ['X-API-Key' => '  ']);
        $this->assertSame(401, $status);

        // Counted, not logged one by one: one row per address, status and window, named by its first endpoint.
        $log = $this->ledger->syncLog(['status' => 'unauthorized'])['items'];
        $this->assertSame([['balance', 4]], array_map(static fn (array $row): array => [$row['endpoint'], $row['times']], $log));
    }

    public function testWrongOrRevokedKeyIs401(): void
    {
        [$status, $body] = $this->call('balance', 'GET', 'balance', ['X-API-Key' => 'cbk_000000000000_' . str_repeat('0', 48)]);
        $this->assertSame([401, ['error' => 'unauthorized']], [$status, $body]);

        $this->ledger->revokeApiKey($this->ledger->verifyApiKey($this->key)['id']);
        [$status] = $this->call('balance', 'GET', 'balance', ['X-API-Key' => $this->key], query: ['user_phone' => '79001234567']);
        $this->assertSame(401, $status);
    }

    public function testRefusedAuthenticationsPassThroughWithTheirHeaders(): void
    {
        $limited = $this->ledger->createApiKey('store-2', 'store-2', ['10.0.0.0/8'])['key'];
        $request = fn (string $key, string $address) => new HttpRequest('GET', self::BASE . 'balance?user_phone=79001234567', ['X-API-Key' => $key], ['user_phone' => '79001234567'], [], $address);

        $controller = new Api($request($limited, '10.1.2.3'));
        $this->assertSame(200, $controller->buildResponse($controller->run('balance'))->getStatus(), 'from its network');
        $controller = new Api($request($limited, '192.168.1.5'));
        $response = $controller->buildResponse($controller->run('balance'));
        $this->assertSame(403, $response->getStatus());
        $this->assertSame('forbidden_network', json_decode($response->getContent(), true)['error']);

        // Repeated failures from one address: throttled, with Retry-After.
        $statuses = [];
        for ($i = 0; $i < 12; $i++) {
            $controller = new Api($request('cbk_000000000000_' . str_repeat('0', 48), '198.51.100.9'));
            $response = $controller->buildResponse($controller->run('balance'));
            $statuses[] = $response->getStatus();
        }
        $this->assertSame(401, $statuses[0]);
        $this->assertSame(429, end($statuses));
        $this->assertSame('too_many_requests', json_decode($response->getContent(), true)['error']);
        $this->assertMatchesRegularExpression('/^[1-9][0-9]*$/', (string) $response->getHeaders()->get('Retry-After'));

        // Each refusal has its own sync-log status, so the log page can filter attacks.
        $forbidden = $this->ledger->syncLog(['status' => 'forbidden'])['items'];
        $this->assertSame([['balance', 'forbidden_network']], array_map(static fn (array $row): array => [$row['endpoint'], $row['error']], $forbidden));
        $throttled = $this->ledger->syncLog(['status' => 'throttled'])['items'];
        $this->assertNotEmpty($throttled);
        $this->assertSame(['too_many_requests'], array_values(array_unique(array_column($throttled, 'error'))));
        $unauthorized = $this->ledger->syncLog(['status' => 'unauthorized'])['items'];
        $this->assertSame(12, array_sum(array_column($throttled, 'times')) + array_sum(array_column($unauthorized, 'times')));
        $this->assertSame(['198.51.100.9'], array_values(array_unique(array_column([...$throttled, ...$unauthorized], 'address'))));

        // The store's valid key from the throttled address (a shared NAT) still works.
        $controller = new Api($request($this->key, '198.51.100.9'));
        $this->assertSame(200, $controller->buildResponse($controller->run('balance'))->getStatus());
    }

    public function testTheModuleRegionReadsPhonesWithoutACountryCode(): void
    {
        Option::set(Module::ID, Options::DEFAULT_REGION, 'BY');
        LedgerFactory::open()->linkPhone(43, '+375 29 123-45-67', true);
        $headers = ['X-API-Key' => $this->key];
        $local = '8 029 123-45-67';

        [$status, $body] = $this->call('balance', 'GET', 'balance', $headers, query: ['user_phone' => $local]);
        $this->assertSame([200, 43, '375291234567'], [$status, $body['user_id'] ?? null, $body['phone'] ?? null], json_encode($body));
        [$status, $body] = $this->call('transactions', 'GET', 'transactions', $headers, query: ['user_phone' => $local]);
        $this->assertSame([200, 43, '375291234567'], [$status, $body['user_id'] ?? null, $body['phone'] ?? null], json_encode($body));
        // A Russian customer of a Belarusian shop writes the country code.
        [$status, $body] = $this->call('transactions', 'GET', 'transactions', $headers, query: ['user_phone' => '+7 900 123-45-67']);
        $this->assertSame([200, 42, '79001234567'], [$status, $body['user_id'] ?? null, $body['phone'] ?? null], json_encode($body));

        Option::set(Module::ID, Options::DEFAULT_REGION, 'RU');
        [$status, $body] = $this->call('balance', 'GET', 'balance', $headers, query: ['user_phone' => $local]);
        $this->assertSame([400, 'invalid_phone'], [$status, $body['error']], 'no +7 029 … exists');
    }

    public function testLedgerOptionsTheExtensionRefusesAre503ConfigInvalidWithTheDetailsInTheServerLog(): void
    {
        // Written by hand (the settings page would refuse it): the ledger will not open.
        Option::set(Module::ID, Options::TIMEZONE, 'Mars/Olympus_Mons');

        [$status, $body] = $this->call('balance', 'GET', 'balance', ['X-API-Key' => $this->key], query: ['user_phone' => '79001234567']);
        $this->assertSame(503, $status);
        $this->assertSame(['error' => 'config_invalid', 'message' => 'The server is misconfigured; see the server log.'], $body);
        $this->assertStringContainsString('config_invalid: invalid_option: timezone: unknown time zone "Mars/Olympus_Mons"', (string) file_get_contents($this->dir . '/php-error.log'));
    }

    public function testOversizedBodyAndBatchAre413(): void
    {
        Option::set(Module::ID, Options::MAX_BODY_BYTES, '1024');
        $big = json_encode(['transactions' => array_fill(0, 30, ['type' => 'accrual', 'amount' => 1, 'external_id' => 'x', 'user_id' => 42])]);
        $this->assertGreaterThan(1024, strlen($big));
        [$status, $body] = $this->call('batch', 'POST', 'transactions/batch', ['X-API-Key' => $this->key], $big);
        $this->assertSame(413, $status);
        $this->assertSame('payload_too_large', $body['error']);
        $this->assertSame(1024, $body['max_bytes']);

        Option::set(Module::ID, Options::MAX_BODY_BYTES, '16777216');
        Option::set(Module::ID, Options::MAX_BATCH, '2');
        [$status, $body] = $this->call('batch', 'POST', 'transactions/batch', ['X-API-Key' => $this->key], json_encode(array_slice(json_decode($big, true)['transactions'], 0, 3)));
        $this->assertSame(413, $status);
        $this->assertSame('batch_too_large', $body['error']);
        $this->assertSame(2, $body['max_batch']);
        $this->assertSame(0.0, $this->ledger->balance(42)['balance'], 'nothing applied');
    }

    public function testUnusableDatabaseIs503WithRetryAfter(): void
    {
        Option::set(Module::ID, Options::DATABASE_PATH, $this->dir . '/missing-folder/cashback.db');

        [$status, $body, $response] = $this->call('balance', 'GET', 'balance?user_phone=79001234567', ['X-API-Key' => $this->key], query: ['user_phone' => '79001234567']);
        $this->assertSame(503, $status);
        $this->assertSame('database_unavailable', $body['error']);
        $this->assertSame('5', $response->getHeaders()->get('Retry-After'));
        $this->assertStringNotContainsString($this->dir, $response->getContent(), 'no server paths in the answer');
        $this->assertStringContainsString('database_unavailable', (string) file_get_contents($this->dir . '/php-error.log'), 'the reason goes to the server log');

        [$status, $body, $response] = $this->call('health', 'GET', 'health');
        $this->assertSame(503, $status);
        $this->assertSame('unavailable', $body['status']);
        $this->assertSame('5', $response->getHeaders()->get('Retry-After'));
    }

    public function testHealthNeedsNoKey(): void
    {
        [$status, $body, , $controller] = $this->call('health', 'GET', 'health');
        $this->assertSame(200, $status);
        $this->assertSame('ok', $body['status']);
        $this->assertTrue($body['database']['writable']);
        $this->assertNotContains(ApiKey::class, $controller->ranFilters);
    }

    public function testUnknownPathsAndMethodsGetTheContractsAnswers(): void
    {
        [$status, $body] = $this->call('fallback', 'GET', 'no/such/endpoint');
        $this->assertSame([404, 'not_found'], [$status, $body['error']]);

        [$status, $body] = $this->call('fallback', 'GET', '');
        $this->assertSame([404, 'not_found'], [$status, $body['error']]);

        [$status, $body, $response] = $this->call('fallback', 'DELETE', 'balance');
        $this->assertSame([405, 'method_not_allowed'], [$status, $body['error']]);
        $this->assertSame('GET', $response->getHeaders()->get('Allow'));

        [$status, , $response] = $this->call('fallback', 'PUT', 'transactions/');
        $this->assertSame(405, $status);
        $this->assertSame('GET, POST', $response->getHeaders()->get('Allow'));

        // Reached without routing (ajax.php): HttpMethod refuses, the answer is still the contract's, not Bitrix's envelope.
        [$status, $body, $response] = $this->call('balance', 'PUT', 'balance', ['X-API-Key' => $this->key]);
        $this->assertSame([405, ['error' => 'method_not_allowed']], [$status, $body]);
        $this->assertSame('GET', $response->getHeaders()->get('Allow'));
    }

    public function testAnUnexpectedFailureAnswers500WithoutDetails(): void
    {
        $request = new class ('GET', self::BASE . 'balance', ['X-API-Key' => $this->key]) extends HttpRequest {
            public function getQueryList(): \Bitrix\Main\Type\ParameterDictionary
            {
                throw new \RuntimeException('boom in /var/www/secret/file.php');
            }
        };
        $controller = new Api($request);
        $response = $controller->buildResponse($controller->run('balance'));
        $this->assertSame(500, $response->getStatus());
        $this->assertSame(['error' => 'internal_error', 'message' => 'Internal error; see the server log.'], json_decode($response->getContent(), true));
        $this->assertStringContainsString('boom in /var/www/secret/file.php', (string) file_get_contents($this->dir . '/php-error.log'), 'the details go to the server log');
    }

    public function testPathBelowBase(): void
    {
        $this->assertSame('transactions/batch', Api::pathBelowBase('/local/api/cashback/v1/transactions/batch/'));
        $this->assertSame('', Api::pathBelowBase('/local/api/cashback/v1'));
        $this->assertSame('', Api::pathBelowBase('/local/api/cashback/v1/'));
        $this->assertSame('health', Api::pathBelowBase('/local/api/cashback/v1/health'));
    }

    public function testRoutesSendEveryPathBelowThePrefixToTheController(): void
    {
        $routes = new RoutingConfigurator();
        Routes::configure($routes);

        $cases = [
            ['GET', '/local/api/cashback/v1/balance', 'balance'],
            ['HEAD', '/local/api/cashback/v1/balance', 'balance'],
            ['GET', '/local/api/cashback/v1/transactions', 'transactions'],
            ['POST', '/local/api/cashback/v1/transactions', 'transactions'],
            ['POST', '/local/api/cashback/v1/transactions/batch', 'batch'],
            ['GET', '/local/api/cashback/v1/health', 'health'],
            ['GET', '/local/api/cashback/v1/transactions/batch', 'fallback'],
            ['DELETE', '/local/api/cashback/v1/balance', 'fallback'],
            ['POST', '/local/api/cashback/v1/balance', 'fallback'],
            ['GET', '/local/api/cashback/v1/unknown/deeper/path', 'fallback'],
            ['GET', '/local/api/cashback/v1/', 'fallback'],
        ];
        foreach ($cases as [$method, $path, $action]) {
            $route = $routes->matchForTest($method, $path);
            $this->assertNotNull($route, "$method $path");
            $this->assertSame([Api::class, $action], $route->getController(), "$method $path");
            $this->assertTrue(method_exists(Api::class, $action . 'Action'));
        }
        $this->assertNull($routes->matchForTest('GET', '/local/api/cashback/v2/balance'));
        $this->assertNull($routes->matchForTest('GET', '/local/api/cashback/v10'));
        $this->assertNull($routes->matchForTest('GET', '/catalog/'));
    }

    /**
     * The kernel's router matches a route without parameters only to the
     * identical path (doubles/Routing.php follows Route::match()): the base path
     * without its trailing slash needs a route of its own, or the site's HTML 404
     * answers instead of the contract's JSON.
     */
    public function testTheBarePrefixWithoutATrailingSlashGetsTheContractsJson404(): void
    {
        $routes = new RoutingConfigurator();
        Routes::configure($routes);

        foreach (['GET', 'POST', 'HEAD', 'DELETE'] as $method) {
            $route = $routes->matchForTest($method, '/local/api/cashback/v1');
            $this->assertNotNull($route, "$method /local/api/cashback/v1");
            $this->assertSame([Api::class, 'fallback'], $route->getController());
        }

        $controller = new Api(new HttpRequest('GET', '/local/api/cashback/v1'));
        $response = $controller->buildResponse($controller->run('fallback'));
        $this->assertSame(404, $response->getStatus());
        $this->assertSame('not_found', json_decode($response->getContent(), true)['error']);
    }

    /** What the real RoutingConfigurator returns: a RoutingConfiguration from prefix() and route methods, nothing from group(). */
    public function testTheRoutingDoubleReturnsWhatTheKernelReturns(): void
    {
        $routes = new RoutingConfigurator();
        $configuration = $routes->prefix('x');
        $this->assertInstanceOf(\Bitrix\Main\Routing\RoutingConfiguration::class, $configuration);
        $this->assertNull($configuration->group(static function (RoutingConfigurator $inner): void {
            $inner->get('a', 'handler-a');
            $inner->get('/b', 'handler-b');
        }));
        $this->assertInstanceOf(\Bitrix\Main\Routing\RoutingConfiguration::class, $routes->any('/{p}', 'h')->where('p', '\d+'));
        $this->assertSame('handler-a', $routes->matchForTest('GET', '/x/a')?->getController());
        $this->assertNull($routes->matchForTest('GET', '/x/a/'), 'no optional trailing slash');
        $this->assertNull($routes->matchForTest('GET', '/x/b'), "a leading slash under a prefix gives '/x//b'");
        $this->assertSame('handler-b', $routes->matchForTest('GET', '/x//b')?->getController());
        $this->assertSame(['p' => '42'], $routes->matchForTest('GET', '/42')?->getParametersValues());
        $this->expectException(\Bitrix\Main\SystemException::class);
        $routes->frobnicate();
    }

    public function testInstalledRouteFileReturnsTheModuleRoutes(): void
    {
        $closure = require CASHBACK_MODULE_DIR . '/install/routes/cashback.php';
        $this->assertInstanceOf(\Closure::class, $closure);
        $parameter = (new \ReflectionFunction($closure))->getParameters()[0];
        $this->assertSame(RoutingConfigurator::class, (string) $parameter->getType());

        $routes = new RoutingConfigurator();
        $closure($routes);
        $this->assertSame([Api::class, 'balance'], $routes->matchForTest('GET', '/local/api/cashback/v1/balance')?->getController());

        // Without the module (uninstalled but the file left behind) the file declares nothing.
        \Bitrix\Main\Loader::$modules[Module::ID] = false;
        try {
            $routes = new RoutingConfigurator();
            $closure($routes);
            $routes->getRouter()->releaseRoutes();
            $this->assertSame([], $routes->getRouter()->getRoutes());
        } finally {
            unset(\Bitrix\Main\Loader::$modules[Module::ID]);
        }
    }

    /**
     * Runs one action as HttpApplication would and returns what the client gets.
     *
     * @return array{0: int, 1: mixed, 2: \Bitrix\Main\HttpResponse, 3: Api} status, decoded body, response, controller
     */
    private function call(string $action, string $method, string $path, array $headers = [], string $body = '', array $query = []): array
    {
        HttpRequest::$input = $body;
        $controller = new Api(new HttpRequest($method, self::BASE . $path, $headers, $query));
        $response = $controller->buildResponse($controller->run($action));
        $this->assertInstanceOf(\Bitrix\Main\Engine\Response\Json::class, $response, 'always the contract\'s JSON, never Bitrix\'s envelope');
        return [$response->getStatus(), json_decode($response->getContent(), true), $response, $controller];
    }
}
