<?php

declare(strict_types=1);

// Test doubles of Bitrix\Main\Engine: Controller, its actions, the standard
// action filters and Response\Json. Controller::run() follows the documented
// life cycle (docs framework/controllers, framework/pre-post-filters) and the
// filter-building rules of Controller::buildFilters() that matter to an API
// controller:
//   - without a configured 'prefilters' list an action gets getDefaultPreFilters();
//   - on a POST request, when the pre-filters contain an HttpMethod filter that
//     allows POST and no Csrf filter at all, an enabled Csrf filter is added;
//   - then '-prefilters' (class names) are removed and '+prefilters' appended;
//   - every pre-filter runs; any EventResult other than SUCCESS stops the action,
//     the filter's errors go to the controller; processAfterAction() still runs
//     (with a null result); an exception thrown by the action skips it.
// What HttpApplication sends is buildResponse(): an HttpResponse as-is, anything
// else wrapped in Bitrix's {"status","data","errors"} envelope with HTTP 200.

namespace Bitrix\Main\Engine {
    require_once __DIR__ . '/Main.php';

    use Bitrix\Main\Context;
    use Bitrix\Main\Engine\ActionFilter;
    use Bitrix\Main\Error;
    use Bitrix\Main\ErrorCollection;
    use Bitrix\Main\Event;
    use Bitrix\Main\EventResult;
    use Bitrix\Main\HttpRequest;
    use Bitrix\Main\HttpResponse;
    use Bitrix\Main\SystemException;

    class Action
    {
        public function __construct(private string $name, private Controller $controller, private array $config = [])
        {
        }

        public function getName(): string
        {
            return $this->name;
        }

        public function getController(): Controller
        {
            return $this->controller;
        }

        public function getConfig(): array
        {
            return $this->config;
        }
    }

    class Controller
    {
        public const SCOPE_REST = 'rest';
        public const SCOPE_AJAX = 'ajax';
        public const SCOPE_CLI = 'cli';

        protected ErrorCollection $errorCollection;
        protected HttpRequest $request;
        private string $scope = self::SCOPE_AJAX;

        /** Names of the filters that ran for the last action, in order (for tests). */
        public array $ranFilters = [];

        public function __construct(?HttpRequest $request = null)
        {
            $this->errorCollection = new ErrorCollection();
            $this->request = $request ?? Context::getCurrent()->getRequest();
            $this->init();
        }

        protected function init()
        {
        }

        final public function getRequest(): HttpRequest
        {
            return $this->request;
        }

        final public function getScope(): string
        {
            return $this->scope;
        }

        protected function getDefaultPreFilters()
        {
            return [
                new ActionFilter\Authentication(),
                new ActionFilter\HttpMethod([ActionFilter\HttpMethod::METHOD_GET, ActionFilter\HttpMethod::METHOD_POST]),
                new ActionFilter\Csrf(),
            ];
        }

        protected function getDefaultPostFilters()
        {
            return [];
        }

        public function configureActions()
        {
            return [];
        }

        protected function processBeforeAction(Action $action)
        {
            return true;
        }

        protected function processAfterAction(Action $action, $result)
        {
        }

        protected function shouldDecodePostData(Action $action): bool
        {
            return $this->request->isPost();
        }

        final public function getErrors(): array
        {
            return $this->errorCollection->toArray();
        }

        final public function getErrorByCode($code): ?Error
        {
            return $this->errorCollection->getErrorByCode($code);
        }

        protected function addError(Error $error)
        {
            $this->errorCollection[] = $error;
            return $this;
        }

        /** The pre-filters Bitrix attaches to $actionName for the current request. */
        final public function preFiltersFor(string $actionName): array
        {
            $configuration = array_change_key_case((array) $this->configureActions(), CASE_LOWER);
            $config = $configuration[strtolower($actionName)] ?? [];
            $filters = $config['prefilters'] ?? $this->getDefaultPreFilters();
            $allowsPost = $hasCsrf = false;
            foreach ($filters as $filter) {
                $allowsPost = $allowsPost || ($filter instanceof ActionFilter\HttpMethod && $filter->containsPostMethod());
                $hasCsrf = $hasCsrf || $filter instanceof ActionFilter\Csrf;
            }
            if ($allowsPost && !$hasCsrf && $this->request->isPost()) {
                $filters[] = new ActionFilter\Csrf();
            }
            foreach ($config['-prefilters'] ?? [] as $remove) {
                $filters = array_values(array_filter($filters, static fn ($filter) => !is_a($filter, $remove)));
            }
            return [...$filters, ...($config['+prefilters'] ?? [])];
        }

        /** Controller::run(): filters, the action, processAfterAction(). */
        final public function run(string $actionName, array $sourceParametersList = [])
        {
            $method = $actionName . 'Action';
            if (!method_exists($this, $method)) {
                throw new SystemException("Could not find description of $actionName in " . static::class);
            }
            $action = new Action($actionName, $this);
            $this->ranFilters = [];
            $allowed = $this->processBeforeAction($action) === true;
            if ($allowed) {
                foreach ($this->preFiltersFor($actionName) as $filter) {
                    if (!in_array($this->scope, $filter->listAllowedScopes(), true)) {
                        continue;
                    }
                    $filter->bindAction($action);
                    $this->ranFilters[] = $filter::class;
                    $result = $filter->onBeforeAction(new Event('main', static::class . '::onBeforeAction', ['action' => $action]));
                    if ($result instanceof EventResult && $result->getType() !== EventResult::SUCCESS) {
                        $this->errorCollection->add($filter->getErrors());
                        $allowed = false;
                    }
                }
            }
            $result = null;
            try {
                if ($allowed) {
                    $result = $this->$method();
                }
            } catch (\Throwable $e) {
                $this->errorCollection[] = new Error($e->getMessage(), $e->getCode());
                return null;
            }
            $replaced = $this->processAfterAction($action, $result);
            return $replaced ?? $result;
        }

        /** HttpApplication::buildResponse(): what the client receives. */
        final public function buildResponse($result): HttpResponse
        {
            if ($result instanceof HttpResponse) {
                return $result;
            }
            $errors = array_map(static fn (Error $e) => ['message' => $e->getMessage(), 'code' => $e->getCode()], $this->getErrors());
            $envelope = new Response\Json([
                'status' => $errors === [] ? 'success' : 'error',
                'data' => $result,
                'errors' => $errors,
            ]);
            return $envelope->setStatus(200);
        }
    }
}

namespace Bitrix\Main\Engine\ActionFilter {
    use Bitrix\Main\Engine\Action;
    use Bitrix\Main\Engine\Controller;
    use Bitrix\Main\Error;
    use Bitrix\Main\ErrorCollection;
    use Bitrix\Main\Event;
    use Bitrix\Main\EventResult;

    abstract class Base
    {
        protected $errorCollection;
        protected $action;

        public function __construct()
        {
            $this->errorCollection = new ErrorCollection();
        }

        final public function bindAction(Action $action)
        {
            $this->action = $action;
            return $this;
        }

        final public function getAction()
        {
            return $this->action;
        }

        public function listAllowedScopes()
        {
            return [Controller::SCOPE_REST, Controller::SCOPE_AJAX, Controller::SCOPE_CLI];
        }

        public function onBeforeAction(Event $event)
        {
        }

        public function onAfterAction(Event $event)
        {
        }

        final public function getErrors()
        {
            return $this->errorCollection->toArray();
        }
    }

    final class HttpMethod extends Base
    {
        public const METHOD_GET = 'GET';
        public const METHOD_POST = 'POST';
        public const ERROR_INVALID_HTTP_METHOD = 'invalid_http_method';

        public function __construct(private array $allowedMethods = [self::METHOD_GET])
        {
            parent::__construct();
        }

        public function listAllowedScopes()
        {
            return [Controller::SCOPE_AJAX, Controller::SCOPE_REST];
        }

        public function containsPostMethod(): bool
        {
            return in_array(self::METHOD_POST, $this->allowedMethods, true);
        }

        public function onBeforeAction(Event $event)
        {
            if (!in_array($this->getAction()->getController()->getRequest()->getRequestMethod(), $this->allowedMethods, true)) {
                $this->errorCollection[] = new Error('Wrong method for current action', self::ERROR_INVALID_HTTP_METHOD);
                return new EventResult(EventResult::ERROR, null, null, $this);
            }
            return null;
        }
    }

    /** Checks the session token (check_bitrix_sessid()); a 1C request never has one. */
    final class Csrf extends Base
    {
        public const ERROR_INVALID_CSRF = 'invalid_csrf';

        public function __construct(private $enabled = true, private $tokenName = 'sessid', private $returnNew = true)
        {
            parent::__construct();
        }

        public function listAllowedScopes()
        {
            return [Controller::SCOPE_AJAX];
        }

        public function onBeforeAction(Event $event)
        {
            if ($this->enabled && !check_bitrix_sessid($this->tokenName)) {
                $this->errorCollection[] = new Error('Invalid csrf token', self::ERROR_INVALID_CSRF);
                return new EventResult(EventResult::ERROR, null, null, $this);
            }
            return null;
        }
    }

    /** Requires a logged-in Bitrix user; the tests never have one. */
    final class Authentication extends Base
    {
        public const ERROR_INVALID_AUTHENTICATION = 'invalid_authentication';

        public function onBeforeAction(Event $event)
        {
            $this->errorCollection[] = new Error('Invalid authentication', self::ERROR_INVALID_AUTHENTICATION);
            return new EventResult(EventResult::ERROR, null, null, $this);
        }
    }
}

namespace Retaillab\Cashback\Tests\Doubles {
    /**
     * The site's encoding as the kernel reports it, for the Web\Json double:
     * $utfMode stands for Application::isUtfMode() (the 'utf_mode' value of
     * .settings.php, false when absent), $charset for the SITE_CHARSET constant.
     * Tests of a non-UTF-8 site set them and reset() afterwards.
     */
    final class SiteEncoding
    {
        public static bool $utfMode = true;
        public static string $charset = 'UTF-8';

        public static function reset(): void
        {
            self::$utfMode = true;
            self::$charset = 'UTF-8';
        }
    }
}

namespace Bitrix\Main\Web {
    use Bitrix\Main\ArgumentException;
    use Retaillab\Cashback\Tests\Doubles\SiteEncoding;

    if (!class_exists(Json::class, false)) {
        /**
         * Bitrix\Main\Web\Json::encode() as the real class does it
         * (avshatalov48/bitrix-core-business, modules/main/lib/web/json.php, stored
         * copy at commit 10714f08):
         *   - when the installation is not in UTF-8 mode, JsonSerializable objects are
         *     serialized first and then every string, array keys included, is
         *     converted from SITE_CHARSET to UTF-8 (Text\Encoding::convertEncoding(),
         *     which leaves the data alone when both charsets are the same) — data
         *     that is UTF-8 already comes out garbled;
         *   - $options null means JSON_HEX_TAG|JSON_HEX_AMP|JSON_HEX_APOS|JSON_HEX_QUOT;
         *     anything else (0 included) is passed to json_encode() as it is;
         *   - no serialize_precision guard: floats print as php.ini says;
         *   - after json_encode() any json_last_error() throws ArgumentException
         *     'JSON error: <message> [<code>]', except a UTF-8 error when
         *     JSON_PARTIAL_OUTPUT_ON_ERROR was given.
         */
        class Json
        {
            public const JSON_ERROR_UNKNOWN = -1;

            public static function encode($data, $options = null)
            {
                if (!SiteEncoding::$utfMode) {
                    $data = self::toUtf8(self::serialized($data), SiteEncoding::$charset);
                }
                $options ??= JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT;
                $result = json_encode($data, $options);
                $error = json_last_error();
                if ($error !== JSON_ERROR_NONE && !($error === JSON_ERROR_UTF8 && ($options & JSON_PARTIAL_OUTPUT_ON_ERROR))) {
                    throw new ArgumentException(sprintf('JSON error: %s [%d]', json_last_error_msg(), $error), 'data');
                }
                return $result;
            }

            public static function decode($data)
            {
                $result = json_decode((string) $data, true);
                if (json_last_error() !== JSON_ERROR_NONE || ($result === null && strtolower((string) $data) !== 'null')) {
                    throw new ArgumentException('JSON error: ' . json_last_error_msg(), 'data');
                }
                return SiteEncoding::$utfMode ? $result : self::convert($result, 'UTF-8', SiteEncoding::$charset);
            }

            private static function serialized($data)
            {
                if ($data instanceof \JsonSerializable) {
                    $data = $data->jsonSerialize();
                }
                if (is_array($data)) {
                    $data = array_map(self::serialized(...), $data);
                }
                return $data;
            }

            private static function toUtf8($data, string $charset)
            {
                return self::convert($data, $charset, 'UTF-8');
            }

            private static function convert($data, string $from, string $to)
            {
                if (strcasecmp($from, $to) === 0) {
                    return $data;
                }
                if (is_array($data)) {
                    $converted = [];
                    foreach ($data as $key => $value) {
                        $converted[is_string($key) ? self::convert($key, $from, $to) : $key] = self::convert($value, $from, $to);
                    }
                    return $converted;
                }
                return is_string($data) && $data !== '' ? mb_convert_encoding($data, $to, $from) : $data;
            }
        }
    }
}

namespace Bitrix\Main\Engine\Response {
    use Bitrix\Main\HttpResponse;
    use Bitrix\Main\Web;

    /**
     * Bitrix\Main\Engine\Response\Json as the real class does it
     * (avshatalov48/bitrix-core-business, modules/main/lib/engine/response/json.php,
     * stored copy at commit 1faf5aca): the constructor keeps $options and calls
     * setData($data), which unwraps JsonSerializable values (recursively through
     * arrays), encodes with Web\Json::encode($data, $options) and sets the result
     * as the content; the encoded string is kept in the protected $data. The
     * Content-Type header (application/json; charset=UTF-8) is added only by
     * send(), which then sends the response (the double echoes the content).
     */
    class Json extends HttpResponse
    {
        protected $data;
        protected $jsonEncodingOptions = 0;

        public function __construct($data = null, $options = 0)
        {
            parent::__construct();
            $this->jsonEncodingOptions = $options;
            $this->setData($data);
        }

        public function setData($data)
        {
            $this->data = Web\Json::encode(self::unwrap($data), $this->jsonEncodingOptions);
            return $this->setContent($this->data);
        }

        public function send()
        {
            $this->addHeader('Content-Type', 'application/json; charset=UTF-8');
            if (method_exists(HttpResponse::class, 'send')) {
                parent::send();
            } else {
                echo $this->getContent();
            }
        }

        private static function unwrap($data)
        {
            if ($data instanceof \JsonSerializable) {
                $data = $data->jsonSerialize();
            }
            return is_array($data) ? array_map(self::unwrap(...), $data) : $data;
        }
    }
}
