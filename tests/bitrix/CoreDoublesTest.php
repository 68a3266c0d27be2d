<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\Localization\Loc;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Module;

/**
 * The doubles of Option and Loc behave as the core does (main 23.300; the facts are in
 * doubles/Config.php and doubles/Localization.php), since every module test reads its
 * options and strings through them.
 */
final class CoreDoublesTest extends TestCase
{
    private string $dir = '';

    protected function tearDown(): void
    {
        Option::$values = [];
        Loc::setCurrentLang(null);
        if ($this->dir !== '') {
            $items = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($this->dir, FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::CHILD_FIRST);
            foreach ($items as $item) {
                $item->isDir() ? rmdir($item->getPathname()) : unlink($item->getPathname());
            }
            rmdir($this->dir);
        }
    }

    // --- Option::get ---------------------------------------------------------------------

    public function testAStoredValueWinsEvenWhenEmpty(): void
    {
        Option::set(Module::ID, 'silence_hours', '');
        $this->assertSame('', Option::get(Module::ID, 'silence_hours'), 'stored empty: not the default');
        $this->assertSame('', Option::get(Module::ID, 'silence_hours', '9'));

        Option::set(Module::ID, 'silence_hours', 0);
        $this->assertSame('0', Option::get(Module::ID, 'silence_hours', '9'), 'b_option holds strings');
    }

    public function testAMissingValueFallsBackToTheModuleDefaultOnlyForAnEmptyLooseDefault(): void
    {
        // default_option.php says silence_hours => '6'.
        $this->assertSame('6', Option::get(Module::ID, 'silence_hours'));
        $this->assertSame('6', Option::get(Module::ID, 'silence_hours', ''));
        $this->assertSame('6', Option::get(Module::ID, 'silence_hours', null), 'null == ""');
        $this->assertSame('6', Option::get(Module::ID, 'silence_hours', false), 'false == ""');
        $this->assertSame('9', Option::get(Module::ID, 'silence_hours', '9'), 'a given default wins over default_option.php');
        $this->assertSame('0', Option::get(Module::ID, 'silence_hours', '0'), '"0" != "" in PHP 8: the given default');
        $this->assertSame(0, Option::get(Module::ID, 'silence_hours', 0), 'returned as given, not cast');
    }

    public function testWithoutAModuleDefaultTheGivenDefaultComesBackUnconverted(): void
    {
        $this->assertSame('', Option::get(Module::ID, 'no_such_option'));
        $this->assertNull(Option::get(Module::ID, 'no_such_option', null));
        $this->assertFalse(Option::get(Module::ID, 'no_such_option', false));
        $this->assertSame('x', Option::get(Module::ID, 'no_such_option', 'x'));
        $this->assertSame('', Option::get('main', 'silence_hours'), "another module's options have none of this module's defaults");
    }

    // --- Loc ---------------------------------------------------------------------------------

    public function testRussianAndEnglishHaveNoFallbackBetweenThem(): void
    {
        $file = $this->langSource(['ru' => ['ONLY_RU' => 'только ru', 'BOTH' => 'оба'], 'en' => ['ONLY_EN' => 'en only', 'BOTH' => 'both']]);
        Loc::loadMessages($file);

        Loc::setCurrentLang('ru');
        $this->assertSame('оба', Loc::getMessage($this->code('BOTH')));
        $this->assertSame('только ru', Loc::getMessage($this->code('ONLY_RU')));
        $this->assertNull(Loc::getMessage($this->code('ONLY_EN')), 'ru falls back to ru itself: nothing');

        Loc::setCurrentLang('en');
        $this->assertSame('both', Loc::getMessage($this->code('BOTH')));
        $this->assertNull(Loc::getMessage($this->code('ONLY_RU')), 'en falls back to en itself: nothing');
        $this->assertSame('оба', Loc::getMessage($this->code('BOTH'), null, 'ru'), 'an explicit language');
    }

    public function testOtherLanguagesFallBackCodeByCodeToTheirDefaultLanguage(): void
    {
        $file = $this->langSource([
            'ru' => ['GREETING' => 'Привет, #NAME#', 'ONLY_RU' => 'только ru'],
            'en' => ['GREETING' => 'Hello, #NAME#', 'ONLY_EN' => 'en only'],
            'kz' => ['GREETING' => 'Сәлем, #NAME#'],
            'de' => ['GREETING' => 'Hallo, #NAME#'],
        ]);
        Loc::loadMessages($file);

        $this->assertSame('Сәлем, Айгуль', Loc::getMessage($this->code('GREETING'), ['#NAME#' => 'Айгуль'], 'kz'));
        $this->assertSame('только ru', Loc::getMessage($this->code('ONLY_RU'), null, 'kz'), 'kz → ru');
        $this->assertNull(Loc::getMessage($this->code('ONLY_EN'), null, 'kz'));
        $this->assertSame('только ru', Loc::getMessage($this->code('ONLY_RU'), null, 'by'), 'by → ru');
        $this->assertSame('en only', Loc::getMessage($this->code('ONLY_EN'), null, 'de'), 'de → en');
        $this->assertSame('Hello, #NAME#', Loc::getMessage($this->code('GREETING'), null, 'ua'), 'ua → en, not ru (main 22.200+)');
        $this->assertSame('en only', Loc::getMessage($this->code('ONLY_EN'), null, 'fr'), 'any other language → en');
        $this->assertNull(Loc::getMessage($this->code('NONE'), ['#NAME#' => 'x'], 'kz'));

        $this->assertSame(
            [$this->code('GREETING') => 'Сәлем, #NAME#', $this->code('ONLY_RU') => 'только ru'],
            array_intersect_key(Loc::loadLanguageFile($file, 'kz'), array_flip([$this->code('GREETING'), $this->code('ONLY_RU')])),
            'loadLanguageFile() merges the default language under the language',
        );
        $this->assertSame(['ru', 'en', 'ru', 'ru', 'en', 'en', 'en'], array_map([Loc::class, 'getDefaultLang'], ['ru', 'en', 'kz', 'by', 'ua', 'de', 'fr']));
    }

    public function testTheModulesStringsReachSitesInOtherLanguagesThroughTheFallback(): void
    {
        Loc::loadMessages(CASHBACK_MODULE_DIR . '/admin/log.php');
        $this->assertSame('Кэшбэк: журнал синхронизации', Loc::getMessage('RETAILLAB_CASHBACK_LOG_TITLE', null, 'kz'));
        $this->assertSame(Loc::getMessage('RETAILLAB_CASHBACK_LOG_TITLE', null, 'en'), Loc::getMessage('RETAILLAB_CASHBACK_LOG_TITLE', null, 'ua'));
        $this->assertNotSame(Loc::getMessage('RETAILLAB_CASHBACK_LOG_TITLE', null, 'ru'), Loc::getMessage('RETAILLAB_CASHBACK_LOG_TITLE', null, 'en'));
    }

    /**
     * A source file with a lang folder next to it: lang/<language>/thing.php for each language.
     *
     * @param array<string, array<string, string>> $messages language => code (without the test prefix) => text
     */
    private function langSource(array $messages): string
    {
        $this->dir = sys_get_temp_dir() . '/cashback-loc-test-' . bin2hex(random_bytes(6));
        mkdir($this->dir . '/module', 0700, true);
        file_put_contents($this->dir . '/module/thing.php', "<?php\n");
        foreach ($messages as $language => $texts) {
            mkdir($this->dir . "/module/lang/$language", 0700, true);
            $php = "<?php\n";
            foreach ($texts as $code => $text) {
                $php .= '$MESS[' . var_export($this->code($code), true) . '] = ' . var_export($text, true) . ";\n";
            }
            file_put_contents($this->dir . "/module/lang/$language/thing.php", $php);
        }
        return $this->dir . '/module/thing.php';
    }

    /** Codes unique to this test (Loc keeps what it read for the whole run). */
    private function code(string $code): string
    {
        return 'RETAILLAB_CASHBACK_TEST_' . strtoupper(substr(md5($this->dir), 0, 8)) . '_' . $code;
    }
}
