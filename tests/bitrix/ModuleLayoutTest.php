<?php

declare(strict_types=1);

use PHPUnit\Framework\Assert;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Install\Manifest;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;

/**
 * Static checks of the whole module folder (every area, every engineer): it
 * lints, its language files are complete in Russian and English and mirror
 * the sources, and what the installer registers exists.
 */
final class ModuleLayoutTest extends TestCase
{
    private const LANGUAGES = ['ru', 'en'];

    public function testEveryPhpFilePassesLint(): void
    {
        $failures = [];
        foreach (self::phpFiles() as $file) {
            $output = [];
            exec(escapeshellarg(PHP_BINARY) . ' -n -l ' . escapeshellarg($file) . ' 2>&1', $output, $status);
            if ($status !== 0) {
                $failures[] = self::relative($file) . ': ' . implode(' ', $output);
            }
        }
        $this->assertGreaterThan(20, count(self::phpFiles()));
        $this->assertSame([], $failures);
    }

    /**
     * Every Loc::getMessage('CODE') / GetMessage('CODE') with a literal code, and
     * every ['CODE'] read from Loc::loadLanguageFile(), must exist in the Russian
     * and the English lang file of the file that uses it, found the way Bitrix
     * finds it: the nearest `lang` folder above the file, then
     * lang/<language>/<path of the file below that folder's parent>.
     */
    public function testEveryLanguageCodeExistsInRussianAndEnglish(): void
    {
        $missing = [];
        $checked = 0;
        foreach (self::sourceFiles() as $file) {
            $codes = self::codesUsedIn($file);
            if ($codes === []) {
                continue;
            }
            foreach (self::LANGUAGES as $language) {
                $langFile = self::langFileOf($file, $language);
                $messages = $langFile !== null && is_file($langFile) ? self::messagesOf($langFile) : [];
                foreach ($codes as $code) {
                    $checked++;
                    if (!array_key_exists($code, $messages) || trim((string) $messages[$code]) === '') {
                        $missing[] = self::relative($file) . ": $code missing in " . ($langFile !== null ? self::relative($langFile) : "lang/$language (no lang folder)");
                    }
                }
            }
        }
        $this->assertGreaterThan(100, $checked, 'the scan finds the codes');
        $this->assertSame([], $missing);
    }

    /** Each lang file belongs to a source file, and Russian and English have the same files and the same codes. */
    public function testLanguageFilesMirrorSourcesAndEachOther(): void
    {
        $problems = [];
        foreach (self::langFolders() as $langFolder) {
            $base = dirname($langFolder);
            $byLanguage = [];
            foreach (scandir($langFolder) ?: [] as $language) {
                if ($language === '.' || $language === '..') {
                    continue;
                }
                if (!in_array($language, self::LANGUAGES, true)) {
                    $problems[] = self::relative("$langFolder/$language") . ': unexpected language folder';
                    continue;
                }
                foreach (\Retaillab\Cashback\Install\Files::filesBelow("$langFolder/$language") as $relative) {
                    $byLanguage[$language][$relative] = array_keys(self::messagesOf("$langFolder/$language/$relative"));
                    if (!is_file("$base/$relative")) {
                        $problems[] = self::relative("$langFolder/$language/$relative") . ': no source file ' . self::relative("$base/$relative");
                    }
                }
            }
            foreach (array_keys(($byLanguage['ru'] ?? []) + ($byLanguage['en'] ?? [])) as $relative) {
                $ru = $byLanguage['ru'][$relative] ?? null;
                $en = $byLanguage['en'][$relative] ?? null;
                if ($ru === null || $en === null) {
                    $problems[] = self::relative($langFolder) . "/*/$relative: only in " . ($ru === null ? 'en' : 'ru');
                } elseif (array_diff($ru, $en) !== [] || array_diff($en, $ru) !== []) {
                    $problems[] = self::relative($langFolder) . "/*/$relative: codes differ: " . implode(', ', array_merge(array_diff($ru, $en), array_diff($en, $ru)));
                }
            }
        }
        $this->assertSame([], $problems);
    }

    public function testLanguageCodesCarryTheModulePrefix(): void
    {
        $foreign = [];
        foreach (self::langFolders() as $langFolder) {
            foreach (\Retaillab\Cashback\Install\Files::filesBelow($langFolder) as $relative) {
                foreach (array_keys(self::messagesOf("$langFolder/$relative")) as $code) {
                    if (!str_starts_with((string) $code, Module::LANG_PREFIX)) {
                        $foreign[] = self::relative("$langFolder/$relative") . ": $code";
                    }
                }
            }
        }
        $this->assertSame([], $foreign);
    }

    public function testUserEventHandlersExist(): void
    {
        $this->assertHandlersExist('main');
    }

    public function testSaleEventHandlersExist(): void
    {
        $this->assertHandlersExist('sale');
    }

    public function testAgentsExist(): void
    {
        foreach (Manifest::AGENTS as [$call, $interval]) {
            $this->assertMatchesRegularExpression('/^\\\\[A-Za-z\\\\]+::[a-zA-Z]+\(\);$/', $call);
            [$class, $method] = explode('::', rtrim(ltrim($call, '\\'), '();'));
            $this->assertTrue(class_exists($class), "$class (agent) exists");
            $reflection = new \ReflectionMethod($class, $method);
            $this->assertTrue($reflection->isPublic() && $reflection->isStatic(), "$call is public static");
            $type = $reflection->getReturnType();
            $this->assertTrue($type === null || (string) $type === 'string', "$call returns its call string to stay scheduled");
            $this->assertGreaterThan(0, $interval);
        }
    }

    public function testDefaultOptionsMatchTheOptionsClass(): void
    {
        $constants = array_filter(
            (new \ReflectionClass(Options::class))->getConstants(),
            static fn ($value, $name) => is_string($value) && preg_match('/^[a-z_]+$/', $value) === 1 && $name === strtoupper($value),
            ARRAY_FILTER_USE_BOTH,
        );
        $this->assertEqualsCanonicalizing(array_values($constants), array_keys(Options::defaults()));
        foreach (Options::defaults() as $name => $value) {
            $this->assertIsString($value, $name);
        }
    }

    public function testModuleSettingsVersionAndProlog(): void
    {
        $settings = include CASHBACK_MODULE_DIR . '/.settings.php';
        $this->assertSame('\\Retaillab\\Cashback\\Controller', $settings['controllers']['value']['defaultNamespace']);
        $this->assertTrue($settings['controllers']['readonly']);
        $this->assertTrue(is_subclass_of(ltrim($settings['controllers']['value']['defaultNamespace'], '\\') . '\\Api', \Bitrix\Main\Engine\Controller::class));

        $arModuleVersion = [];
        include CASHBACK_MODULE_DIR . '/install/version.php';
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', $arModuleVersion['VERSION']);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $arModuleVersion['VERSION_DATE']);

        include CASHBACK_MODULE_DIR . '/prolog.php';
        $this->assertSame(Module::ID, ADMIN_MODULE_NAME);
    }

    /** The /bitrix/admin wrappers try /local/modules first, then /bitrix/modules, and name an existing page. */
    public function testAdminWrappersPreferLocalModules(): void
    {
        $wrappers = glob(CASHBACK_MODULE_DIR . '/install/admin/*.php') ?: [];
        foreach ($wrappers as $wrapper) {
            $text = (string) file_get_contents($wrapper);
            $local = strpos($text, "/local/modules/retaillab.cashback/");
            $bitrix = strpos($text, "/bitrix/modules/retaillab.cashback/");
            $this->assertNotFalse($local, basename($wrapper));
            $this->assertNotFalse($bitrix, basename($wrapper));
            $this->assertLessThan($bitrix, $local, basename($wrapper) . ': /local first');
            $this->assertSame(1, preg_match('#/local/modules/retaillab\.cashback/([\w/.-]+\.php)#', $text, $match));
            $this->assertFileExists(CASHBACK_MODULE_DIR . '/' . $match[1], basename($wrapper) . ' includes an existing page');
            $this->assertStringStartsWith('retaillab_cashback_', basename($wrapper));
        }
        foreach (['retaillab_cashback_log.php', 'retaillab_cashback_reindex.php'] as $linked) {
            $this->assertContains($linked, array_map('basename', $wrappers), 'a page the admin menu links to');
        }
    }

    /**
     * A routed API hit (/bitrix/routing_index.php) reads the route files, and so
     * includes the module (Loader::includeModule in /local/routes/cashback.php),
     * before it includes prolog_before.php for the controller. The kernel then
     * registers CAgent::CheckAgents and the mail check as background jobs and fires
     * OnBeforeProlog (the statistic module's CStatistics::Keep): the module's
     * include.php switches them off for API paths with the constants they check,
     * like the fallback front controller does, and leaves every other hit alone.
     */
    public function testApiHitsRunNeitherAgentsNorStatistics(): void
    {
        $constants = ['NO_KEEP_STATISTIC', 'NO_AGENT_STATISTIC', 'NO_AGENT_CHECK', 'DisableEventsCheck'];
        $script = sys_get_temp_dir() . '/cashback-include-' . getmypid() . '-' . bin2hex(random_bytes(4)) . '.php';
        file_put_contents($script, '<?php
            if ($argv[1] !== "-") { $_SERVER["REQUEST_URI"] = $argv[1]; }
            define("NO_AGENT_STATISTIC", true); // defined already (the fallback does it): no warning
            require ' . var_export(CASHBACK_MODULE_DIR . '/include.php', true) . ';
            $out = [];
            foreach (' . var_export($constants, true) . ' as $name) { $out[$name] = defined($name) ? constant($name) : null; }
            echo json_encode($out);
        ');
        try {
            $run = static function (string $uri) use ($script): array {
                $output = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d error_reporting=-1 -d display_errors=1 ' . escapeshellarg($script) . ' ' . escapeshellarg($uri) . ' 2>&1');
                $result = json_decode((string) $output, true);
                Assert::assertIsArray($result, (string) $output);
                return $result;
            };
            foreach (['/local/api/cashback/v1/balance?user_phone=7900', '/local/api/cashback/v1/transactions/batch', '/local/api/cashback/v1/', '/local/api/cashback/v1'] as $uri) {
                $this->assertSame(array_fill_keys($constants, true), $run($uri), $uri);
            }
            foreach (['/', '/catalog/', '/local/api/cashback/v10/balance', '/bitrix/admin/settings.php?mid=retaillab.cashback', '/x/local/api/cashback/v1/', '-'] as $uri) {
                $this->assertSame(['NO_KEEP_STATISTIC' => null, 'NO_AGENT_STATISTIC' => true, 'NO_AGENT_CHECK' => null, 'DisableEventsCheck' => null], $run($uri), $uri);
            }
        } finally {
            @unlink($script);
        }
    }

    /** Files the installer puts into the site carry the marker uninstall relies on to delete only its own. */
    public function testInstalledFilesCarryTheMarker(): void
    {
        foreach (['install/api/index.php', 'install/routes/cashback.php'] as $file) {
            $this->assertStringContainsString(\Retaillab\Cashback\Install\Installer::MARKER, (string) file_get_contents(CASHBACK_MODULE_DIR . '/' . $file));
        }
    }

    private function assertHandlersExist(string $fromModule): void
    {
        $events = array_filter(Manifest::EVENTS, static fn (array $e) => $e[0] === $fromModule);
        $this->assertNotEmpty($events);
        foreach ($events as [, $event, $class, $method, $compatible]) {
            $this->assertTrue(class_exists($class), "$class exists (handler of $fromModule:$event)");
            $this->assertTrue(method_exists($class, $method), "$class::$method exists");
            $reflection = new \ReflectionMethod($class, $method);
            $this->assertTrue($reflection->isPublic() && $reflection->isStatic(), "$class::$method is public static");
            $this->assertGreaterThanOrEqual(1, $reflection->getNumberOfParameters(), "$class::$method takes the event's argument");
            if (!$compatible) {
                $type = $reflection->getParameters()[0]->getType();
                $this->assertTrue($type === null || (string) $type === \Bitrix\Main\Event::class, "$class::$method takes a D7 Event");
            }
        }
    }

    /** @return list<string> */
    private static function phpFiles(): array
    {
        return array_values(array_filter(
            array_map(static fn ($relative) => CASHBACK_MODULE_DIR . '/' . $relative, \Retaillab\Cashback\Install\Files::filesBelow(CASHBACK_MODULE_DIR)),
            static fn (string $file) => str_ends_with($file, '.php'),
        ));
    }

    /** @return list<string> PHP files outside lang folders. */
    private static function sourceFiles(): array
    {
        return array_values(array_filter(self::phpFiles(), static fn (string $file) => !str_contains(self::relative($file), 'lang/')));
    }

    /** @return list<string> Every folder named lang in the module. */
    private static function langFolders(): array
    {
        $folders = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(CASHBACK_MODULE_DIR, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::SELF_FIRST);
        foreach ($iterator as $item) {
            if ($item->isDir() && $item->getFilename() === 'lang' && !str_contains(self::relative($item->getPathname()), 'lang/')) {
                $folders[] = $item->getPathname();
            }
        }
        sort($folders);
        return $folders;
    }

    /** @return list<string> */
    private static function codesUsedIn(string $file): array
    {
        $source = (string) file_get_contents($file);
        preg_match_all('/(?<![\w>$])(?:Loc::getMessage|GetMessage)\(\s*([\'"])([A-Za-z][A-Za-z0-9_]*)\1\s*[,)]/', $source, $calls);
        $codes = $calls[2];
        if (str_contains($source, 'loadLanguageFile')) {
            preg_match_all('/\[\s*\'(' . Module::LANG_PREFIX . '[A-Z0-9_]+)\'\s*\]/', $source, $reads);
            $codes = array_merge($codes, $reads[1]);
        }
        return array_values(array_unique($codes));
    }

    /** Bitrix's lookup: the nearest lang folder above the file. */
    private static function langFileOf(string $file, string $language): ?string
    {
        $dir = dirname($file);
        $root = dirname(CASHBACK_MODULE_DIR);
        while (strlen($dir) > strlen($root)) {
            if (is_dir($dir . '/lang')) {
                return $dir . '/lang/' . $language . substr($file, strlen($dir));
            }
            $dir = dirname($dir);
        }
        return null;
    }

    /** @return array<string, string> */
    private static function messagesOf(string $langFile): array
    {
        $MESS = [];
        include $langFile;
        return $MESS;
    }

    private static function relative(string $path): string
    {
        return substr($path, strlen(CASHBACK_MODULE_DIR) + 1);
    }
}
