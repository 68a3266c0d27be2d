<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/support/ModuleCalls.php';

/**
 * Every call the module makes into the Bitrix core, checked against the core's real signatures.
 *
 * The test doubles only imitate what the module needs, so a call the core would reject (an argument
 * too many, a missing required one, a static method called on an instance, a literal passed where
 * the core takes a reference, an event the core never fires, a method that does not exist) passes
 * with them. tests/bitrix/core-signatures.json records the facts from the public core source
 * (avshatalov48/bitrix-core-business, main 17.5 … 25.100; each entry names the commit and file it was
 * read from); ModuleCalls reads the module's own source with PHP's tokenizer and checks each call
 * against that table. Nothing runs Bitrix, only the tokenizer.
 */
final class CoreConformanceTest extends TestCase
{
    private const TABLE = __DIR__ . '/core-signatures.json';

    private static ?array $table = null;

    private static function table(): array
    {
        return self::$table ??= json_decode((string) file_get_contents(self::TABLE), true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return array<string, string> module-relative path => source, lang/ excluded */
    private static function moduleSources(): array
    {
        $root = CASHBACK_MODULE_DIR;
        $files = [];
        $items = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
        foreach ($items as $item) {
            $relative = substr($item->getPathname(), strlen($root) + 1);
            if ($item->isFile() && str_ends_with($relative, '.php') && !str_starts_with($relative, 'lang/')) {
                $files[$relative] = (string) file_get_contents($item->getPathname());
            }
        }
        ksort($files);
        return $files;
    }

    /** Values of the module's own class constants (Manifest::EVENTS) for registrations made in a loop. */
    private static function moduleConstant(string $class, string $constant)
    {
        $name = $class . '::' . $constant;
        return (class_exists($class) || interface_exists($class)) && defined($name) ? constant($name) : null;
    }

    /** @return list<string> violations found in the given snippets (file name => code) */
    private static function violations(array $sources, ?callable $constants = null): array
    {
        $calls = new ModuleCalls(self::table());
        foreach ($sources as $file => $code) {
            $calls->add($file, $code);
        }
        return $calls->check($calls->uses(), $constants);
    }

    private static function snippet(string $code): array
    {
        return self::violations(['snippet.php' => "<?php\n" . $code . "\n"]);
    }

    // ---- the table ----------------------------------------------------------------------------

    public function testTableNamesItsSourceAndEveryEntryHasOne(): void
    {
        $t = self::table();
        self::assertSame('avshatalov48/bitrix-core-business', $t['source']['repo']);
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', $t['source']['main_version']);
        self::assertMatchesRegularExpression('/^[0-9a-f]{40}$/', $t['source']['commit']);
        foreach (['classes', 'functions', 'constants', 'events'] as $section) {
            self::assertNotEmpty($t[$section], $section);
        }
        $sourced = static function (array $entry, string $what): void {
            self::assertIsArray($entry['source'] ?? null, "$what has no source");
            self::assertNotEmpty($entry['source']['path'] ?? null, "$what names no file");
            self::assertContains($entry['source']['kind'] ?? null, ['core-read', 'ide-stub', 'full-text-index'], $what);
            self::assertArrayHasKey('since', $entry, "$what: since");
            self::assertTrue($entry['since'] === null || preg_match('/^\d+\.\d+\.\d+$/', $entry['since']) === 1, "$what: since");
            if (($entry['source']['kind'] ?? '') !== 'full-text-index') {
                self::assertMatchesRegularExpression('/^[0-9a-f]{40}$/', $entry['source']['commit'] ?? '', "$what: commit");
            }
        };
        foreach ($t['classes'] as $class => $entry) {
            $sourced($entry, $class);
            foreach ($entry['methods'] as $method => $m) {
                self::assertIsBool($m['static'], "$class::$method static");
                self::assertContains($m['visibility'] ?? 'public', ['public', 'protected', 'private'], "$class::$method");
                self::assertTrue(is_array($m['params']) && array_is_list($m['params']), "$class::$method params");
                foreach ($m['params'] as $p) {
                    self::assertMatchesRegularExpression('/^[A-Za-z_]\w*$/', $p['name'], "$class::$method parameter");
                }
                $variadic = array_keys(array_filter($m['params'], static fn (array $p): bool => !empty($p['variadic'])));
                self::assertTrue($variadic === [] || $variadic === [count($m['params']) - 1], "$class::$method: only the last parameter may be variadic");
            }
            if (isset($entry['parent'])) {
                self::assertNotSame($class, $entry['parent']);
            }
        }
        foreach ($t['functions'] as $function => $entry) {
            $sourced($entry, "$function()");
            self::assertTrue(is_array($entry['params']) && array_is_list($entry['params']), $function);
        }
        foreach ($t['constants'] as $constant => $entry) {
            $sourced($entry, $constant);
        }
        foreach ($t['events'] as $module => $events) {
            foreach ($events as $event => $entry) {
                $sourced($entry, "$module:$event");
                self::assertContains($entry['kind'], ['d7', 'compatible'], "$module:$event");
            }
        }
    }

    public function testTableIsSorted(): void
    {
        $check = static function (array $node, string $path) use (&$check): void {
            if (!array_is_list($node)) {
                $keys = array_map('strval', array_keys($node));
                $sorted = $keys;
                usort($sorted, 'strcasecmp');
                self::assertSame($sorted, $keys, "keys of $path are not sorted");
            }
            foreach ($node as $key => $child) {
                // parameter and argument lists keep their order
                if (is_array($child) && !in_array($key, ['params', 'args', 'returns'], true)) {
                    $check($child, "$path/$key");
                }
            }
        };
        $check(self::table(), '');
    }

    // ---- the module ---------------------------------------------------------------------------

    public function testTheModuleCallsTheCoreAsTheCoreDeclares(): void
    {
        $started = microtime(true);
        $sources = self::moduleSources();
        self::assertNotEmpty($sources);
        $violations = self::violations($sources, Closure::fromCallable([self::class, 'moduleConstant']));
        self::assertSame([], $violations, "Calls into the Bitrix core that do not match its source (tests/bitrix/core-signatures.json):\n  "
            . implode("\n  ", $violations));
        self::assertLessThan(2.0, microtime(true) - $started, 'the conformance check must stay fast');
    }

    public function testTheExtractorSeesTheModulesCoreCalls(): void
    {
        $calls = new ModuleCalls(self::table());
        foreach (self::moduleSources() as $file => $code) {
            $calls->add($file, $code);
        }
        $seen = [];
        foreach ($calls->uses() as $use) {
            $class = $use['class'] ?? ($use['classes'][0] ?? null);
            if (is_string($class) && ($calls->tableClass($class) !== null)) {
                $seen[$use['kind']] = true;
            }
            if (in_array($use['kind'], ['function', 'constant'], true) && isset(self::table()[$use['kind'] === 'function' ? 'functions' : 'constants'][$use[$use['kind']]])) {
                $seen[$use['kind']] = true;
            }
            if ($use['kind'] === 'event') {
                $seen['event'] = true;
            }
        }
        // Each way the module reaches the core is seen at least once: a check that sees nothing passes trivially.
        foreach (['class', 'static', 'call', 'new', 'function', 'constant', 'event'] as $kind) {
            self::assertArrayHasKey($kind, $seen, "no core $kind use found in the module: the extractor is broken");
        }
    }

    // ---- the checker, on snippets ---------------------------------------------------------------

    /** @return iterable<string, array{string, string}> code => a part of the expected message */
    public static function wrongCalls(): iterable
    {
        yield 'missing required argument' => ['\CAdminNotify::Add();', 'CAdminNotify::Add() requires'];
        yield 'Option::get with one argument' => ['use Bitrix\Main\Config\Option; Option::get(\'m\');', 'Option::get() requires'];
        yield 'too many arguments' => ['use Bitrix\Main\Config\Option; Option::get(\'m\', \'n\', \'\', \'s1\', true);', 'Option::get() takes at most 4 arguments'];
        yield 'too many, nested calls and closures counted once' => [
            'use Bitrix\Main\Config\Option; Option::set(\'m\', \'n\', implode(\',\', array_map(fn ($x) => trim($x, \' \'), [\'a\', \'b\'])), \'s1\', \'x\');',
            'Option::set() takes at most 4 arguments',
        ];
        yield 'unknown method' => ['\Bitrix\Main\Config\Option::fetchAll(\'m\');', 'Bitrix\Main\Config\Option::fetchAll() is not in the table'];
        yield 'unknown class' => ['\Bitrix\Main\NoSuchService::get();', 'Bitrix\Main\NoSuchService'];
        yield 'unknown legacy class' => ['$x = new \CNoSuchCoreThing();', 'CNoSuchCoreThing'];
        yield 'unknown function' => ['ShowErrorr(\'x\');', 'ShowErrorr() is not in the table'];
        yield 'function with too many arguments' => ['echo htmlspecialcharsbx(\'a\', ENT_QUOTES, true, 1);', 'htmlspecialcharsbx() takes at most'];
        yield 'unknown constant' => ['echo BX_NO_SUCH_CONSTANT;', 'constant BX_NO_SUCH_CONSTANT'];
        yield 'unknown class constant' => ['echo \Bitrix\Main\Engine\ActionFilter\HttpMethod::METHOD_PATCH;', 'HttpMethod::METHOD_PATCH'];
        yield 'literal passed by reference' => [
            'use Bitrix\Main\Text\Encoding; Encoding::convertEncoding(\'x\', \'windows-1251\', \'UTF-8\', \'\');',
            'by reference',
        ];
        yield 'instance method called statically' => ['echo \CUser::GetID();', 'CUser::GetID() is an instance method in the core but is called statically'];
        yield 'static method called on an instance' => [
            'use Bitrix\Main\Application; $db = Application::getInstance()->getConnection();',
            'getConnection() is static in the core but is called on an instance',
        ];
        yield 'typed parameter receiver' => [
            'function f(\Bitrix\Main\HttpRequest $request) { return $request->getQuery(); }',
            'getQuery() requires',
        ];
        yield 'global $APPLICATION is CMain' => ['global $APPLICATION; $APPLICATION->SetTitle();', 'SetTitle() requires'];
        yield 'variable assigned from new' => ['$tabs = new \CAdminTabControl(\'t\', []); $tabs->BeginNextTabb();', 'CAdminTabControl::BeginNextTabb()'];
        yield 'chain followed through return types' => [
            'use Bitrix\Main\Context; Context::getCurrent()->getRequest()->getPost();',
            'getPost() requires',
        ];
        yield 'unknown named argument' => [
            'use Bitrix\Main\Config\Option; Option::get(moduleId: \'m\', nam: \'n\');',
            'has no parameter named $nam',
        ];
        yield 'constructor arguments' => ['throw new \Bitrix\Main\ArgumentNullException();', 'ArgumentNullException::__construct) requires 1 arguments'];
        yield 'protected constructor' => ['$events = new \Bitrix\Main\EventManager();', 'the constructor of Bitrix\Main\EventManager is protected'];
        yield 'event the core does not fire' => [
            'use Bitrix\Main\EventManager; EventManager::getInstance()->registerEventHandler(\'sale\', \'OnSaleOrderDeleted2\', \'m\', \'C\', \'h\');',
            'event sale:OnSaleOrderDeleted2 is not in the table',
        ];
        yield 'old-style event registered as D7' => [
            'use Bitrix\Main\EventManager; EventManager::getInstance()->registerEventHandler(\'main\', \'OnAfterUserUpdate\', \'m\', \'C\', \'h\');',
            'event main:OnAfterUserUpdate is fired old-style',
        ];
        yield 'D7 event registered as compatible' => [
            'use Bitrix\Main\EventManager; EventManager::getInstance()->registerEventHandlerCompatible(\'sale\', \'OnSaleOrderSaved\', \'m\', \'C\', \'h\');',
            'event sale:OnSaleOrderSaved is fired as a D7',
        ];
        yield 'override requiring more than the core passes' => [
            'class MyComponent extends \CBitrixComponent { public function executeComponent($extra) {} }',
            'executeComponent() overriding CBitrixComponent::executeComponent(): requires 1 arguments, the core method 0',
        ];
        yield 'override with a static method' => [
            'class MyComponent extends \CBitrixComponent { public static function executeComponent() {} }',
            'static in one and not in the other',
        ];
        yield 'inherited method called with too many arguments' => [
            'class MyComponent extends \CBitrixComponent { public function executeComponent() { $this->includeComponentTemplate(\'\', \'/\', 1); } }',
            'includeComponentTemplate() takes at most',
        ];
    }

    /** @dataProvider wrongCalls */
    public function testTheCheckerReportsAWrongCall(string $code, string $expected): void
    {
        $violations = self::snippet($code);
        self::assertNotSame([], $violations, "not reported: $code");
        $found = array_filter($violations, static fn (string $v): bool => str_contains($v, $expected));
        self::assertNotSame([], $found, "expected a violation containing '$expected' for: $code\ngot:\n  " . implode("\n  ", $violations));
        self::assertStringStartsWith('snippet.php:', $violations[0]);
    }

    public function testEventsRegisteredInALoopOverAConstantAreChecked(): void
    {
        $code = <<<'PHP'
            <?php
            namespace Retaillab\Cashback\Sample;
            use Bitrix\Main\EventManager;
            final class Install
            {
                public const EVENTS = [['main', 'OnAfterUserUpdate', true], ['sale', 'OnSaleOrderSaved', false], ['main', 'OnNoSuchEvent', true]];
                public function run(): void
                {
                    $events = EventManager::getInstance();
                    foreach (self::EVENTS as [$module, $event, $compatible]) {
                        if ($compatible) {
                            $events->registerEventHandlerCompatible($module, $event, 'm', 'C', 'h');
                        } else {
                            $events->registerEventHandler($module, $event, 'm', 'C', 'h');
                        }
                    }
                }
            }
            PHP;
        $values = static fn (string $class, string $constant): ?array => $constant === 'EVENTS'
            ? [['main', 'OnAfterUserUpdate', true], ['sale', 'OnSaleOrderSaved', false], ['main', 'OnNoSuchEvent', true]]
            : null;
        $violations = self::violations(['install.php' => $code], $values);
        self::assertCount(1, $violations, implode("\n", $violations));
        self::assertStringContainsString('event main:OnNoSuchEvent is not in the table', $violations[0]);
    }

    public function testACorrectSnippetIsClean(): void
    {
        $code = <<<'PHP'
            namespace Retaillab\Cashback\Sample;

            use Bitrix\Main\Application;
            use Bitrix\Main\Config\Option;
            use Bitrix\Main\EventManager;
            use Bitrix\Main\Localization\Loc;
            use Bitrix\Main\Text\Encoding;
            use Bitrix\Main\UI\PageNavigation;

            Loc::loadMessages(__FILE__);

            final class Sample extends \CBitrixComponent
            {
                public function executeComponent()
                {
                    global $APPLICATION, $USER;
                    $APPLICATION->SetTitle((string) Loc::getMessage('TITLE', ['#N#' => 1]));
                    $right = $APPLICATION->GetGroupRight('retaillab.cashback');
                    $this->arResult = ['user' => $USER->GetID(), 'right' => $right, 'path' => $this->getPath()];
                    $this->includeComponentTemplate();
                }

                public function settings(array $args, \Bitrix\Main\HttpRequest $request): array
                {
                    $error = '';
                    $text = Encoding::convertEncoding($request->getPost('text'), 'windows-1251', 'UTF-8', $error);
                    $nav = new PageNavigation('nav');
                    $nav->setPageSize(20)->allowAllRecords(false)->initFromUri();
                    Option::set('retaillab.cashback', 'text', implode(',', array_map(fn ($x) => trim($x), [$text, 'a'])));
                    Option::get(...$args);
                    Option::get(moduleId: 'retaillab.cashback', name: 'text', default: '');
                    $db = Application::getConnection();
                    $e = new \Bitrix\Main\ArgumentException('bad', 'text');
                    $text .= $e->getMessage() . $e->getParameter() . $e->getCode();
                    EventManager::getInstance()->registerEventHandler('sale', 'OnSaleOrderSaved', 'retaillab.cashback', self::class, 'h');
                    EventManager::getInstance()->registerEventHandlerCompatible('main', 'OnAfterUserUpdate', 'retaillab.cashback', self::class, 'h');
                    \CAdminMessage::ShowMessage(['TYPE' => 'OK', 'MESSAGE' => htmlspecialcharsbx($error)]);
                    echo LANGUAGE_ID, B_PROLOG_INCLUDED, RETAILLAB_CASHBACK_ANYTHING;
                    return [$db, $nav, \CashbackLedger::class, new \Cashback\Api\Anything(1, 2, 3), Helper::make(1, 2, 3, 4), strlen('x')];
                }
            }

            final class Helper
            {
                public static function make(int ...$n): self { return new self(); }
            }
            PHP;
        self::assertSame([], self::snippet($code));
    }
}
