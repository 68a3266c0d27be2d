<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Customer\AccountView;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Tests\Doubles\ComponentLang;

/**
 * The personal-account view model and the component's default template,
 * rendered for real (with the Bitrix-like htmlspecialcharsbx double).
 */
final class AccountViewTest extends TestCase
{
    private const COMPONENT = CASHBACK_MODULE_DIR . '/install/components/retaillab/cashback.account';
    private const TEMPLATE = self::COMPONENT . '/templates/.default/template.php';

    private ?string $dir = null;

    protected function tearDown(): void
    {
        if ($this->dir !== null) {
            Option::delete('retaillab.cashback', ['name' => 'database_path']);
            array_map('unlink', glob($this->dir . '/*') ?: []);
            rmdir($this->dir);
        }
    }

    private static function view(array $params = []): AccountView
    {
        return new AccountView($params + [
            'ORDER_URL_TEMPLATE' => '/personal/orders/#ID#',
            'CURRENT_URL' => '/personal/cashback/?tab=history',
            'CURSOR_PARAM' => 'cashback_page',
            'DATE_FORMAT' => 'd.m.Y H:i',
            'TIMEZONE' => 'Europe/Moscow',
        ]);
    }

    private static function entry(array $fields): array
    {
        return $fields + [
            'transaction_id' => 1, 'external_id' => 'x', 'type' => 'accrual', 'amount' => 150.0, 'effect' => 150.0,
            'source' => '1c_retail', 'store_id' => 'store-1', 'description' => '',
            'created_at' => '2026-11-27T10:15:00+03:00', 'recorded_at' => '2026-11-27T10:15:02+03:00', 'original_external_id' => null,
        ];
    }

    public function testStoreEntriesAreInStorePurchasesWithTheirDescription(): void
    {
        $item = self::view()->item(self::entry(['description' => 'Москва, Тверская 1, касса 2', 'amount' => 1250.5, 'effect' => 1250.5]));

        self::assertSame('Покупка в магазине', $item['TITLE']);
        self::assertSame('Москва, Тверская 1, касса 2', $item['DETAIL']);
        self::assertNull($item['URL']);
        self::assertSame('store', $item['CHANNEL']);
        self::assertSame('Начисление', $item['TYPE_LABEL']);
        self::assertSame('+1 250,50 ₽', $item['AMOUNT']);
        self::assertSame('in', $item['DIRECTION']);
        self::assertSame('27.11.2026 10:15', $item['DATE']);
    }

    public function testOnlineEntriesLinkToTheirOrder(): void
    {
        $view = self::view();
        $rows = [
            ['web_accrual_15', 'accrual', 50.0, 50.0, 'Начисление'],
            ['web_accrual_reversal_15', 'accrual', -50.0, -50.0, 'Отмена начисления'],
            ['web_redeem_16', 'debit', 300.0, -300.0, 'Списание'],
            ['web_redeem_release_16', 'release', 300.0, 300.0, 'Возврат списания'],
        ];
        foreach ($rows as [$externalId, $type, $amount, $effect, $label]) {
            $item = $view->item(self::entry(['external_id' => $externalId, 'type' => $type, 'amount' => $amount,
                'effect' => $effect, 'source' => 'web', 'store_id' => null, 'description' => 'Заказ №2026/15']));
            self::assertSame($label, $item['TYPE_LABEL'], $externalId);
            self::assertSame('/personal/orders/' . ($item['ORDER_ID']), $item['URL'], $externalId);
            self::assertSame('Заказ №2026/15', $item['TITLE']);
            self::assertSame('web', $item['CHANNEL']);
        }
        self::assertSame('−300,00 ₽', $view->item(self::entry(['type' => 'debit', 'amount' => 300.0, 'effect' => -300.0]))['AMOUNT']);
        self::assertSame('−50,00 ₽', $view->item(self::entry(['amount' => -50.0, 'effect' => -50.0]))['AMOUNT']);

        // No description: the caption falls back to the order id from the external_id.
        $bare = $view->item(self::entry(['external_id' => 'web_accrual_99', 'source' => 'web']));
        self::assertSame('Заказ №99', $bare['TITLE']);
        self::assertSame(99, $bare['ORDER_ID']);
        // A web entry that is not an order's (a manual correction): no link.
        self::assertNull($view->item(self::entry(['external_id' => 'manual_1', 'source' => 'web', 'description' => 'Корректировка']))['URL']);
        // Another source: its description, no link, no store label.
        $other = $view->item(self::entry(['source' => 'admin', 'description' => 'Бонус ко дню рождения']));
        self::assertSame(['other', 'Бонус ко дню рождения', null], [$other['CHANNEL'], $other['TITLE'], $other['URL']]);
    }

    public function testOrderUrlTemplateIsAParameterAndNeverAScript(): void
    {
        $entry = self::entry(['external_id' => 'web_accrual_15', 'source' => 'web']);

        self::assertSame('/lk/order/?ID=15', self::view(['ORDER_URL_TEMPLATE' => '/lk/order/?ID=#ID#'])->item($entry)['URL']);
        self::assertSame('https://shop.example/orders/15/', self::view(['ORDER_URL_TEMPLATE' => 'https://shop.example/orders/#ORDER_ID#/'])->item($entry)['URL']);
        self::assertNull(self::view(['ORDER_URL_TEMPLATE' => 'javascript:alert(#ID#)'])->item($entry)['URL']);
        self::assertNull(self::view(['ORDER_URL_TEMPLATE' => ''])->item($entry)['URL']);
    }

    public function testPagingKeepsOtherQueryParameters(): void
    {
        $first = self::view()->build(['balance' => 10.0, 'updated_at' => null], ['items' => [self::entry([])], 'next_cursor' => 41], null);
        self::assertSame('/personal/cashback/?tab=history&cashback_page=41', $first['NAV']['NEXT_URL']);
        self::assertNull($first['NAV']['FIRST_URL']);
        self::assertTrue($first['NAV']['IS_FIRST_PAGE']);

        $view = self::view(['CURRENT_URL' => '/personal/cashback/?cashback_page=41&tab=history']);
        $second = $view->build(['balance' => 10.0], ['items' => [self::entry([])], 'next_cursor' => null], 41);
        self::assertNull($second['NAV']['NEXT_URL']);
        self::assertSame('/personal/cashback/?tab=history', $second['NAV']['FIRST_URL']);
        self::assertSame('/x/', self::view(['CURRENT_URL' => '/x/?cashback_page=3'])->pageUrl(null));

        foreach (['41' => 41, '1' => 1, '0' => null, '-5' => null, '4x' => null, '' => null, '99999999999999999999' => null] as $raw => $cursor) {
            self::assertSame($cursor, AccountView::cursorFrom((string) $raw), "cursor '$raw'");
        }
        self::assertNull(AccountView::cursorFrom(['41']));
        self::assertNull(AccountView::cursorFrom(null));
    }

    public function testBalanceAndDates(): void
    {
        $result = self::view(['TIMEZONE' => 'UTC', 'DATE_FORMAT' => 'Y-m-d H:i'])
            ->build(['balance' => -30.0, 'updated_at' => '2026-11-27T10:15:00+03:00'], ['items' => [], 'next_cursor' => null]);

        self::assertSame('−30,00 ₽', $result['BALANCE']['AMOUNT']);
        self::assertTrue($result['BALANCE']['NEGATIVE']);
        self::assertSame('2026-11-27 07:15', $result['BALANCE']['UPDATED_AT']);
        self::assertTrue($result['EMPTY']);
        self::assertSame('1 000 000,00 ₽', self::view()->build(['balance' => 1000000], ['items' => [], 'next_cursor' => null])['BALANCE']['AMOUNT']);
    }

    public function testTemplateEscapesHostileDescriptions(): void
    {
        $hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>" onmouseover="alert(2)';
        $result = self::view(['CURRENT_URL' => '/personal/cashback/?q="><script>alert(3)</script>'])->build(
            ['balance' => 1250.5, 'updated_at' => '2026-11-27T10:15:00+03:00'],
            ['items' => [
                self::entry(['description' => $hostile]),
                self::entry(['transaction_id' => 2, 'external_id' => 'web_accrual_15', 'source' => 'web', 'description' => $hostile]),
            ], 'next_cursor' => 1],
        );

        $html = ComponentLang::render(self::TEMPLATE, $result);

        self::assertStringNotContainsString('<script', $html);
        self::assertStringNotContainsString('<img', $html);
        self::assertStringNotContainsString('" onmouseover', $html);
        self::assertStringContainsString('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', $html);
        self::assertStringContainsString('<a href="/personal/orders/15">&lt;script&gt;', $html);
        self::assertStringContainsString('1 250,50 ₽', $html);
        self::assertStringContainsString('Покупка в магазине', $html);
        self::assertStringContainsString('Баланс кэшбэка', $html);
        self::assertStringContainsString('Более ранние операции', $html);
        // The next-page link carries the (escaped) query of the current URL.
        self::assertMatchesRegularExpression('~href="/personal/cashback/\?q=%22%3E%3Cscript%3E[^"]*&amp;cashback_page=1"~', $html);
        self::assertDoesNotMatchRegularExpression("~=\\s*'~", $html, 'attributes are double-quoted (htmlspecialcharsbx leaves single quotes)');
    }

    public function testTemplateStatesEmptyAndErrorPages(): void
    {
        $empty = ComponentLang::render(self::TEMPLATE, self::view()->build(['balance' => 0], ['items' => [], 'next_cursor' => null]));
        self::assertStringContainsString('Операций пока нет', $empty);
        self::assertStringContainsString('0,00 ₽', $empty);
        self::assertStringNotContainsString('<nav', $empty);

        self::assertStringContainsString('Войдите на сайт', ComponentLang::render(self::TEMPLATE, ['ERROR' => 'auth']));
        self::assertStringContainsString('сейчас недоступен', ComponentLang::render(self::TEMPLATE, ['ERROR' => 'unavailable']));
        self::assertStringContainsString('сейчас недоступен', ComponentLang::render(self::TEMPLATE, ['ERROR' => '<b>odd</b>']));
    }

    public function testComponentPagesThroughTheRealLedger(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-account-' . bin2hex(random_bytes(6));
        mkdir($this->dir, 0700, true);
        Option::set('retaillab.cashback', 'database_path', $this->dir . '/cashback.db');
        $ledger = LedgerFactory::create(); // the installed site's ledger
        $ledger->applyBatch([
            ['type' => 'accrual', 'amount' => '150.00', 'external_id' => 'Accrual_0001', 'user_id' => 7,
                'description' => 'Москва, Тверская 1, касса 2', 'created_at' => '2026-11-25T10:00:00'],
            ['type' => 'accrual', 'amount' => '50.00', 'external_id' => 'web_accrual_15', 'user_id' => 7, 'source' => 'web',
                'description' => 'Заказ №2026/15', 'created_at' => '2026-11-26T10:00:00'],
            ['type' => 'debit', 'amount' => '30.00', 'external_id' => 'web_redeem_16', 'user_id' => 7, 'source' => 'web',
                'description' => 'Оплата заказа №2026/16 кэшбэком', 'created_at' => '2026-11-27T10:00:00'],
            ['type' => 'accrual', 'amount' => '999.00', 'external_id' => 'Accrual_other', 'user_id' => 8],
        ]);

        $make = static fn (?string $cursor, int $user = 7) => self::component($ledger, $cursor, $user);

        $page1 = $make(null);
        $page1->runForTest(['PAGE_SIZE' => '2', 'ORDER_URL_TEMPLATE' => '']);
        self::assertSame(2, $page1->arParams['PAGE_SIZE']);
        self::assertSame('/personal/orders/#ID#', $page1->arParams['ORDER_URL_TEMPLATE'], 'the default');
        self::assertSame('170,00 ₽', $page1->arResult['BALANCE']['AMOUNT']);
        self::assertSame(['Оплата заказа №2026/16 кэшбэком', 'Заказ №2026/15'], array_column($page1->arResult['ITEMS'], 'TITLE'));
        self::assertSame(['/personal/orders/16', '/personal/orders/15'], array_column($page1->arResult['ITEMS'], 'URL'));
        self::assertSame('27.11.2026 10:00:00', $page1->arResult['ITEMS'][0]['DATE']);
        self::assertNotNull($page1->arResult['NAV']['NEXT_URL']);
        self::assertStringContainsString('href="/personal/orders/16"', (string) $page1->renderedHtml);

        parse_str((string) parse_url($page1->arResult['NAV']['NEXT_URL'], PHP_URL_QUERY), $query);
        $page2 = $make($query['cashback_page']);
        $page2->runForTest(['PAGE_SIZE' => '2']);
        self::assertSame(['Покупка в магазине'], array_column($page2->arResult['ITEMS'], 'TITLE'));
        self::assertSame('Москва, Тверская 1, касса 2', $page2->arResult['ITEMS'][0]['DETAIL']);
        self::assertNull($page2->arResult['NAV']['NEXT_URL']);
        self::assertSame('/personal/cashback/', $page2->arResult['NAV']['FIRST_URL']);

        $guest = $make(null, 0);
        $guest->runForTest([]);
        self::assertSame(['ERROR' => 'auth'], $guest->arResult);

        // A garbage cursor is the first page, not an error.
        $odd = $make('1; DROP TABLE');
        $odd->runForTest(['PAGE_SIZE' => '500']);
        self::assertSame(20, $odd->arParams['PAGE_SIZE']);
        self::assertCount(3, $odd->arResult['ITEMS']);
    }

    /** The account component with the Bitrix environment replaced (user, query, ledger). */
    private static function component(\CashbackLedger $ledger, ?string $cursor, int $user = 7): RetaillabCashbackAccountComponent
    {
        require_once self::COMPONENT . '/class.php';
        return new class ($ledger, $cursor, $user) extends RetaillabCashbackAccountComponent {
            public function __construct(private \CashbackLedger $testLedger, private ?string $cursor, private int $user)
            {
                parent::__construct();
            }

            protected function loadModule(): bool
            {
                return true;
            }

            protected function currentUserId(): int
            {
                return $this->user;
            }

            protected function queryValue(string $name): mixed
            {
                return $name === 'cashback_page' ? $this->cursor : null;
            }

            protected function currentUrl(): string
            {
                return '/personal/cashback/' . ($this->cursor !== null ? '?cashback_page=' . $this->cursor : '');
            }

            protected function dateFormat(): string
            {
                return 'd.m.Y H:i:s';
            }

            protected function timezone(): string
            {
                return 'Europe/Moscow';
            }

            protected function ledger(): \CashbackLedger
            {
                return $this->testLedger;
            }

            protected function setPageTitle(string $title): void
            {
            }
        };
    }

    /**
     * Bitrix hands a component its string parameters HTML-escaped
     * (CBitrixComponent::__prepareComponentParams(), run by the double) and the
     * raw value as '~KEY'. The order link is built from the raw template and
     * escaped once, by the template.
     */
    public function testTheOrderUrlTemplateIsTakenRawAndEscapedOnlyByTheTemplate(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-account-' . bin2hex(random_bytes(6));
        mkdir($this->dir, 0700, true);
        Option::set('retaillab.cashback', 'database_path', $this->dir . '/cashback.db');
        $ledger = LedgerFactory::create();
        $ledger->apply(['type' => 'accrual', 'amount' => '50.00', 'external_id' => 'web_accrual_15', 'user_id' => 7, 'source' => 'web',
            'description' => 'Заказ №2026/15', 'created_at' => '2026-11-26T10:00:00']);

        $component = self::component($ledger, null);
        $component->runForTest(['ORDER_URL_TEMPLATE' => '/personal/order/?ID=#ID#&from="cashback"&amp;x=<1>']);

        self::assertSame('/personal/order/?ID=#ID#&from=&quot;cashback&quot;&amp;amp;x=&lt;1&gt;', $component->arParams['ORDER_URL_TEMPLATE'], 'as Bitrix prepares it');
        self::assertSame('/personal/order/?ID=#ID#&from="cashback"&amp;x=<1>', $component->arParams['~ORDER_URL_TEMPLATE']);
        self::assertSame('/personal/order/?ID=15&from="cashback"&amp;x=<1>', $component->arResult['ITEMS'][0]['URL']);
        self::assertStringContainsString('href="/personal/order/?ID=15&amp;from=&quot;cashback&quot;&amp;amp;x=&lt;1&gt;"', (string) $component->renderedHtml);
        self::assertSame('A', $component->arParams['CACHE_TYPE']);
    }

    public function testLanguageFilesHaveTheSameCodesInRussianAndEnglish(): void
    {
        $files = [
            CASHBACK_MODULE_DIR . '/lang/%s/lib/Customer/AccountView.php',
            CASHBACK_MODULE_DIR . '/lang/%s/lib/Shop/OnlineCashback.php',
            self::COMPONENT . '/lang/%s/class.php',
            self::COMPONENT . '/lang/%s/.description.php',
            self::COMPONENT . '/lang/%s/.parameters.php',
            self::COMPONENT . '/templates/.default/lang/%s/template.php',
        ];
        foreach ($files as $pattern) {
            $codes = [];
            foreach (['ru', 'en'] as $language) {
                $MESS = [];
                include sprintf($pattern, $language);
                self::assertNotEmpty($MESS, sprintf($pattern, $language));
                foreach ($MESS as $code => $text) {
                    self::assertStringStartsWith('RETAILLAB_CASHBACK_', $code);
                    self::assertNotSame('', $text, $code);
                }
                $codes[$language] = array_keys($MESS);
                sort($codes[$language]);
            }
            self::assertSame($codes['ru'], $codes['en'], $pattern);
        }
        // Every string the template asks for exists.
        preg_match_all("/\\\$m\\('([A-Z_]+)'\\)/", (string) file_get_contents(self::TEMPLATE), $used);
        $MESS = [];
        include self::COMPONENT . '/templates/.default/lang/ru/template.php';
        foreach ($used[1] as $code) {
            self::assertArrayHasKey('RETAILLAB_CASHBACK_TPL_' . $code, $MESS);
        }
        foreach (['AUTH', 'MODULE', 'UNAVAILABLE'] as $code) {
            self::assertArrayHasKey('RETAILLAB_CASHBACK_TPL_ERROR_' . $code, $MESS);
        }
    }
}
