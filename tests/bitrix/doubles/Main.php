<?php

declare(strict_types=1);

// Test doubles of the main module's kernel classes the module's install, API
// and settings code touch: module registration, event handlers, agents, mail
// event types, urlrewrite rules, sites, the request/response objects and the
// global $APPLICATION. Each records what it was given so tests can check what
// Bitrix would have received; reset() empties it. Behaviour that matters to the
// module is imitated from Bitrix's documented behaviour (named in comments);
// everything else is left out. Shared classes another area may also declare
// (Event, SystemException, htmlspecialcharsbx) are declared only when absent.

namespace Bitrix\Main\Type {
    /** Bitrix\Main\Type\ParameterDictionary: the GET/POST lists of a request. */
    class ParameterDictionary implements \IteratorAggregate
    {
        /** @param array<string, mixed> $values */
        public function __construct(protected array $values = [])
        {
        }

        public function get($name)
        {
            return $this->values[$name] ?? null;
        }

        public function toArray(): array
        {
            return $this->values;
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->values);
        }
    }
}

namespace Bitrix\Main\Web {
    /** Bitrix\Main\Web\HttpHeaders: case-insensitive, several values per name; iterates name => values. */
    class HttpHeaders implements \IteratorAggregate
    {
        /** @var array<string, array{name: string, values: list<string>}> */
        private array $headers = [];
        private int $status = 0;

        public function add($name, $value): void
        {
            $lower = strtolower((string) $name);
            $this->headers[$lower] ??= ['name' => (string) $name, 'values' => []];
            foreach ((array) $value as $one) {
                $this->headers[$lower]['values'][] = (string) $one;
            }
        }

        public function set($name, $value): void
        {
            unset($this->headers[strtolower((string) $name)]);
            $this->add($name, $value);
        }

        public function get($name, $returnArray = false)
        {
            $header = $this->headers[strtolower((string) $name)] ?? null;
            if ($header === null) {
                return null;
            }
            return $returnArray ? $header['values'] : $header['values'][0];
        }

        public function getIterator(): \ArrayIterator
        {
            $all = [];
            foreach ($this->headers as $header) {
                $all[$header['name']] = $header['values'];
            }
            return new \ArrayIterator($all);
        }

        public function setStatus(int $status): void
        {
            $this->status = $status;
        }

        public function getStatus(): int
        {
            return $this->status;
        }
    }
}

namespace Bitrix\Main {
    use Bitrix\Main\Type\ParameterDictionary;
    use Bitrix\Main\Web\HttpHeaders;

    if (!class_exists(SystemException::class, false)) {
        class SystemException extends \Exception
        {
        }
    }

    if (!class_exists(Event::class, false)) {
        /** Bitrix\Main\Event, as its constructor and getters are documented. */
        class Event
        {
            public function __construct(
                private string $moduleId,
                private string $type,
                private array $parameters = [],
            ) {
            }

            public function getModuleId(): string
            {
                return $this->moduleId;
            }

            public function getEventType(): string
            {
                return $this->type;
            }

            public function getParameter(string $key): mixed
            {
                return $this->parameters[$key] ?? null;
            }

            public function getParameters(): array
            {
                return $this->parameters;
            }
        }
    }

    /** Bitrix\Main\EventResult: what an event handler (or an action filter) returns. */
    class EventResult
    {
        public const UNDEFINED = 0;
        public const SUCCESS = 1;
        public const ERROR = 2;

        public function __construct(private int $type, private $parameters = null, private $moduleId = null, private $handler = null)
        {
        }

        public function getType(): int
        {
            return $this->type;
        }

        public function getHandler()
        {
            return $this->handler;
        }
    }

    class Error
    {
        public function __construct(private string $message, private int|string $code = 0, private mixed $customData = null)
        {
        }

        public function getMessage(): string
        {
            return $this->message;
        }

        public function getCode(): int|string
        {
            return $this->code;
        }
    }

    /** Bitrix\Main\ErrorCollection: `$errors[] = new Error(...)`, add(), getErrorByCode(). */
    class ErrorCollection implements \ArrayAccess, \Countable
    {
        /** @var list<Error> */
        private array $errors = [];

        public function add(array $errors): void
        {
            foreach ($errors as $error) {
                $this->errors[] = $error;
            }
        }

        public function toArray(): array
        {
            return $this->errors;
        }

        public function isEmpty(): bool
        {
            return $this->errors === [];
        }

        public function getErrorByCode($code): ?Error
        {
            foreach ($this->errors as $error) {
                if ($error->getCode() === $code) {
                    return $error;
                }
            }
            return null;
        }

        public function offsetExists($offset): bool
        {
            return isset($this->errors[$offset]);
        }

        public function offsetGet($offset): mixed
        {
            return $this->errors[$offset] ?? null;
        }

        public function offsetSet($offset, $value): void
        {
            $this->errors[] = $value;
        }

        public function offsetUnset($offset): void
        {
            unset($this->errors[$offset]);
        }

        public function count(): int
        {
            return count($this->errors);
        }
    }

    /**
     * Bitrix\Main\HttpRequest built directly by tests. Header names are
     * normalized as Bitrix does it (HTTP_X_API_KEY becomes x-api-key). The raw
     * body, which Bitrix reads from php://input in the static getInput(), comes
     * from the static $input.
     */
    class HttpRequest
    {
        public static string $input = '';

        private HttpHeaders $headers;

        /**
         * @param array<string, string> $headers name => value
         * @param array<string, mixed> $query
         * @param array<string, mixed> $post
         */
        public function __construct(
            private string $method = 'GET',
            private string $uri = '/',
            array $headers = [],
            private array $query = [],
            private array $post = [],
            private string $remoteAddress = '127.0.0.1',
        ) {
            $this->headers = new HttpHeaders();
            foreach ($headers as $name => $value) {
                $this->headers->add(strtolower(str_replace('_', '-', (string) $name)), $value);
            }
        }

        public static function getInput()
        {
            return self::$input;
        }

        public function getHeader($name)
        {
            return $this->headers->get($name);
        }

        public function getHeaders(): HttpHeaders
        {
            return $this->headers;
        }

        public function getQueryList(): ParameterDictionary
        {
            return new ParameterDictionary($this->query);
        }

        public function getPostList(): ParameterDictionary
        {
            return new ParameterDictionary($this->post);
        }

        public function get($name)
        {
            return $this->post[$name] ?? $this->query[$name] ?? null;
        }

        public function getRequestMethod(): string
        {
            return $this->method;
        }

        public function getRequestUri(): string
        {
            return $this->uri;
        }

        public function getRemoteAddress(): string
        {
            return $this->remoteAddress;
        }

        public function isPost(): bool
        {
            return $this->method === 'POST';
        }
    }

    /** Bitrix\Main\HttpResponse: status and headers (in HttpHeaders), content. */
    class HttpResponse
    {
        protected HttpHeaders $headers;
        protected string $content = '';

        public function __construct()
        {
            $this->headers = new HttpHeaders();
        }

        /** Like Bitrix: takes 404 or "404 Not Found". */
        public function setStatus($status)
        {
            if (preg_match('#^(\d+)#', (string) $status, $match) === 1) {
                $this->headers->setStatus((int) $match[1]);
            }
            return $this;
        }

        public function getStatus(): int
        {
            return $this->headers->getStatus();
        }

        public function addHeader($name, $value = '')
        {
            $this->headers->add($name, $value);
            return $this;
        }

        public function getHeaders(): HttpHeaders
        {
            return $this->headers;
        }

        public function setContent($content)
        {
            $this->content = (string) $content;
            return $this;
        }

        public function getContent(): string
        {
            return $this->content;
        }
    }

    final class Context
    {
        private static ?Context $current = null;

        public function __construct(private HttpRequest $request)
        {
        }

        public static function getCurrent(): ?Context
        {
            return self::$current ??= new self(new HttpRequest());
        }

        public static function setRequest(HttpRequest $request): void
        {
            self::$current = new self($request);
        }

        public function getRequest(): HttpRequest
        {
            return $this->request;
        }
    }

    final class Application
    {
        private static ?Application $instance = null;

        private ?Data\ConnectionPool $connectionPool = null;

        public static function getInstance(): Application
        {
            return self::$instance ??= new self();
        }

        /** Test-only: the next call starts a new application, as a new hit would (its pool reads the settings again). */
        public static function reset(): void
        {
            self::$instance = null;
        }

        public function getContext(): Context
        {
            return Context::getCurrent();
        }

        /** As the kernel: one pool per application (doubles/Db.php). */
        public function getConnectionPool(): Data\ConnectionPool
        {
            return $this->connectionPool ??= new Data\ConnectionPool();
        }

        /** As the kernel: the pool's connection of that name, '' for the default one. */
        public static function getConnection($name = '')
        {
            return self::getInstance()->getConnectionPool()->getConnection($name);
        }

        public static function getDocumentRoot(): string
        {
            return (string) $_SERVER['DOCUMENT_ROOT'];
        }
    }

    final class Loader
    {
        /** @var array<string, bool> module => includeModule() result; unknown modules: true */
        public static array $modules = [];

        public static function includeModule($moduleName): bool
        {
            return self::$modules[$moduleName] ?? true;
        }
    }

    /** Bitrix\Main\ModuleManager: installed modules and the main module's version. */
    final class ModuleManager
    {
        /** @var array<string, true> */
        public static array $installed = ['main' => true];
        public static string $mainVersion = '24.100.0';

        /** @var list<array{0: string, 1: string}> [method, module] */
        public static array $calls = [];

        public static function reset(): void
        {
            self::$installed = ['main' => true];
            self::$mainVersion = '24.100.0';
            self::$calls = [];
        }

        public static function registerModule($moduleName): void
        {
            self::$calls[] = ['registerModule', $moduleName];
            self::$installed[$moduleName] = true;
        }

        /** Like Bitrix: also deletes the module's agents (b_agent rows of MODULE_ID). */
        public static function unRegisterModule($moduleName): void
        {
            self::$calls[] = ['unRegisterModule', $moduleName];
            unset(self::$installed[$moduleName]);
            foreach (\CAgent::$agents as $key => $agent) {
                if ($agent['module'] === $moduleName) {
                    unset(\CAgent::$agents[$key]);
                }
            }
        }

        public static function isModuleInstalled($moduleName): bool
        {
            return isset(self::$installed[$moduleName]);
        }

        public static function getVersion($moduleName)
        {
            if (!self::isModuleInstalled($moduleName)) {
                return false;
            }
            return $moduleName === 'main' ? self::$mainVersion : '1.0.0';
        }
    }

    /**
     * Bitrix\Main\EventManager's persistent registrations (b_module_to_module):
     * $handlers holds what is registered now, keyed like Bitrix identifies a
     * registration; $calls every call in order.
     */
    final class EventManager
    {
        private static ?EventManager $instance = null;

        /** @var array<string, array{from: string, event: string, to: string, class: string, method: string, compatible: bool}> */
        public static array $handlers = [];

        /** @var list<array{0: string, 1: string, 2: string, 3: string, 4: string}> [method, from, event, class, method] */
        public static array $calls = [];

        public static function reset(): void
        {
            self::$handlers = [];
            self::$calls = [];
        }

        public static function getInstance(): EventManager
        {
            return self::$instance ??= new self();
        }

        public function registerEventHandler($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $sort = 100, $toPath = '', $toMethodArg = []): void
        {
            $this->register('registerEventHandler', false, $fromModuleId, $eventType, $toModuleId, $toClass, $toMethod);
        }

        public function registerEventHandlerCompatible($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $sort = 100, $toPath = '', $toMethodArg = []): void
        {
            $this->register('registerEventHandlerCompatible', true, $fromModuleId, $eventType, $toModuleId, $toClass, $toMethod);
        }

        public function unRegisterEventHandler($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $toPath = '', $toMethodArg = []): void
        {
            self::$calls[] = ['unRegisterEventHandler', $fromModuleId, $eventType, $toClass, $toMethod];
            unset(self::$handlers[self::key($fromModuleId, $eventType, $toModuleId, $toClass, $toMethod)]);
        }

        private function register(string $call, bool $compatible, $from, $event, $to, $class, $method): void
        {
            self::$calls[] = [$call, $from, $event, $class, $method];
            // Bitrix does not register the same handler twice.
            self::$handlers[self::key($from, $event, $to, $class, $method)] = [
                'from' => $from, 'event' => $event, 'to' => $to, 'class' => $class, 'method' => $method, 'compatible' => $compatible,
            ];
        }

        private static function key($from, $event, $to, $class, $method): string
        {
            return strtolower("$from|$event|$to|$class|$method");
        }
    }

    /** Bitrix\Main\SiteTable::getList(): the sites of $rows. */
    final class SiteTable
    {
        /** @var list<array<string, mixed>> */
        public static array $rows = [['LID' => 's1', 'LANGUAGE_ID' => 'ru', 'ACTIVE' => 'Y']];

        public static function reset(): void
        {
            self::$rows = [['LID' => 's1', 'LANGUAGE_ID' => 'ru', 'ACTIVE' => 'Y']];
        }

        public static function getList(array $parameters = []): object
        {
            $select = $parameters['select'] ?? [];
            $rows = array_map(static fn (array $row) => $select === [] ? $row : array_intersect_key($row, array_flip($select)), self::$rows);
            return new class ($rows) {
                public function __construct(private array $rows)
                {
                }

                public function fetch()
                {
                    return array_shift($this->rows) ?? false;
                }
            };
        }
    }

    /**
     * Bitrix\Main\UrlRewriter: per-site rules; add() ignores a rule whose
     * CONDITION exists already; delete() takes a filter of CONDITION/PATH/ID.
     */
    final class UrlRewriter
    {
        /** @var array<string, list<array<string, mixed>>> site => rules */
        public static array $rules = [];

        public static function reset(): void
        {
            self::$rules = [];
        }

        public static function add($siteId, $fields): void
        {
            foreach (self::$rules[$siteId] ?? [] as $rule) {
                if ($rule['CONDITION'] === $fields['CONDITION']) {
                    return;
                }
            }
            self::$rules[$siteId][] = [
                'CONDITION' => $fields['CONDITION'], 'RULE' => $fields['RULE'], 'ID' => $fields['ID'],
                'PATH' => $fields['PATH'], 'SORT' => (int) ($fields['SORT'] ?? 100),
            ];
        }

        public static function delete($siteId, $filter): void
        {
            self::$rules[$siteId] = array_values(array_filter(
                self::$rules[$siteId] ?? [],
                static fn (array $rule) => array_intersect_assoc($filter, $rule) !== $filter,
            ));
        }

        public static function getList($siteId, $filter = [], $order = []): array
        {
            return array_values(array_filter(
                self::$rules[$siteId] ?? [],
                static fn (array $rule) => array_intersect_assoc($filter, $rule) === $filter,
            ));
        }
    }
}

namespace {
    /** Base class of install/index.php. */
    class CModule
    {
        public $MODULE_ID;
        public $MODULE_VERSION;
        public $MODULE_VERSION_DATE;
        public $MODULE_NAME;
        public $MODULE_DESCRIPTION;
        public $MODULE_GROUP_RIGHTS = 'N';
        public $PARTNER_NAME;
        public $PARTNER_URI;
    }

    class CApplicationException
    {
        public function __construct(private string $message, private $id = false)
        {
        }

        public function GetString(): string
        {
            return $this->message;
        }
    }

    /**
     * The global $APPLICATION: exceptions thrown for the admin, the module
     * access level of the current user ($rights), and IncludeAdminFile(), which
     * renders the step page like Bitrix (all globals visible) and keeps the HTML.
     */
    class CMain
    {
        /** @var array<string, string> module => GetGroupRight() answer; unknown: 'D' */
        public array $rights = [];

        public ?CApplicationException $exception = null;

        /** @var list<array{title: string, file: string, html: string}> */
        public array $adminFiles = [];

        public string $curPage = '/bitrix/admin/partner_modules.php';

        public function ThrowException($message, $id = false): void
        {
            $this->exception = new CApplicationException((string) $message, $id);
        }

        public function GetException(): CApplicationException|false
        {
            return $this->exception ?? false;
        }

        public function ResetException(): void
        {
            $this->exception = null;
        }

        public function GetGroupRight($moduleId): string
        {
            return $this->rights[$moduleId] ?? 'D';
        }

        /** Drops what the page printed so far (Bitrix: every output buffer above its own). */
        public function RestartBuffer(): void
        {
            while (ob_get_level() > 0) {
                ob_end_clean();
            }
        }

        public function GetCurPage($getIndexPage = null): string
        {
            return $this->curPage;
        }

        /** Bitrix includes the file with every global in scope (and then dies; the double returns). */
        public function IncludeAdminFile($title, $file): void
        {
            ob_start();
            try {
                (static function (string $__file): void {
                    foreach (array_keys($GLOBALS) as $__name) {
                        if ($__name !== 'GLOBALS' && $__name !== '__file') {
                            global $$__name;
                        }
                    }
                    include $__file;
                })($file);
            } finally {
                $this->adminFiles[] = ['title' => (string) $title, 'file' => $file, 'html' => (string) ob_get_clean()];
            }
        }
    }

    /** CAgent: agents by name and module, as b_agent holds them; $calls every call. */
    class CAgent
    {
        /** @var array<string, array{name: string, module: string, period: string, interval: int, active: string}> */
        public static array $agents = [];

        /** @var list<array{0: string, 1: string}> [method, name] */
        public static array $calls = [];

        public static function reset(): void
        {
            self::$agents = [];
            self::$calls = [];
        }

        public static function AddAgent($name, $module = '', $period = 'N', $interval = 86400, $datecheck = '', $active = 'Y', $next_exec = '', $sort = 100, $user_id = false, $existError = true)
        {
            self::$calls[] = ['AddAgent', $name];
            $key = $module . '|' . $name;
            if (isset(self::$agents[$key])) {
                return false;
            }
            self::$agents[$key] = ['name' => $name, 'module' => $module, 'period' => $period, 'interval' => (int) $interval, 'active' => $active];
            return count(self::$agents);
        }

        public static function RemoveAgent($name, $module = '', $user_id = false): void
        {
            self::$calls[] = ['RemoveAgent', $name];
            unset(self::$agents[$module . '|' . $name]);
        }
    }

    /** A CDBResult over rows: Fetch() returns them one by one, then false. */
    class CDBResultDouble
    {
        public function __construct(private array $rows)
        {
        }

        public function Fetch()
        {
            return array_shift($this->rows) ?? false;
        }
    }

    /** CEventType: mail event types by language (LID) and name. */
    class CEventType
    {
        /** @var array<int, array<string, mixed>> */
        public static array $types = [];

        public static function reset(): void
        {
            self::$types = [];
        }

        public static function Add($fields)
        {
            foreach (self::$types as $type) {
                if ($type['LID'] === $fields['LID'] && $type['EVENT_NAME'] === $fields['EVENT_NAME']) {
                    return false;
                }
            }
            $id = count(self::$types) + 1;
            self::$types[$id] = ['ID' => $id] + $fields;
            return $id;
        }

        public static function GetList($filter = [], $order = [])
        {
            return new CDBResultDouble(array_values(array_filter(
                self::$types,
                static fn (array $type) => array_intersect_assoc($filter, $type) === $filter,
            )));
        }

        /** Like Bitrix: a string is an EVENT_NAME. */
        public static function Delete($id)
        {
            $filter = is_array($id) ? $id : ['EVENT_NAME' => $id];
            self::$types = array_filter(self::$types, static fn (array $type) => array_intersect_assoc($filter, $type) !== $filter);
            return true;
        }
    }

    /** CEventMessage: mail templates; Add() is an instance method, GetList() filters on TYPE_ID (the event name). */
    class CEventMessage
    {
        /** @var array<int, array<string, mixed>> */
        public static array $messages = [];
        private static int $nextId = 1;

        public static function reset(): void
        {
            self::$messages = [];
        }

        public function Add($fields)
        {
            $id = self::$nextId++;
            self::$messages[$id] = ['ID' => $id] + $fields;
            return $id;
        }

        public static function GetList($by = 'id', $order = 'desc', $filter = [])
        {
            $name = $filter['TYPE_ID'] ?? $filter['EVENT_NAME'] ?? null;
            return new CDBResultDouble(array_values(array_filter(
                self::$messages,
                static fn (array $message) => $name === null || $message['EVENT_NAME'] === $name,
            )));
        }

        public static function Delete($id)
        {
            unset(self::$messages[(int) $id]);
            return true;
        }
    }

    class CAdminMessage
    {
        public static function ShowMessage($message): void
        {
            $message = is_array($message) ? $message : ['TYPE' => 'ERROR', 'MESSAGE' => $message];
            echo '<div class="adm-message ', htmlspecialchars((string) ($message['TYPE'] ?? 'ERROR')), '">',
                htmlspecialchars((string) ($message['MESSAGE'] ?? '')), '<div>', (string) ($message['DETAILS'] ?? ''), '</div></div>';
        }

        public static function ShowNote($message): void
        {
            echo '<div class="adm-note">', htmlspecialchars((string) $message), '</div>';
        }
    }

    /** The outcome of check_bitrix_sessid() for the next calls. */
    final class BitrixSessidDouble
    {
        public static bool $valid = true;
    }

    function check_bitrix_sessid($varname = 'sessid'): bool
    {
        return BitrixSessidDouble::$valid;
    }

    function bitrix_sessid_post($varname = 'sessid'): string
    {
        return '<input type="hidden" name="' . $varname . '" value="test-sessid">';
    }

    if (!function_exists('htmlspecialcharsbx')) {
        /** As Bitrix: ENT_COMPAT, UTF-8, double encoding. */
        function htmlspecialcharsbx($string, $flags = ENT_COMPAT, $doubleEncode = true)
        {
            return htmlspecialchars((string) $string, $flags, 'UTF-8', $doubleEncode);
        }
    }

    $GLOBALS['APPLICATION'] = new CMain();
}
