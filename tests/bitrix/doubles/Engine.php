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

namespace Bitrix\Main\Engine\Response {
    use Bitrix\Main\HttpResponse;

    /** Bitrix\Main\Engine\Response\Json: the data encoded with the given json_encode options. */
    class Json extends HttpResponse
    {
        public function __construct(private $data = null, private $options = 0)
        {
            parent::__construct();
            $this->setContent(json_encode($data, $options | JSON_THROW_ON_ERROR));
            $this->addHeader('Content-Type', 'application/json; charset=UTF-8');
        }

        public function getData()
        {
            return $this->data;
        }
    }
}
