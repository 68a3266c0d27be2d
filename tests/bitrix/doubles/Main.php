<?php

declare(strict_types=1);

// Test doubles of the main module's kernel classes the module's install, API
// and settings code touch: module registration, group access rights, event
// handlers, agents, mail event types and templates, urlrewrite rules, sites,
// the request/response objects and the global $APPLICATION. Each records what
// it was given so tests can check what Bitrix would have received; reset()
// empties it. Shared classes another area may also declare (Event,
// SystemException, htmlspecialcharsbx) are declared only when absent.
//
// Each double names the core file it follows (paths below modules/main/ of
// avshatalov48/bitrix-core-business): "at 0d02fd9" is main 23.300.100
// (classes/general/version.php of that commit); a file not stored at that commit
// names the commit read instead. Behaviour written there is a fact read in that
// file, never its code. "Shape only" marks doubles that keep just the calls the
// module makes, without imitating more of the class.

namespace Bitrix\Main\Type {
    /** Bitrix\Main\Type\ParameterDictionary (lib/type/parameterdictionary.php; shape only): the GET/POST lists of a request. */
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
    /**
     * Bitrix\Main\Web\HttpHeaders (modules/main/lib/web/httpheaders.php at 0d02fd9):
     * case-insensitive names keeping the first spelling, several values per name,
     * iterates name => values. add() rejects what RFC 7230 rejects, with
     * \InvalidArgumentException: an empty name or one that is not a token
     * (letters, digits and !#$%&'*+-.^_`|~), a value with a character other than
     * SP, HTAB, VCHAR or obs-text (so CR, LF and NUL throw); values are cast to
     * string first. set() is delete() then add(). The status (0 when unset) and its
     * reason phrase live here too.
     */
    class HttpHeaders implements \IteratorAggregate
    {
        /** @var array<string, array{name: string, values: list<string>}> */
        private array $headers = [];
        private ?int $status = null;
        private ?string $reasonPhrase = null;

        public function __construct(?array $headers = null)
        {
            foreach ($headers ?? [] as $name => $value) {
                $this->add($name, $value);
            }
        }

        public function add($name, $value): void
        {
            $name = (string) $name;
            if ($name === '' || strpos($name, "\0") !== false || preg_match('/^[a-zA-Z0-9\'`#$%&*+.^_|~!-]+$/', $name) !== 1) {
                throw new \InvalidArgumentException("Invalid header name '$name'.");
            }
            $values = [];
            foreach (is_array($value) ? $value : [$value] as $one) {
                $one = (string) $one;
                if (strpos($one, "\0") !== false || preg_match('/^[\x20\x09\x21-\x7E\x80-\xFF]*$/', $one) !== 1) {
                    throw new \InvalidArgumentException("Invalid header value '$one'.");
                }
                $values[] = $one;
            }
            $lower = strtolower($name);
            $this->headers[$lower] ??= ['name' => $name, 'values' => []];
            foreach ($values as $one) {
                $this->headers[$lower]['values'][] = $one;
            }
        }

        public function set($name, $value): void
        {
            $this->delete($name);
            $this->add($name, $value);
        }

        public function delete($name): void
        {
            unset($this->headers[strtolower((string) $name)]);
        }

        public function has(string $name): bool
        {
            return isset($this->headers[strtolower($name)]);
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

        public function setStatus(int $status, ?string $reasonPhrase = null): static
        {
            $this->status = $status;
            $this->reasonPhrase = $reasonPhrase;
            return $this;
        }

        public function getStatus(): int
        {
            return $this->status ?? 0;
        }

        public function getReasonPhrase(): string
        {
            return $this->reasonPhrase ?? '';
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

    if (!class_exists(ArgumentException::class, false)) {
        /** Bitrix\Main\ArgumentException: a SystemException naming the parameter. */
        class ArgumentException extends SystemException
        {
            public function __construct($message = '', protected $parameter = '', ?\Throwable $previous = null)
            {
                parent::__construct((string) $message, 100, $previous);
            }

            public function getParameter()
            {
                return $this->parameter;
            }
        }
    }

    if (!class_exists(ArgumentNullException::class, false)) {
        /** Bitrix\Main\ArgumentNullException: an empty argument (HttpResponse::addHeader() with an empty name). */
        class ArgumentNullException extends ArgumentException
        {
            public function __construct($parameter, ?\Throwable $previous = null)
            {
                parent::__construct("Argument '$parameter' is null or empty", $parameter, $previous);
            }
        }
    }

    if (!class_exists(Event::class, false)) {
        /** Bitrix\Main\Event (lib/event.php; shape only), as its constructor and getters are documented. */
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

    /** Bitrix\Main\EventResult (lib/eventresult.php; shape only): what an event handler (or an action filter) returns. */
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

    /** Bitrix\Main\Error (lib/error.php; shape only): message, code, custom data. */
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

    /** Bitrix\Main\ErrorCollection (lib/errorcollection.php; shape only): `$errors[] = new Error(...)`, add(), getErrorByCode(). */
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
     * Bitrix\Main\HttpRequest (lib/httprequest.php; shape only) built directly by tests. Header names are
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

    /**
     * Bitrix\Main\HttpResponse (modules/main/lib/httpresponse.php at 0d02fd9): status
     * and headers (in HttpHeaders), content. setStatus() takes 404 or "404 Not
     * Found" (the rest is the reason phrase); addHeader() throws
     * ArgumentNullException for an empty name and lets HttpHeaders reject the rest.
     */
    class HttpResponse
    {
        protected HttpHeaders $headers;
        protected string $content = '';

        public function __construct()
        {
            $this->headers = new HttpHeaders();
        }

        public function setStatus($status)
        {
            if (preg_match('#^(\d+) *(.*)#', (string) $status, $match) === 1) {
                $this->headers->setStatus((int) $match[1], trim($match[2]));
            }
            return $this;
        }

        public function getStatus(): int
        {
            return $this->headers->getStatus();
        }

        public function addHeader($name, $value = '')
        {
            if (empty($name)) {
                throw new ArgumentNullException('name');
            }
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

    /** Bitrix\Main\Context (lib/context.php; shape only): getCurrent()->getRequest(); tests set the request. */
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

    /**
     * Bitrix\Main\Application (lib/application.php at 0d02fd9): one instance, static
     * getConnection($name = '') from its connection pool, static getDocumentRoot().
     * Its end()/terminate() (send, then the background jobs, then exit) are not imitated.
     */
    final class Application
    {
        private static ?Application $instance = null;

        private ?Data\ConnectionPool $connectionPool = null;

        public static function getInstance(): Application
        {
            return self::$instance ??= new self();
        }

        /**
         * Application::isUtfMode() (main/lib/application.php, 23.300: the 'utf_mode' value of
         * .settings.php, false when absent). Tests of a non-UTF-8 site set
         * Tests\Doubles\SiteEncoding (doubles/Engine.php), which the Web\Json double reads too.
         */
        public static function isUtfMode(): bool
        {
            return \Retaillab\Cashback\Tests\Doubles\SiteEncoding::$utfMode;
        }

        /** Test-only: the next call starts a new application, as a new hit would (its pool reads the settings again). */
        public static function reset(): void
        {
            self::$instance = null;
        }

        /** Application::getSession() (main/lib/application.php, 23.300: the kernel session; here doubles/Ui.php). */
        public function getSession(): \Bitrix\Main\Session\Session
        {
            return \Bitrix\Main\Session\Session::instance();
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

    /** Bitrix\Main\Loader (lib/loader.php; shape only): includeModule() answers from $modules, and includes nothing. */
    final class Loader
    {
        /** @var array<string, bool> module => includeModule() result; unknown modules: true */
        public static array $modules = [];

        public static function includeModule($moduleName): bool
        {
            return self::$modules[$moduleName] ?? true;
        }
    }

    /**
     * Bitrix\Main\ModuleManager (modules/main/lib/modulemanager.php, stored at
     * 03e3b57, main 22.500; not stored at 0d02fd9): installed modules (b_module)
     * and the main module's version.
     *
     * registerModule() is a plain INSERT INTO b_module: a module registered already
     * is a duplicate key, which the connection throws as DB\SqlQueryException.
     * unRegisterModule() deletes the module's agents (every b_agent row of that
     * MODULE_ID), calls CMain::DelGroupRight($moduleName), which deletes the
     * module's common group rights (b_module_group rows with SITE_ID IS NULL;
     * per-site rights stay), then its b_module row. It does not touch the module's
     * options (b_option), its event handlers, mail events or files.
     */
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
            if (isset(self::$installed[$moduleName])) {
                throw new DB\SqlQueryException('Mysql query error', "(1062) Duplicate entry '$moduleName' for key 'PRIMARY'", "INSERT INTO b_module(ID) VALUES('$moduleName')");
            }
            self::$installed[$moduleName] = true;
        }

        public static function unRegisterModule($moduleName): void
        {
            self::$calls[] = ['unRegisterModule', $moduleName];
            \CAgent::RemoveModuleAgents($moduleName);
            \CMain::DelGroupRight($moduleName);
            unset(self::$installed[$moduleName]);
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
     * registration; $calls every call in order. registerEventHandler*() never
     * inserts a second row of the same from-module, event, to-module, class and
     * method (lib/eventmanager.php: a SELECT first in older cores, INSERT IGNORE on
     * a unique id in newer ones, whose id also holds the version — compatible or
     * D7 —, which the double leaves out).
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

    /** Bitrix\Main\SiteTable (lib/site.php, an ORM table; shape only): getList() with a select returns the sites of $rows. */
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
     * Bitrix\Main\UrlRewriter (lib/urlrewriter.php at 0d02fd9): per-site rules of
     * urlrewrite.php. add() does nothing when a rule of the same CONDITION exists
     * (it never compares the PATH); a filter (getList, delete) takes CONDITION,
     * PATH and ID (exact), QUERY (the rule's CONDITION matches the string), each
     * negated by a leading "!"; any other key is an ArgumentException; an empty
     * site id an ArgumentNullException. (Reindexing the urlrewrite deletes the rules
     * with "!ID" => "", i.e. every rule with an ID.)
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
            self::checkSite($siteId);
            foreach (self::$rules[$siteId] ?? [] as $rule) {
                if ($rule['CONDITION'] == $fields['CONDITION']) {
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
            self::checkSite($siteId);
            self::$rules[$siteId] = array_values(array_filter(
                self::$rules[$siteId] ?? [],
                static fn (array $rule) => !self::matches($rule, $filter),
            ));
        }

        public static function getList($siteId, $filter = [], $order = []): array
        {
            self::checkSite($siteId);
            return array_values(array_filter(
                self::$rules[$siteId] ?? [],
                static fn (array $rule) => self::matches($rule, $filter),
            ));
        }

        private static function checkSite($siteId): void
        {
            if (empty($siteId)) {
                throw new ArgumentNullException('siteId');
            }
        }

        private static function matches(array $rule, array $filter): bool
        {
            foreach ($filter as $key => $value) {
                $negative = str_starts_with((string) $key, '!');
                $key = ltrim((string) $key, '!');
                $matched = match ($key) {
                    'QUERY' => preg_match($rule['CONDITION'], (string) $value) === 1,
                    'CONDITION', 'PATH' => $rule[$key] == $value,
                    'ID' => isset($rule['ID']) && $rule['ID'] == $value,
                    default => throw new ArgumentException('arFilter'),
                };
                if ($negative === $matched) {
                    return false;
                }
            }
            return true;
        }
    }
}

namespace {
    /** CModule (classes/general/module.php; shape only): the base class of install/index.php, its public fields. */
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

    /**
     * CApplicationException (classes/general/applicationexception.php, 979d239): a
     * message and an id; GetString() is the message.
     */
    class CApplicationException
    {
        public function __construct(protected $msg, protected $id = false)
        {
        }

        public function GetString()
        {
            return $this->msg;
        }

        public function GetID()
        {
            return $this->id;
        }

        public function __toString(): string
        {
            return (string) $this->GetString();
        }
    }

    /**
     * CAdminException (classes/general/adminexception.php, 979d239): a list of
     * ['id' => …, 'text' => …]; the string is every text followed by "<br>".
     * What CAgent, CEventType and CEventMessage throw when their checks fail.
     */
    class CAdminException extends CApplicationException
    {
        public function __construct(protected $messages, $id = false)
        {
            $text = '';
            foreach ($messages as $message) {
                $text .= $message['text'] . '<br>';
            }
            parent::__construct($text, $id);
        }

        public function GetMessages()
        {
            return $this->messages;
        }
    }

    /**
     * What the real core does with die()/exit at the end of a request, thrown so a
     * test sees the request end and can prove that nothing after it ran.
     */
    final class BitrixDieDouble extends \RuntimeException
    {
    }

    /**
     * The global $APPLICATION (CMain, classes/general/main.php at 0d02fd9).
     *
     * - ThrowException($msg, $id) keeps a CApplicationException (one passed in as is,
     *   else a new one of $msg); GetException() returns it or false; ResetException()
     *   forgets it. Core calls that fail (CAgent::AddAgent, CEventType::Add,
     *   CEventMessage::Add) leave theirs here.
     * - GetGroupRight($module): the current user's level; the double answers from
     *   $rights (unknown: 'D').
     * - The group rights of modules (b_module_group), static as in the core:
     *   SetGroupRight($module, $group, $right, $site = false) updates the row of that
     *   module, group and site (SITE_ID NULL without a site) or inserts it;
     *   DelGroupRight($module = '', $groups = [], $site = false) deletes the rows of
     *   the module (and of the groups, when given) of that site, the common rows
     *   (SITE_ID IS NULL) without one, so per-site rows survive a module's removal;
     *   GetGroupRightList($filter, $site = false) filters on MODULE_ID, GROUP_ID and
     *   G_ACCESS (other keys ignored) and on SITE_ID (NULL without a site).
     *   The double answers these three through __callStatic()/__call() rather than
     *   declaring them, so that doubles/Ui.php's PageApplication (a subclass) may keep
     *   its own instance methods of the same names; \CMain::SetGroupRight(...) works
     *   statically, as in the core.
     * - IncludeAdminFile($title, $file) sets the title, includes prolog_admin_after,
     *   the file with every global in scope, epilog_admin, then die(). The double
     *   includes the file alone (its HTML is kept in $adminFiles) and ends the
     *   request by throwing BitrixDieDouble: code after the call never runs.
     */
    class CMain
    {
        /** @var array<string, string> module => GetGroupRight() answer; unknown: 'D' */
        public array $rights = [];

        public CApplicationException|false $exception = false;

        /** @var list<array{title: string, file: string, html: string}> */
        public array $adminFiles = [];

        public string $curPage = '/bitrix/admin/partner_modules.php';

        private string $pageTitle = '';

        /** @var list<array{ID: int, MODULE_ID: string, GROUP_ID: int, G_ACCESS: string, SITE_ID: ?string}> b_module_group */
        public static array $groupRights = [];
        private static int $nextGroupRightId = 1;

        public static function reset(): void
        {
            self::$groupRights = [];
            self::$nextGroupRightId = 1;
        }

        public function ThrowException($msg, $id = false): void
        {
            $this->ResetException();
            $this->exception = $msg instanceof CApplicationException ? $msg : new CApplicationException($msg, $id);
        }

        public function GetException(): CApplicationException|false
        {
            return $this->exception;
        }

        public function ResetException(): void
        {
            $this->exception = false;
        }

        public function GetGroupRight($moduleId): string
        {
            return $this->rights[$moduleId] ?? 'D';
        }

        public static function __callStatic(string $name, array $arguments)
        {
            return match (strtolower($name)) {
                'setgroupright' => self::setGroupRightRow(...$arguments),
                'delgroupright' => self::deleteGroupRightRows(...$arguments),
                'getgrouprightlist' => self::groupRightRows(...$arguments),
                default => throw new \BadMethodCallException("CMain::$name() is not imitated"),
            };
        }

        public function __call(string $name, array $arguments)
        {
            return self::__callStatic($name, $arguments);
        }

        private static function setGroupRightRow($moduleId, $groupId, $right, $siteId = false): void
        {
            $site = $siteId ? (string) $siteId : null;
            foreach (self::$groupRights as $key => $row) {
                if ($row['MODULE_ID'] === (string) $moduleId && $row['GROUP_ID'] === (int) $groupId && $row['SITE_ID'] === $site) {
                    self::$groupRights[$key]['G_ACCESS'] = (string) $right;
                    return;
                }
            }
            self::$groupRights[] = [
                'ID' => self::$nextGroupRightId++, 'MODULE_ID' => (string) $moduleId, 'GROUP_ID' => (int) $groupId,
                'G_ACCESS' => (string) $right, 'SITE_ID' => $site,
            ];
        }

        private static function deleteGroupRightRows($moduleId = '', $groups = [], $siteId = false): void
        {
            $site = $siteId ? (string) $siteId : null;
            $groups = is_array($groups) ? array_map('intval', $groups) : [];
            if ((string) $moduleId === '' && $groups === []) {
                return;
            }
            self::$groupRights = array_values(array_filter(
                self::$groupRights,
                static fn (array $row) => !(
                    ((string) $moduleId === '' || $row['MODULE_ID'] === (string) $moduleId)
                    && ($groups === [] || in_array($row['GROUP_ID'], $groups, true))
                    && $row['SITE_ID'] === $site
                ),
            ));
        }

        private static function groupRightRows($filter, $siteId = false): CDBResultDouble
        {
            $site = $siteId ? (string) $siteId : null;
            $rows = array_filter(self::$groupRights, static function (array $row) use ($filter, $site): bool {
                foreach (['MODULE_ID', 'GROUP_ID', 'G_ACCESS'] as $field) {
                    if (array_key_exists($field, $filter) && (string) $row[$field] !== (string) $filter[$field]) {
                        return false;
                    }
                }
                return $row['SITE_ID'] === $site;
            });
            return new CDBResultDouble(array_values($rows));
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

        // No return types: a subclass (doubles/Ui.php) may declare its own.
        public function SetTitle($title, $arOptions = null)
        {
            $this->pageTitle = (string) $title;
        }

        public function GetTitle($property_name = false, $strip_tags = false)
        {
            return $this->pageTitle;
        }

        public function IncludeAdminFile($title, $file): never
        {
            $this->SetTitle($title);
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
            throw new BitrixDieDouble("die() after IncludeAdminFile($file)");
        }
    }

    /**
     * CAgent (classes/general/agent.php at 0d02fd9), b_agent rows by ID.
     *
     * - AddAgent($name, $module, $period, $interval, $datecheck, $active, $next_exec,
     *   $sort, $user_id = false, $existError = true): an agent exists when one row
     *   has the same NAME and USER_ID (NULL for false), whatever its module. Then it
     *   returns that row's ID when $existError is false, else throws
     *   CAdminException 'agent_exist' into $APPLICATION and returns false. A NAME of
     *   2 characters or fewer (trimmed) fails the field check: exception, false.
     *   Otherwise the new row's ID.
     * - RemoveAgent($name, $module = '', $user_id = false): deletes the rows of that
     *   NAME, that MODULE_ID (NULL or empty for an empty module) and USER_ID (NULL
     *   for false).
     * - RemoveModuleAgents($module): every row of the MODULE_ID.
     */
    class CAgent
    {
        /** @var array<int, array{id: int, name: string, module: string, period: string, interval: int, active: string, sort: int, user_id: ?int, next_exec: string}> */
        public static array $agents = [];

        /** @var list<array{0: string, 1: string}> [method, name] */
        public static array $calls = [];
        private static int $nextId = 1;

        public static function reset(): void
        {
            self::$agents = [];
            self::$calls = [];
            self::$nextId = 1;
        }

        public static function AddAgent($name, $module = '', $period = 'N', $interval = 86400, $datecheck = '', $active = 'Y', $next_exec = '', $sort = 100, $user_id = false, $existError = true)
        {
            self::$calls[] = ['AddAgent', (string) $name];
            $userId = $user_id ? (int) $user_id : null;
            foreach (self::$agents as $agent) {
                if ($agent['name'] === (string) $name && $agent['user_id'] === $userId) {
                    if (!$existError) {
                        return $agent['id'];
                    }
                    $GLOBALS['APPLICATION']->ThrowException(new CAdminException([['id' => 'agent_exist', 'text' => "The agent \"$name\" already exists."]]));
                    return false;
                }
            }
            if (mb_strlen(trim((string) $name)) <= 2) {
                $GLOBALS['APPLICATION']->ThrowException(new CAdminException([['id' => 'NAME', 'text' => 'The agent name is missing.']]));
                return false;
            }
            $id = self::$nextId++;
            self::$agents[$id] = [
                'id' => $id, 'name' => (string) $name, 'module' => (string) $module, 'period' => (string) $period,
                'interval' => (int) $interval, 'active' => (string) $active, 'sort' => (int) $sort, 'user_id' => $userId,
                'next_exec' => (string) $next_exec,
            ];
            return $id;
        }

        public static function RemoveAgent($name, $module = '', $user_id = false): void
        {
            self::$calls[] = ['RemoveAgent', (string) $name];
            $userId = $user_id ? (int) $user_id : null;
            foreach (self::$agents as $id => $agent) {
                if ($agent['name'] === (string) $name && $agent['module'] === trim((string) $module) && $agent['user_id'] === $userId) {
                    unset(self::$agents[$id]);
                }
            }
        }

        public static function RemoveModuleAgents($module): void
        {
            self::$calls[] = ['RemoveModuleAgents', (string) $module];
            if ((string) $module === '') {
                return;
            }
            foreach (self::$agents as $id => $agent) {
                if ($agent['module'] === (string) $module) {
                    unset(self::$agents[$id]);
                }
            }
        }
    }

    /** A CDBResult over rows: Fetch() (fetch() too: PHP method names ignore case) returns them one by one, then false. */
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

    /**
     * CEventType (classes/general/eventmessage.php at 0d02fd9): mail event types
     * (b_event_type), one row per language (LID) and EVENT_NAME.
     *
     * - Add($fields): LID falls back to SITE_ID, EVENT_TYPE to 'email'. It fails —
     *   CAdminException into $APPLICATION and false — when EVENT_NAME is empty, when
     *   LID is given empty, or when a type of that LID and EVENT_NAME exists.
     *   Otherwise it returns the new ID. While $refuse is set, every Add() fails the
     *   same way with that text, standing for refusals the double cannot produce.
     * - GetList($filter, $order): exact matches only (=), on EVENT_NAME (or
     *   TYPE_ID), EVENT_TYPE, LID and ID; empty values and other keys are ignored.
     * - Delete($id): a string is an EVENT_NAME; an array filters on ID, LID,
     *   EVENT_NAME, NAME, SORT.
     */
    class CEventType
    {
        /** @var array<int, array<string, mixed>> */
        public static array $types = [];

        public static ?string $refuse = null;
        private static int $nextId = 1;

        public static function reset(): void
        {
            self::$types = [];
            self::$refuse = null;
            self::$nextId = 1;
        }

        public static function Add($fields)
        {
            if (!array_key_exists('LID', $fields) && array_key_exists('SITE_ID', $fields)) {
                $fields['LID'] = $fields['SITE_ID'];
            }
            $fields['EVENT_TYPE'] ??= 'email';
            unset($fields['ID']);
            $errors = [];
            if (empty($fields['EVENT_NAME'])) {
                $errors[] = ['id' => 'EVENT_NAME_EMPTY', 'text' => 'The event type is empty.'];
            }
            if (array_key_exists('LID', $fields) && empty($fields['LID'])) {
                $errors[] = ['id' => 'LID_EMPTY', 'text' => 'The language is empty.'];
            }
            if ($errors === [] && self::GetList(['LID' => $fields['LID'] ?? '', 'EVENT_NAME' => $fields['EVENT_NAME']])->Fetch()) {
                $errors[] = ['id' => 'EVENT_NAME_EXIST', 'text' => "The event type {$fields['EVENT_NAME']} exists for {$fields['LID']}."];
            }
            if ($errors === [] && self::$refuse !== null) {
                $errors[] = ['id' => 'REFUSED', 'text' => self::$refuse];
            }
            if ($errors !== []) {
                $GLOBALS['APPLICATION']->ThrowException(new CAdminException($errors));
                return false;
            }
            $id = self::$nextId++;
            self::$types[$id] = ['ID' => $id] + $fields;
            return $id;
        }

        public static function GetList($filter = [], $order = [])
        {
            $where = [];
            foreach ($filter as $key => $value) {
                if ((string) $value === '') {
                    continue;
                }
                $key = strtoupper((string) $key);
                match ($key) {
                    'EVENT_NAME', 'TYPE_ID' => $where['EVENT_NAME'] = (string) $value,
                    'EVENT_TYPE', 'LID' => $where[$key] = (string) $value,
                    'ID' => $where['ID'] = (string) (int) $value,
                    default => null,
                };
            }
            return new CDBResultDouble(array_values(array_filter(
                self::$types,
                static function (array $type) use ($where): bool {
                    foreach ($where as $field => $value) {
                        if ((string) ($type[$field] ?? '') !== $value) {
                            return false;
                        }
                    }
                    return true;
                },
            )));
        }

        public static function Delete($id)
        {
            $filter = is_array($id) ? array_intersect_key($id, array_flip(['ID', 'LID', 'EVENT_NAME', 'NAME', 'SORT'])) : ['EVENT_NAME' => $id];
            if ($filter === []) {
                return false;
            }
            self::$types = array_filter(self::$types, static fn (array $type) => array_intersect_assoc(array_map('strval', $filter), array_map('strval', $type)) !== array_map('strval', $filter));
            return true;
        }
    }

    /**
     * CEventMessage (classes/general/eventmessage.php at 0d02fd9): mail templates
     * (b_event_message, with their sites in b_event_message_site).
     *
     * - Add($fields), an instance method: the field check fails — LAST_ERROR set,
     *   CAdminException into $APPLICATION, false returned — when EMAIL_FROM or
     *   EMAIL_TO is given shorter than 3 characters, EVENT_NAME is missing, no event
     *   type of that EVENT_NAME exists, LID is missing or empty, or a LID is not a
     *   site (the double asks SiteTable::$rows; the core asks CSite::GetByID).
     *   ACTIVE other than Y becomes N. Otherwise the new ID. The double keeps LID as
     *   the list of sites given (the core stores them in the site table).
     * - GetList($by, $order, $filter): EVENT_NAME or TYPE_ID is a LIKE match with the
     *   value as the pattern ('%=EVENT_NAME': `_` and `%` are wildcards, and MySQL's
     *   usual collations ignore case), a substring when EVENT_NAME_EXACT_MATCH is N;
     *   ID likewise; LID, LANG or SITE_ID one of the template's sites; ACTIVE exact.
     *   Empty values and NOT_REF are ignored. Ordered by ID, ascending only for
     *   'asc'.
     * - Delete($id): deletes it.
     */
    class CEventMessage
    {
        /** @var array<int, array<string, mixed>> */
        public static array $messages = [];
        private static int $nextId = 1;

        public $LAST_ERROR = '';

        public static function reset(): void
        {
            self::$messages = [];
            self::$nextId = 1;
        }

        public function Add($fields)
        {
            unset($fields['ID']);
            $errors = [];
            foreach (['EMAIL_FROM', 'EMAIL_TO'] as $field) {
                if (array_key_exists($field, $fields) && mb_strlen((string) $fields[$field]) < 3) {
                    $errors[] = ['id' => $field, 'text' => "$field is too short."];
                }
            }
            if (!array_key_exists('EVENT_NAME', $fields)) {
                $errors[] = ['id' => 'EVENT_NAME', 'text' => 'The event type is missing.'];
            } elseif (!CEventType::GetList(['EVENT_NAME' => $fields['EVENT_NAME']])->Fetch()) {
                $errors[] = ['id' => 'EVENT_NAME', 'text' => "There is no event type {$fields['EVENT_NAME']}."];
            }
            $sites = array_key_exists('LID', $fields) ? (array) $fields['LID'] : [];
            if ($sites === [] || (!is_array($fields['LID']) && (string) $fields['LID'] === '')) {
                $errors[] = ['id' => 'LID', 'text' => 'No site is given.'];
            } else {
                $known = array_column(\Bitrix\Main\SiteTable::$rows, 'LID');
                foreach ($sites as $site) {
                    if (!in_array($site, $known, true)) {
                        $errors[] = ['id' => 'LID', 'text' => "'$site' is not a site."];
                    }
                }
            }
            if ($errors !== []) {
                $this->LAST_ERROR = implode('', array_map(static fn (array $e) => $e['text'] . '<br>', $errors));
                $GLOBALS['APPLICATION']->ThrowException(new CAdminException($errors));
                return false;
            }
            if (array_key_exists('ACTIVE', $fields) && $fields['ACTIVE'] !== 'Y') {
                $fields['ACTIVE'] = 'N';
            }
            $id = self::$nextId++;
            self::$messages[$id] = ['ID' => $id] + $fields;
            return $id;
        }

        public static function GetList($by = 'id', $order = 'desc', $filter = [])
        {
            $checks = [];
            foreach (is_array($filter) ? $filter : [] as $key => $value) {
                if (is_array($value) ? $value === [] : ((string) $value === '' || $value === 'NOT_REF')) {
                    continue;
                }
                $exact = !(isset($filter[$key . '_EXACT_MATCH']) && $filter[$key . '_EXACT_MATCH'] === 'N');
                $pattern = $exact ? (string) $value : '%' . $value . '%';
                switch (strtoupper((string) $key)) {
                    case 'EVENT_NAME':
                    case 'TYPE_ID':
                        $checks[] = static fn (array $m) => self::like((string) $m['EVENT_NAME'], $pattern);
                        break;
                    case 'ID':
                        $checks[] = static fn (array $m) => self::like((string) $m['ID'], $pattern);
                        break;
                    case 'LID':
                    case 'LANG':
                    case 'SITE_ID':
                        $checks[] = static fn (array $m) => in_array((string) $value, array_map('strval', (array) ($m['LID'] ?? [])), true);
                        break;
                    case 'ACTIVE':
                        $checks[] = static fn (array $m) => ($m['ACTIVE'] ?? '') === $value;
                        break;
                }
            }
            $rows = array_values(array_filter(self::$messages, static function (array $message) use ($checks): bool {
                foreach ($checks as $check) {
                    if (!$check($message)) {
                        return false;
                    }
                }
                return true;
            }));
            usort($rows, static fn (array $a, array $b) => $order === 'asc' ? $a['ID'] <=> $b['ID'] : $b['ID'] <=> $a['ID']);
            return new CDBResultDouble($rows);
        }

        public static function Delete($id)
        {
            unset(self::$messages[(int) $id]);
            return true;
        }

        /** SQL LIKE: % any run, _ any one character, case-insensitive. */
        private static function like(string $value, string $pattern): bool
        {
            $regex = '';
            foreach (preg_split('//u', $pattern, -1, PREG_SPLIT_NO_EMPTY) as $char) {
                $regex .= match ($char) {
                    '%' => '.*',
                    '_' => '.',
                    default => preg_quote($char, '/'),
                };
            }
            return preg_match('/^' . $regex . '$/isu', $value) === 1;
        }
    }

    /** CAdminMessage (interface/admin_lib.php; shape only): ShowMessage() and ShowNote() print a box. */
    class CAdminMessage
    {
        public static function ShowMessage($message): void
        {
            $message = is_array($message) ? $message : ['TYPE' => 'ERROR', 'MESSAGE' => $message];
            echo '<div class="adm-message ', htmlspecialchars((string) ($message['TYPE'] ?? 'ERROR')), '">',
                !empty($message['HTML']) ? (string) ($message['MESSAGE'] ?? '') : htmlspecialchars((string) ($message['MESSAGE'] ?? '')), '<div>', (string) ($message['DETAILS'] ?? ''), '</div></div>';
        }

        public static function ShowNote($message): void
        {
            echo '<div class="adm-note">', htmlspecialchars((string) $message), '</div>';
        }
    }

    /** The outcome of check_bitrix_sessid() (tools.php: the sessid of the request matches the session) for the next calls. */
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
