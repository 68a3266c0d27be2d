<?php

declare(strict_types=1);

// Runs the module's admin pages for real: PHP's built-in server (php -S) with
// doubles/pages/router.php, a document root laid out like a site (the module under
// /local/modules, its /bitrix/admin wrappers as the installer copies them, the core
// files of doubles/pages/site), one request per page hit. Each hit is a fresh PHP
// request: globals, statics and output buffers start empty, headers and the status
// are real, die()/exit end the hit as on a site.
//
// The site's state is this test process's statics (the Option values, group rights,
// user tables, session, user options, ...): they are sent with every hit and what the
// page left in them comes back into this process, so a test sets them up and checks
// them as it would in-process. The page's access level is given per request.

namespace Retaillab\Cashback\Tests\Doubles;

final class PageServer
{
    /** Statics sent to the page and taken back from it (class, property), when the class exists. */
    public const SYNCED = [
        ['Bitrix\Main\Config\Option', 'values'],
        ['CMain', 'groupRights'],
        ['Bitrix\Main\Loader', 'modules'],
        ['Bitrix\Main\ModuleManager', 'installed'],
        ['Bitrix\Main\UserTable', 'rows'],
        ['Bitrix\Main\UserPhoneAuthTable', 'rows'],
        ['Bitrix\Main\Session\Session', 'data'],
        ['CUserOptions', 'options'],
        [GroupRights::class, 'groups'],
        [GroupRights::class, 'sites'],
        [GroupRights::class, 'saves'],
    ];

    private static ?PageServer $running = null;

    /** @var resource */
    private $process;
    private int $hits = 0;

    private function __construct(public readonly string $root, private readonly string $base, $process)
    {
        $this->process = $process;
    }

    /** The server of this PHPUnit run, started on first use (stopped at exit). */
    public static function get(): self
    {
        if (self::$running !== null && proc_get_status(self::$running->process)['running']) {
            return self::$running;
        }
        $root = sys_get_temp_dir() . '/cashback-admin-pages-' . bin2hex(random_bytes(6));
        self::copyTree(__DIR__ . '/pages/site', $root);
        mkdir($root . '/local/modules', 0700, true);
        symlink(\CASHBACK_MODULE_DIR, $root . '/local/modules/retaillab.cashback');
        foreach (glob(\CASHBACK_MODULE_DIR . '/install/admin/*.php') ?: [] as $wrapper) {
            copy($wrapper, $root . '/bitrix/admin/' . basename($wrapper));
        }
        mkdir($root . '/state', 0700);

        $extension = getenv('CASHBACK_EXTENSION') ?: \CASHBACK_REPO . '/target/release/libcashback.so';
        for ($attempt = 0; $attempt < 5; $attempt++) {
            $port = random_int(20000, 60000);
            $process = proc_open(
                [PHP_BINARY, '-d', 'extension=' . $extension, '-d', 'date.timezone=Europe/Moscow', '-d', 'display_errors=0',
                    '-d', 'log_errors=0', '-d', 'memory_limit=256M', '-S', "127.0.0.1:$port", '-t', $root, __DIR__ . '/pages/router.php'],
                [0 => ['file', '/dev/null', 'r'], 1 => ['file', $root . '/server.log', 'a'], 2 => ['file', $root . '/server.log', 'a']],
                $pipes,
            );
            for ($wait = 0; $wait < 50; $wait++) {
                $socket = @fsockopen('127.0.0.1', $port, $errno, $error, 0.1);
                if ($socket !== false) {
                    fclose($socket);
                    self::$running = new self($root, "127.0.0.1:$port", $process);
                    register_shutdown_function([self::$running, 'stop']);
                    return self::$running;
                }
                if (!proc_get_status($process)['running']) {
                    break;
                }
                usleep(100000);
            }
            proc_terminate($process);
            proc_close($process);
        }
        throw new \RuntimeException('cannot start php -S: ' . @file_get_contents($root . '/server.log'));
    }

    /** Stops the server this process started (its own child, by its handle) and removes its files. */
    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
        if (is_dir($this->root)) {
            $items = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($this->root, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::CHILD_FIRST);
            foreach ($items as $item) {
                $item->isDir() && !$item->isLink() ? rmdir($item->getPathname()) : unlink($item->getPathname());
            }
            rmdir($this->root);
        }
        if (self::$running === $this) {
            self::$running = null;
        }
    }

    /**
     * One page hit. $path is below the document root (with its query string, or give $query);
     * $rights are what $APPLICATION->GetGroupRight() answers (module => letter); a POST sends
     * $post form-encoded (arrays as name[]). The page's statics come back into this process.
     *
     * @param array<string, string> $rights
     * @param array<string, string> $headers
     */
    public function hit(string $method, string $path, array $query = [], array $post = [], array $rights = [], array $headers = []): PageResponse
    {
        $id = ++$this->hits;
        $statePath = $this->root . '/state/hit-' . $id . '.ser';
        $statics = [];
        foreach (self::SYNCED as [$class, $property]) {
            if (class_exists($class) && property_exists($class, $property)) {
                $statics[] = [$class, $property, $class::$$property];
            }
        }
        file_put_contents($statePath, serialize(['rights' => $rights, 'statics' => $statics]));

        if ($query !== []) {
            $path .= (str_contains($path, '?') ? '&' : '?') . http_build_query($query, '', '&');
        }
        $body = $method === 'POST' ? http_build_query($post, '', '&') : '';
        $request = "$method $path HTTP/1.0\r\nHost: {$this->base}\r\nX-Cashback-Page-State: $statePath\r\nConnection: close\r\n";
        foreach ($headers as $name => $value) {
            $request .= "$name: $value\r\n";
        }
        if ($method === 'POST') {
            $request .= "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " . strlen($body) . "\r\n";
        }
        $socket = stream_socket_client('tcp://' . $this->base, $errno, $error, 10);
        if ($socket === false) {
            throw new \RuntimeException("cannot reach the page server: $error");
        }
        stream_set_timeout($socket, 60);
        fwrite($socket, $request . "\r\n" . $body);
        $raw = (string) stream_get_contents($socket);
        fclose($socket);

        [$head, $content] = array_pad(explode("\r\n\r\n", $raw, 2), 2, '');
        $lines = explode("\r\n", $head);
        preg_match('#^HTTP/\S+ (\d{3})#', (string) array_shift($lines), $status);
        $responseHeaders = [];
        foreach ($lines as $line) {
            [$name, $value] = array_pad(explode(':', $line, 2), 2, '');
            $responseHeaders[strtolower(trim($name))][] = trim($value);
        }

        $resultPath = $statePath . '.out';
        for ($wait = 0; $wait < 100 && !is_file($resultPath); $wait++) {
            usleep(20000);
        }
        $run = is_file($resultPath) ? unserialize((string) file_get_contents($resultPath)) : ['errors' => ['the page left no result: ' . @file_get_contents($this->root . '/server.log')]];
        foreach ($run['statics'] ?? [] as [$class, $property, $value]) {
            $class::$$property = $value;
        }
        @unlink($statePath);
        @unlink($resultPath);
        return new PageResponse((int) ($status[1] ?? 0), $responseHeaders, $content, $run);
    }

    // --- in the server process (doubles/pages/router.php) ------------------------------

    /** @var array<string, mixed> */
    private static array $result = [];
    private static string $resultPath = '';

    /**
     * Sets up one hit: the site's statics, the application and request objects, strict error
     * handling, the end-of-hit report. Returns the script to run, or null for a bad request.
     */
    public static function begin(): ?string
    {
        $statePath = (string) ($_SERVER['HTTP_X_CASHBACK_PAGE_STATE'] ?? '');
        if (preg_match('#^' . preg_quote(sys_get_temp_dir(), '#') . '/cashback-admin-pages-[0-9a-f]+/state/hit-\d+\.ser$#', $statePath) !== 1 || !is_file($statePath)) {
            http_response_code(400);
            echo 'no page state';
            return null;
        }
        $state = unserialize((string) file_get_contents($statePath));
        self::$resultPath = $statePath . '.out';
        self::$result = ['errors' => []];
        foreach ($state['statics'] as [$class, $property, $value]) {
            $class::$$property = $value;
        }

        PageRun::$serving = true;
        $path = (string) parse_url((string) $_SERVER['REQUEST_URI'], PHP_URL_PATH);
        $script = realpath($_SERVER['DOCUMENT_ROOT'] . $path);
        if ($script === false || !is_file($script) || !str_ends_with($script, '.php')) {
            http_response_code(404);
            echo 'not found';
            self::$result['errors'][] = "no page at $path";
            self::finish();
            return null;
        }

        $application = new PageApplication();
        $application->rights = $state['rights'];
        $application->curPage = $path;
        $GLOBALS['APPLICATION'] = $application;

        $headers = [];
        foreach ($_SERVER as $name => $value) {
            if (str_starts_with((string) $name, 'HTTP_')) {
                $headers[substr((string) $name, 5)] = (string) $value;
            }
        }
        \Bitrix\Main\Context::setRequest(new PageRequest((string) $_SERVER['REQUEST_METHOD'], (string) $_SERVER['REQUEST_URI'], $headers, $_GET, $_POST));

        // check_bitrix_sessid() compares $request['sessid'] (or the X-Bitrix-Csrf-Token header)
        // with bitrix_sessid(), the value bitrix_sessid_post() prints.
        preg_match('/value="([^"]*)"/', bitrix_sessid_post(), $token);
        $sessid = $token[1] ?? '';
        \BitrixSessidDouble::$valid = $sessid !== ''
            && (($_REQUEST['sessid'] ?? null) === $sessid || ($_SERVER['HTTP_X_BITRIX_CSRF_TOKEN'] ?? null) === $sessid);

        set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
            if ((error_reporting() & $severity) === 0) {
                return false;
            }
            throw new \ErrorException($message, 0, $severity, $file, $line);
        });
        set_exception_handler(static function (\Throwable $e): void {
            self::$result['errors'][] = get_class($e) . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine();
            if (!headers_sent()) {
                http_response_code(500);
            }
            echo "\n<!-- uncaught ", htmlspecialchars(get_class($e) . ': ' . $e->getMessage()), ' -->';
        });
        register_shutdown_function([self::class, 'finish']);

        $_SERVER['SCRIPT_FILENAME'] = $script;
        $_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path;
        chdir(dirname($script));
        return $script;
    }

    /** End of the hit (also after die/exit): what the page left, for the test process. */
    public static function finish(): void
    {
        if (self::$resultPath === '' || is_file(self::$resultPath)) {
            return;
        }
        restore_error_handler();
        $last = error_get_last();
        if ($last !== null && in_array($last['type'], [E_ERROR, E_PARSE, E_CORE_ERROR, E_COMPILE_ERROR], true)) {
            self::$result['errors'][] = "fatal: {$last['message']} at {$last['file']}:{$last['line']}";
        }
        $statics = [];
        foreach (self::SYNCED as [$class, $property]) {
            if (class_exists($class, false) && property_exists($class, $property)) {
                $statics[] = [$class, $property, $class::$$property];
            }
        }
        self::$result += [
            'statics' => $statics,
            'redirects' => PageRun::$redirects,
            'auth_forms' => PageRun::$authForms,
            'components' => PageRun::$components,
            'title' => $GLOBALS['APPLICATION'] instanceof \CMain ? (string) $GLOBALS['APPLICATION']->GetTitle() : '',
            'defined' => ['ADMIN_MODULE_NAME' => defined('ADMIN_MODULE_NAME') ? ADMIN_MODULE_NAME : null],
        ];
        file_put_contents(self::$resultPath, serialize(self::$result));
    }

    private static function copyTree(string $from, string $to): void
    {
        mkdir($to, 0700, true);
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($from, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::SELF_FIRST) as $item) {
            $target = $to . '/' . substr($item->getPathname(), strlen($from) + 1);
            $item->isDir() ? mkdir($target, 0700, true) : copy($item->getPathname(), $target);
        }
    }
}

/** What a page hit produced: status, headers (lower-case names), body, and what the page did. */
final class PageResponse
{
    /**
     * @param array<string, list<string>> $headers
     * @param array<string, mixed> $run errors, redirects, auth_forms, components, title, defined
     */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
        public readonly array $run,
    ) {
    }

    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)][0] ?? null;
    }

    /** @return list<array{name: string, template: string, params: array<string, mixed>}> */
    public function components(string $name): array
    {
        return array_values(array_filter($this->run['components'] ?? [], static fn (array $c): bool => $c['name'] === $name));
    }
}
