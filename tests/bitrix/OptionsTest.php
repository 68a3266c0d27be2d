<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;
use Retaillab\Cashback\Settings\OptionFields;
use Retaillab\Cashback\Settings\Outcome;
use Retaillab\Cashback\Settings\SettingsPage;

/**
 * The module options (typed getters over Bitrix's Option, double) and the
 * settings page logic: validation, saving, API keys against a real ledger.
 */
final class OptionsTest extends TestCase
{
    private string $dir;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-options-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700, true);
        Option::$values = [];
        Option::set(Module::ID, Options::DATABASE_PATH, $this->dir . '/cashback.db');
        LedgerFactory::create(); // the installed site's ledger
    }

    protected function tearDown(): void
    {
        Option::$values = [];
        foreach (glob($this->dir . '/{,.}*', GLOB_BRACE) ?: [] as $file) {
            if (is_file($file)) {
                unlink($file);
            }
        }
        @rmdir($this->dir . '/other');
        @rmdir($this->dir);
    }

    public function testDefaultsAreTheContract(): void
    {
        Option::$values = [];
        // The ledger's own options default to what the extension says (written once, in Rust);
        // default_option.php repeats them as strings because Bitrix reads it without the extension.
        $ledger = CashbackLedger::defaults();
        $this->assertSame([
            'database_mode' => 'sqlite',
            'database_path' => 'bitrix/php_interface/retaillab.cashback/cashback.db',
            'database_url' => '',
            'database_password' => '',
            'timezone' => $ledger['timezone'],
            'default_region' => $ledger['default_region'],
            'max_batch' => (string) $ledger['max_batch'],
            'max_body_bytes' => '16777216',
            'auto_register_stores' => $ledger['auto_register_stores'] ? 'Y' : 'N',
            'silence_hours' => '6',
            'store_silence_hours' => '{}',
            'notify_email' => '',
            'log_retention_days' => '90',
            'accrual_percent' => '5',
            'accrual_min_order' => '0',
            'accrual_exclude_delivery' => 'Y',
            'redeem_max_percent' => '50',
            'redeem_property_code' => 'CASHBACK_REDEEM',
        ], Options::defaults());

        $this->assertSame(Options::MODE_SQLITE, Options::databaseMode(), 'today\'s behaviour: the SQLite file');
        $this->assertSame($_SERVER['DOCUMENT_ROOT'] . '/bitrix/php_interface/retaillab.cashback/cashback.db', Options::databasePath());
        $this->assertSame($ledger['timezone'], Options::timezone());
        $this->assertSame($ledger['default_region'], Options::defaultRegion());
        $this->assertSame($ledger['max_batch'], Options::maxBatch());
        $this->assertSame(16777216, Options::maxBodyBytes());
        $this->assertSame($ledger['auto_register_stores'], Options::autoRegisterStores());
        $this->assertSame(6, Options::silenceHours());
        $this->assertSame([], Options::storeSilenceHours());
        $this->assertSame('', Options::notifyEmail());
        $this->assertSame([], Options::notifyEmails());
        $this->assertSame(90, Options::logRetentionDays());
        $this->assertSame('5', Options::accrualPercent());
        $this->assertSame('0', Options::accrualMinOrder());
        $this->assertTrue(Options::accrualExcludeDelivery());
        $this->assertSame('50', Options::redeemMaxPercent());
        $this->assertSame('CASHBACK_REDEEM', Options::redeemPropertyCode());

        $settings = LedgerFactory::settings();
        $this->assertSame(Options::databasePath(), $settings->database());
        $this->assertSame(16777216, $settings->int('max_body_bytes'));
        $this->assertSame($ledger['timezone'], $settings->string('timezone'));
        $this->assertSame($ledger['default_region'], $settings->string('default_region'));
        $this->assertSame($ledger['auto_register_stores'], $settings->ledgerOptions()['auto_register_stores']);
        // The module passes every ledger option the extension has a default for.
        $this->assertSame([...array_keys($ledger), 'create'], array_keys($settings->ledgerOptions()));
    }

    public function testGettersFallBackOnMalformedStoredValues(): void
    {
        foreach ([
            Options::MAX_BATCH => 'lots', Options::MAX_BODY_BYTES => '10', Options::SILENCE_HOURS => '0',
            Options::LOG_RETENTION_DAYS => '-1', Options::ACCRUAL_PERCENT => '150', Options::ACCRUAL_MIN_ORDER => '1,5',
            Options::REDEEM_MAX_PERCENT => '1.234', Options::REDEEM_PROPERTY_CODE => 'bad code', Options::STORE_SILENCE_HOURS => '{"store-1": 5, "": 3, "store-2": "x"',
            Options::DEFAULT_REGION => 'Belarus',
        ] as $name => $value) {
            Option::set(Module::ID, $name, $value);
        }
        $this->assertSame(CashbackLedger::defaults()['max_batch'], Options::maxBatch());
        $this->assertSame(16777216, Options::maxBodyBytes());
        $this->assertSame(6, Options::silenceHours());
        $this->assertSame(90, Options::logRetentionDays());
        $this->assertSame('5', Options::accrualPercent());
        $this->assertSame('0', Options::accrualMinOrder());
        $this->assertSame('50', Options::redeemMaxPercent());
        $this->assertSame('CASHBACK_REDEEM', Options::redeemPropertyCode());
        $this->assertSame('RU', Options::defaultRegion());
        $this->assertSame([], Options::storeSilenceHours(), 'malformed JSON');
        Option::set(Module::ID, Options::DEFAULT_REGION, ' by ');
        $this->assertSame('BY', Options::defaultRegion(), 'stored by hand in lower case');

        Option::set(Module::ID, Options::STORE_SILENCE_HOURS, '{"store-1": 5, "": 3, "store-2": "x", "store-3": 0}');
        $this->assertSame(['store-1' => 5], Options::storeSilenceHours(), 'only valid entries');
        $this->assertSame(5, Options::silenceHoursFor('store-1'));
        $this->assertSame(6, Options::silenceHoursFor('store-9'));

        Option::set(Module::ID, Options::NOTIFY_EMAIL, 'ops@example.com, not-an-email; boss@example.com');
        $this->assertSame(['ops@example.com', 'boss@example.com'], Options::notifyEmails());
        Option::set(Module::ID, Options::ACCRUAL_EXCLUDE_DELIVERY, 'N');
        $this->assertFalse(Options::accrualExcludeDelivery());
    }

    public function testDatabasePathResolution(): void
    {
        Option::set(Module::ID, Options::DATABASE_PATH, 'upload/x/cashback.db');
        $this->assertSame($_SERVER['DOCUMENT_ROOT'] . '/upload/x/cashback.db', Options::databasePath());
        Option::set(Module::ID, Options::DATABASE_PATH, '/var/lib/cashback/cashback.db');
        $this->assertSame('/var/lib/cashback/cashback.db', Options::databasePath());

        // Empty: the extension's own ini setting.
        Option::set(Module::ID, Options::DATABASE_PATH, '');
        $previous = ini_set('cashback.database', $this->dir . '/from-ini.db');
        if ($previous === false) {
            $this->markTestIncomplete('cashback.database cannot be changed at run time here');
        }
        try {
            $this->assertSame($this->dir . '/from-ini.db', Options::databasePath());
        } finally {
            ini_set('cashback.database', $previous);
        }
        $this->assertSame($_SERVER['DOCUMENT_ROOT'] . '/bitrix/php_interface/retaillab.cashback/cashback.db', Options::databasePath(), 'and without it the default');
    }

    public function testUnknownOptionIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        Options::set('databse_path', '/tmp/x.db');
    }

    public function testKeyCreationShowsTheSecretOnceAndTheListNever(): void
    {
        $page = new SettingsPage('W');
        $outcome = $page->handle('POST', [
            SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY,
            SettingsPage::KEY_NAME_FIELD => '',
            SettingsPage::KEY_STORE_FIELD => 'store-12',
        ], true);

        $this->assertFalse($outcome->failed(), json_encode($outcome->errors, JSON_UNESCAPED_UNICODE));
        $created = $outcome->createdKey;
        $this->assertSame('store-12', $created['name'], 'a store key is named after the store');
        $this->assertSame('store-12', $created['store_id']);
        $this->assertMatchesRegularExpression('/^cbk_[0-9a-f]{12}_[0-9a-f]{48}$/', $created['key']);
        $secret = substr($created['key'], -48);

        $html = $page->renderKeysTab($outcome);
        $this->assertSame(1, substr_count($html, $created['key']), 'shown once, in the notice');
        $this->assertStringContainsString('id="retaillab_cashback_new_key"', $html);
        $this->assertSame('OK', $page->messages($outcome)[0]['type']);

        // Any later page (a reload is a GET) shows the list without the secret.
        $later = $page->renderKeysTab($page->handle('GET', [], true));
        $this->assertStringNotContainsString($secret, $later);
        $this->assertStringContainsString('store-12', $later);
        $prefix = substr($created['key'], 0, strrpos($created['key'], '_'));
        $this->assertStringContainsString($prefix . '_…', $later, 'the public prefix identifies the key');

        // The key works at once, and its store is watched for silence from now on.
        $ledger = LedgerFactory::open();
        $this->assertSame('store-12', $ledger->verifyApiKey($created['key'])['store_id']);
        $this->assertContains('store-12', array_column($ledger->storeActivity(), 'store_id'));
    }

    public function testCentralBaseKeyAndTheListHoldNoSecrets(): void
    {
        $page = new SettingsPage('W');
        $central = $page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY, SettingsPage::KEY_NAME_FIELD => '1C central', SettingsPage::KEY_STORE_FIELD => ''], true)->createdKey;
        $store = $page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY, SettingsPage::KEY_NAME_FIELD => 'Lenina 1', SettingsPage::KEY_STORE_FIELD => 'store-1'], true)->createdKey;
        $this->assertNull($central['store_id']);

        $html = $page->renderKeysTab(new Outcome());
        foreach ([$central, $store] as $key) {
            $this->assertStringNotContainsString(substr($key['key'], -48), $html);
            $this->assertStringContainsString($key['name'], $html);
        }
        $this->assertStringContainsString(Bitrix\Main\Localization\Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CENTRAL'), $html);
        foreach (LedgerFactory::open()->listApiKeys() as $listed) {
            $this->assertArrayNotHasKey('key', $listed);
        }
    }

    public function testAKeyCanBeLimitedToNetworks(): void
    {
        $page = new SettingsPage('W');
        $outcome = $page->handle('POST', [
            SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY,
            SettingsPage::KEY_STORE_FIELD => 'store-7',
            SettingsPage::KEY_NETWORKS_FIELD => '10.1.0.0/16, 203.0.113.7/32',
        ], true);
        $this->assertSame([], $outcome->errors);
        $this->assertSame(['10.1.0.0/16', '203.0.113.7/32'], $outcome->createdKey['allowed_networks']);
        $this->assertStringContainsString('10.1.0.0/16, 203.0.113.7/32', $page->renderKeysTab(new Outcome()));

        $bad = $page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY, SettingsPage::KEY_NAME_FIELD => 'x', SettingsPage::KEY_NETWORKS_FIELD => '10.1.0.0/99'], true);
        $this->assertSame([SettingsPage::KEY_NETWORKS_FIELD], array_keys($bad->errors));
        $this->assertStringContainsString('invalid_network', $bad->errors[SettingsPage::KEY_NETWORKS_FIELD]);
        $this->assertStringContainsString('10.1.0.0/99', $page->renderKeysTab($bad), 'the form keeps what was typed');
        $this->assertCount(1, LedgerFactory::open()->listApiKeys());
    }

    public function testRevokeWorksAndAsksFirst(): void
    {
        $page = new SettingsPage('W');
        $key = $page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY, SettingsPage::KEY_NAME_FIELD => 'temp'], true)->createdKey;

        $list = $page->renderKeysTab(new Outcome());
        $this->assertStringContainsString('confirm(', $list, 'revocation asks for confirmation');
        $this->assertStringContainsString("value=&quot;revoke_key&quot;", $list);

        $outcome = $page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::REVOKE_KEY, SettingsPage::KEY_ID_FIELD => (string) $key['id']], true);
        $this->assertFalse($outcome->failed());
        $this->assertSame($key['id'], $outcome->revokedKey);
        $this->assertNull(LedgerFactory::open()->verifyApiKey($key['key']));

        $after = $page->renderKeysTab(new Outcome());
        $this->assertStringNotContainsString('confirm(', $after, 'no revoke button for a revoked key');

        $unknown = $page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::REVOKE_KEY, SettingsPage::KEY_ID_FIELD => '999'], true);
        $this->assertTrue($unknown->failed());
        $this->assertStringContainsString('not_found', $unknown->errors[SettingsPage::KEY_ID_FIELD]);
        $this->assertTrue($page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::REVOKE_KEY, SettingsPage::KEY_ID_FIELD => 'x'], true)->failed());
    }

    public function testKeyActionsNeedWriteAccessAndAValidSession(): void
    {
        $post = [SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY, SettingsPage::KEY_NAME_FIELD => 'x'];

        $reader = new SettingsPage('R');
        $this->assertTrue($reader->canRead());
        $this->assertFalse($reader->canWrite());
        $this->assertTrue($reader->handle('POST', $post, true)->failed());
        $readOnly = $reader->renderKeysTab(new Outcome());
        $this->assertStringNotContainsString(SettingsPage::KEY_NAME_FIELD . '"', $readOnly, 'no create form for R');
        $this->assertStringContainsString(' disabled', $reader->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome()));

        $this->assertTrue((new SettingsPage('W'))->handle('POST', $post, false)->failed(), 'CSRF token checked');
        $this->assertFalse((new SettingsPage('D'))->canRead());
        $this->assertTrue((new SettingsPage('X'))->canWrite(), 'administrators get the highest letter');
        $this->assertSame([], LedgerFactory::open()->listApiKeys(), 'nothing was created');
    }

    public function testInvalidSettingsAreRefusedFieldByField(): void
    {
        $page = new SettingsPage('W');
        $outcome = $page->handle('POST', $this->form([
            Options::DATABASE_PATH => '',
            Options::MAX_BATCH => '0',
            Options::MAX_BODY_BYTES => '16m',
            Options::SILENCE_HOURS => '9999',
            Options::STORE_SILENCE_HOURS => "store-1 = 12\nstore-2 twelve",
            Options::NOTIFY_EMAIL => 'ops@example.com, nobody',
            Options::LOG_RETENTION_DAYS => '',
            Options::ACCRUAL_PERCENT => '101',
            Options::ACCRUAL_MIN_ORDER => '-5',
            Options::REDEEM_MAX_PERCENT => '1.234',
            Options::REDEEM_PROPERTY_CODE => '1CODE',
        ]), true);

        $this->assertFalse($outcome->saved);
        $this->assertSame([
            Options::DATABASE_PATH, Options::MAX_BATCH, Options::MAX_BODY_BYTES, Options::SILENCE_HOURS,
            Options::STORE_SILENCE_HOURS, Options::NOTIFY_EMAIL, Options::LOG_RETENTION_DAYS, Options::ACCRUAL_PERCENT,
            Options::ACCRUAL_MIN_ORDER, Options::REDEEM_MAX_PERCENT, Options::REDEEM_PROPERTY_CODE,
        ], array_keys($outcome->errors));
        $this->assertStringContainsString('2', $outcome->errors[Options::STORE_SILENCE_HOURS], 'names the line');
        $this->assertStringContainsString('nobody', $outcome->errors[Options::NOTIFY_EMAIL]);
        $this->assertSame([Options::DATABASE_PATH => $this->dir . '/cashback.db'], Option::$values[Module::ID], 'nothing saved');

        // The form comes back with what was typed, and the errors next to the fields.
        $html = $page->renderOptionsTab(OptionFields::TAB_MONITORING, $outcome);
        $this->assertStringContainsString('store-2 twelve', $html);
        $this->assertStringContainsString('retaillab-cashback-error', $html);
        $this->assertSame('ERROR', $page->messages($outcome)[0]['type']);
    }

    public function testAFailedSaveSaysTheAccessTabWasNotSavedEither(): void
    {
        $page = new SettingsPage('W');
        $rights = ['GROUPS' => ['0', '5'], 'RIGHTS' => ['R', 'W'], 'SITES' => ['', '']];

        $withRights = $page->handle('POST', $this->form([Options::MAX_BATCH => '0']) + $rights, true);
        $this->assertTrue($withRights->rightsSubmitted);
        $details = $page->messages($withRights)[0]['details'];
        $this->assertStringContainsString($withRights->errors[Options::MAX_BATCH], $details);
        $this->assertStringEndsWith("\nПрава доступа на вкладке «Доступ» тоже не сохранены: там показаны действующие. Внесите изменения прав заново вместе с исправлениями.", $details);

        $withoutRights = $page->handle('POST', $this->form([Options::MAX_BATCH => '0']), true);
        $this->assertStringNotContainsString('«Доступ»', $page->messages($withoutRights)[0]['details'], 'no access tab posted, nothing to say about it');

        $refused = (new SettingsPage('R'))->handle('POST', $this->form([]) + $rights, true);
        $this->assertStringContainsString('«Доступ»', (new SettingsPage('R'))->messages($refused)[0]['details']);

        $saved = $page->handle('POST', $this->form([]) + $rights, true);
        $this->assertTrue($saved->saved);
        $this->assertSame([], $page->messages($saved), 'saved: options.php saves the rights and redirects');
        $this->assertFalse($page->handle('POST', [SettingsPage::ACTION_FIELD => Outcome::CREATE_KEY, SettingsPage::KEY_NAME_FIELD => 'k'] + $rights, true)->rightsSubmitted, 'only a save carries the rights');
    }

    public function testTheLedgerMustOpenWithNewStorageSettings(): void
    {
        $page = new SettingsPage('W');
        $zone = $page->handle('POST', $this->form([Options::TIMEZONE => 'Europe/Atlantis']), true);
        $this->assertSame([Options::TIMEZONE], array_keys($zone->errors));
        $this->assertStringContainsString('invalid_option', $zone->errors[Options::TIMEZONE]);
        $this->assertStringContainsString('Europe/Atlantis', $zone->errors[Options::TIMEZONE], 'the ledger says which zone');

        $path = $page->handle('POST', $this->form([Options::DATABASE_PATH => $this->dir . '/no/such/folder/cashback.db']), true);
        $this->assertSame([Options::DATABASE_PATH], array_keys($path->errors));
        $this->assertStringContainsString('database_unavailable', $path->errors[Options::DATABASE_PATH]);

        $folder = $page->handle('POST', $this->form([Options::DATABASE_PATH => $this->dir]), true);
        $this->assertSame([Options::DATABASE_PATH], array_keys($folder->errors), 'a folder is not a database file');

        $this->assertSame($this->dir . '/cashback.db', Options::databasePath(), 'nothing saved');
    }

    public function testValidSettingsAreSavedAndStoreThresholdsReachTheLedger(): void
    {
        $page = new SettingsPage('W');
        $outcome = $page->handle('POST', $this->form([
            Options::TIMEZONE => 'Asia/Yekaterinburg',
            Options::MAX_BATCH => '500',
            Options::SILENCE_HOURS => '8',
            Options::STORE_SILENCE_HOURS => "store-1 = 12\r\n# a comment\n\nstore-2: 48\n",
            Options::NOTIFY_EMAIL => 'ops@example.com;boss@example.com',
            Options::ACCRUAL_PERCENT => '2,5',
            Options::ACCRUAL_MIN_ORDER => '1000.00',
            Options::ACCRUAL_EXCLUDE_DELIVERY => 'N',
            Options::REDEEM_MAX_PERCENT => '30',
            Options::REDEEM_PROPERTY_CODE => 'BONUS_PAY',
        ]), true);

        $this->assertSame([], $outcome->errors);
        $this->assertTrue($outcome->saved);
        $this->assertSame('Asia/Yekaterinburg', Options::timezone());
        $this->assertSame(500, Options::maxBatch());
        $this->assertSame(8, Options::silenceHours());
        $this->assertSame(['store-1' => 12, 'store-2' => 48], Options::storeSilenceHours());
        $this->assertSame('ops@example.com, boss@example.com', Options::notifyEmail());
        $this->assertSame('2.5', Options::accrualPercent());
        $this->assertSame('1000.00', Options::accrualMinOrder());
        $this->assertFalse(Options::accrualExcludeDelivery());
        $this->assertSame('30', Options::redeemMaxPercent());
        $this->assertSame('BONUS_PAY', Options::redeemPropertyCode());

        $thresholds = array_column(LedgerFactory::open()->storeActivity(), 'silence_hours', 'store_id');
        $this->assertSame(['store-1' => 12, 'store-2' => 48], $thresholds);

        // Taking a store off the list returns it to the global threshold in the ledger too.
        $this->assertTrue($page->handle('POST', $this->form([Options::STORE_SILENCE_HOURS => 'store-2 = 24']), true)->saved);
        $thresholds = array_column(LedgerFactory::open()->storeActivity(), 'silence_hours', 'store_id');
        $this->assertSame(['store-1' => null, 'store-2' => 24], $thresholds);

        // The form shows the thresholds as lines again.
        $this->assertStringContainsString('store-2 = 24</textarea>', $page->renderOptionsTab(OptionFields::TAB_MONITORING, new Outcome()));
    }

    public function testAutoRegisteringStoresIsOffUntilTheOperatorTicksIt(): void
    {
        $page = new SettingsPage('W');
        $label = Bitrix\Main\Localization\Loc::getMessage('RETAILLAB_CASHBACK_OPT_AUTO_REGISTER_STORES');
        $this->assertSame('Регистрировать новые магазины автоматически', $label);
        $storage = $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome());
        $this->assertStringContainsString('<label for="retaillab_cashback_auto_register_stores">' . $label . ':</label>', $storage);
        $this->assertStringContainsString('type="checkbox" id="retaillab_cashback_auto_register_stores" name="auto_register_stores" value="Y">', $storage, 'unticked');
        $this->assertStringContainsString('unknown_store', $storage, 'the hint says what stays refused');

        // Off: 1C writing for a store nobody registered is refused, and registers nothing.
        $this->assertSame('unknown_store', $this->applyForStore('new-store', 'e-1')['error'] ?? null);
        $this->assertNotContains('new-store', array_column(LedgerFactory::open()->storeActivity(), 'store_id'));

        $outcome = $page->handle('POST', $this->form([Options::AUTO_REGISTER_STORES => 'Y']), true);
        $this->assertSame([], $outcome->errors);
        $this->assertTrue($outcome->saved);
        $this->assertSame('Y', Option::$values[Module::ID][Options::AUTO_REGISTER_STORES]);
        $this->assertTrue(Options::autoRegisterStores());
        $this->assertStringContainsString('name="auto_register_stores" value="Y" checked>', $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome()));

        // On: the factory's ledger takes the write and registers the store with it.
        $this->assertSame('success', $this->applyForStore('new-store', 'e-2')['status']);
        $this->assertContains('new-store', array_column(LedgerFactory::open()->storeActivity(), 'store_id'));

        // An unticked checkbox posts only its hidden N: off again.
        $form = $this->form([]);
        $form[Options::AUTO_REGISTER_STORES] = 'N';
        $this->assertTrue($page->handle('POST', $form, true)->saved);
        $this->assertFalse(Options::autoRegisterStores());
        $this->assertSame('unknown_store', $this->applyForStore('another-store', 'e-3')['error'] ?? null);
        $this->assertSame('success', $this->applyForStore('new-store', 'e-4')['status'], 'a registered store stays registered');
    }

    public function testAnyIanaZoneIsSaved(): void
    {
        $page = new SettingsPage('W');
        foreach (['Europe/Berlin', 'Europe/Minsk', 'America/New_York', '+05:00'] as $zone) {
            $outcome = $page->handle('POST', $this->form([Options::TIMEZONE => $zone]), true);
            $this->assertSame([], $outcome->errors, $zone);
            $this->assertSame($zone, Options::timezone());
        }
    }

    public function testTheRegionIsCheckedByTheExtensionAndReachesTheLedger(): void
    {
        $page = new SettingsPage('W');
        foreach (['XX', 'RUS', '7', 'Беларусь', ''] as $region) {
            $outcome = $page->handle('POST', $this->form([Options::DEFAULT_REGION => $region]), true);
            $this->assertFalse($outcome->saved, $region);
            $this->assertSame([Options::DEFAULT_REGION], array_keys($outcome->errors), $region);
            $this->assertSame(
                'Поле «Страна телефонных номеров»: «' . $region . '» — не код страны с нумерацией телефонов. Нужны две латинские буквы по ISO 3166, например RU, BY или KZ.',
                $outcome->errors[Options::DEFAULT_REGION],
            );
        }
        $this->assertSame('RU', Options::defaultRegion(), 'nothing saved');

        $outcome = $page->handle('POST', $this->form([Options::DEFAULT_REGION => 'by']), true);
        $this->assertSame([], $outcome->errors);
        $this->assertTrue($outcome->saved);
        $this->assertSame('BY', Options::get(Options::DEFAULT_REGION), 'stored in upper case');

        // The module's ledger now reads numbers without a country code as Belarusian ones.
        $this->assertSame('BY', LedgerFactory::settings()->string('default_region'));
        $ledger = LedgerFactory::open();
        $this->assertSame('375291234567', $ledger->linkPhone(5, '8 029 123-45-67'));
        $this->assertSame(5, $ledger->findUserByPhone('80291234567'));
        $this->assertStringContainsString('value="BY"', $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome()));
    }

    public function testSaveButtonsWithoutAnActionMeanSave(): void
    {
        $page = new SettingsPage('W');
        $this->assertSame(Outcome::SAVE, $page->handle('POST', $this->form([]) + ['Apply' => 'Y'], true)->action);
        $this->assertSame('', $page->handle('POST', ['something' => 'else'], true)->action, 'other POSTs (e.g. the rights tab alone) are not ours');
        $this->assertSame('', $page->handle('GET', ['Update' => 'Y'], true)->action);
    }

    public function testEveryFieldIsRenderedOnItsTab(): void
    {
        $page = new SettingsPage('W');
        $tabs = [];
        foreach (OptionFields::all() as $name => $field) {
            $tabs[$field['tab']][] = $name;
            $this->assertNotSame('', $field['label'], "$name has a label");
            $this->assertNotSame('', $field['hint'], "$name has a hint");
        }
        $this->assertSame([OptionFields::TAB_STORAGE, OptionFields::TAB_MONITORING, OptionFields::TAB_SHOP], array_keys($tabs));
        $this->assertEqualsCanonicalizing(array_keys(Options::defaults()), array_merge(...array_values($tabs)), 'every option is editable');
        foreach ($tabs as $tab => $names) {
            $html = $page->renderOptionsTab($tab, new Outcome());
            foreach ($names as $name) {
                $this->assertStringContainsString('name="' . $name . '"', $html);
            }
        }
        $storage = $page->renderOptionsTab(OptionFields::TAB_STORAGE, new Outcome());
        $this->assertStringContainsString(htmlspecialchars($this->dir . '/cashback.db'), $storage, 'the path in use is shown');
        $this->assertStringContainsString('<option value="Europe/Moscow">', $storage);
    }

    /** An accrual naming $store, as 1C writes it through the API (a central-base key, no store of its own). */
    private function applyForStore(string $store, string $externalId): array
    {
        return LedgerFactory::open()->apply(
            ['external_id' => $externalId, 'type' => 'accrual', 'amount' => 10, 'user_id' => 7, 'store_id' => $store],
            ['endpoint' => 'transactions', 'client' => 'x'],
        );
    }

    /** A complete, valid settings form with $changes applied (as the Save button posts it). */
    private function form(array $changes): array
    {
        $form = OptionFields::current();
        $form[Options::DATABASE_PATH] = $this->dir . '/cashback.db';
        return ['Update' => 'Y'] + $changes + $form;
    }
}
