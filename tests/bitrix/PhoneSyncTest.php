<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\UserPhoneAuthTable;
use Bitrix\Main\UserTable;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Customer\BitrixUserPhoneSource;
use Retaillab\Cashback\Customer\PhoneSync;
use Retaillab\Cashback\Customer\UserPhone;
use Retaillab\Cashback\Event\Log;
use Retaillab\Cashback\Event\Services;
use Retaillab\Cashback\Event\UserHandler;
use Retaillab\Cashback\Ledger\LedgerFactory;

/**
 * The phone index against the real extension: Bitrix user tables are doubles
 * seeded per test, the ledger is a temporary database.
 */
final class PhoneSyncTest extends TestCase
{
    private string $dir;
    private \CashbackLedger $ledger;
    /** @var list<string> */
    private array $log = [];

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-phonesync-' . bin2hex(random_bytes(6));
        mkdir($this->dir, 0700, true);
        Option::set('retaillab.cashback', 'database_path', $this->dir . '/cashback.db');
        $this->ledger = LedgerFactory::create(); // the installed site's ledger
        UserTable::reset();
        UserPhoneAuthTable::reset();
        Log::capture(function (string $message): void {
            $this->log[] = $message;
        });
        $ledger = $this->ledger;
        Services::override('phoneSync', static fn () => new PhoneSync($ledger, new BitrixUserPhoneSource()));
    }

    protected function tearDown(): void
    {
        Services::reset();
        Log::capture(null);
        Option::delete('retaillab.cashback', ['name' => 'database_path']);
        Option::delete('retaillab.cashback', ['name' => 'default_region']);
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }

    private function sync(): PhoneSync
    {
        return new PhoneSync($this->ledger, new BitrixUserPhoneSource());
    }

    /** @return array<string, bool> normalized phone => verified */
    private function indexOf(int $userId): array
    {
        $out = [];
        foreach ($this->ledger->userPhones($userId) as $row) {
            $out[$row['phone']] = $row['verified'];
        }
        ksort($out);
        return $out;
    }

    private function seedUser(int $id, array $fields, ?array $phoneAuth = null): void
    {
        UserTable::$rows[$id] = $fields + ['ID' => $id, 'PERSONAL_PHONE' => '', 'PERSONAL_MOBILE' => ''];
        if ($phoneAuth !== null) {
            UserPhoneAuthTable::$rows[$id] = ['USER_ID' => $id] + $phoneAuth;
        } else {
            unset(UserPhoneAuthTable::$rows[$id]);
        }
    }

    public function testForeignNumbersWithTheirCountryCodeAreIndexed(): void
    {
        // The ledger reads bare digits as a number of its own region: a Belarusian number must
        // reach it with its +, or the whole user would be refused.
        $this->seedUser(7, ['PERSONAL_PHONE' => '+375 29 123-45-67', 'PERSONAL_MOBILE' => '8 900 123-45-67'],
            ['PHONE_NUMBER' => '+77011234567', 'CONFIRMED' => 'Y']);

        $result = $this->sync()->sync(7);

        $this->assertSame([], $result->skipped);
        $this->assertSame(['77011234567' => true, '79001234567' => false, '375291234567' => false], $this->indexOf(7));
        $this->assertSame(7, $this->ledger->findUserByPhone('+375291234567'));
    }

    public function testNumbersAreReadInTheModulesRegion(): void
    {
        Option::set('retaillab.cashback', 'default_region', 'BY');
        $this->seedUser(7, ['PERSONAL_PHONE' => '8 029 123-45-67', 'PERSONAL_MOBILE' => '+7 900 123-45-67']);

        $result = PhoneSync::create()->sync(7);

        $this->assertSame([], $result->skipped);
        $this->assertSame(['79001234567' => false, '375291234567' => false], $this->indexOf(7));

        // The same number in a Russian ledger is no number (+7 029 … does not exist): skipped, logged.
        Option::set('retaillab.cashback', 'default_region', 'RU');
        $result = PhoneSync::create()->sync(7);
        $this->assertSame(['invalid_phone'], array_column($result->skipped, 'error'));
        $this->assertSame(['79001234567' => false], $this->indexOf(7));
    }

    public function testUpdateWithOnlyChangedFieldsReReadsEverySource(): void
    {
        $this->seedUser(7, [
            'PERSONAL_PHONE' => '8 (900) 111-22-33',
            'PERSONAL_MOBILE' => '+7 900 222-33-44',
            'UF_PHONE_VERIFIED' => '89003334455',
        ], ['PHONE_NUMBER' => '+79004445566', 'CONFIRMED' => 'Y']);

        // OnAfterUserUpdate carries only what was submitted: here just the name.
        $fields = ['ID' => '7', 'NAME' => 'Ivan', 'RESULT' => true];
        UserHandler::onAfterUserUpdate($fields);

        self::assertSame([
            '79001112233' => false,
            '79002223344' => false,
            '79003334455' => true,
            '79004445566' => true,
        ], $this->indexOf(7));

        // The user was read by ID, with every phone field, not from $fields.
        $query = UserTable::$queries[0];
        self::assertSame(['=ID' => 7], $query['filter']);
        self::assertContains('PERSONAL_PHONE', $query['select']);
        self::assertContains('PERSONAL_MOBILE', $query['select']);
        self::assertContains('UF_*', $query['select']);
        self::assertSame(['=USER_ID' => 7], UserPhoneAuthTable::$queries[0]['filter']);

        // A later update of one field: the index is rebuilt as a whole, the
        // old mobile leaves it, the untouched numbers stay.
        UserTable::$rows[7]['PERSONAL_MOBILE'] = '8-900-999-88-77';
        $fields = ['ID' => 7, 'PERSONAL_MOBILE' => '8-900-999-88-77', 'RESULT' => true];
        UserHandler::onAfterUserUpdate($fields);

        self::assertSame([
            '79001112233' => false,
            '79003334455' => true,
            '79004445566' => true,
            '79009998877' => false,
        ], $this->indexOf(7));
        self::assertSame([], $this->log);
    }

    public function testConfirmedPhoneAuthWinsOverTheSameUnverifiedNumber(): void
    {
        $this->seedUser(7, ['PERSONAL_PHONE' => '8 900 123-45-67', 'PERSONAL_MOBILE' => '+7 (900) 123-45-67'],
            ['PHONE_NUMBER' => '+79001234567', 'CONFIRMED' => 'Y']);
        // Another customer typed the same number into their profile.
        $this->seedUser(8, ['PERSONAL_PHONE' => '89001234567']);

        $result = $this->sync()->sync(7);
        $this->sync()->syncUser(8);

        self::assertSame([['phone' => '79001234567', 'verified' => true]], $result->phones);
        self::assertSame(['79001234567' => true], $this->indexOf(7));
        self::assertSame(['79001234567' => false], $this->indexOf(8));
        // A register looking the number up finds the verified owner, not "ambiguous".
        self::assertSame(7, $this->ledger->findUserByPhone('8 (900) 123-45-67'));
    }

    public function testUnconfirmedPhoneAuthIsAnUnverifiedPhone(): void
    {
        $this->seedUser(7, ['PERSONAL_PHONE' => '89001234567'], ['PHONE_NUMBER' => '+79001234567', 'CONFIRMED' => 'N']);

        $this->sync()->syncUser(7);

        self::assertSame(['79001234567' => false], $this->indexOf(7));
    }

    public function testVerifiedUserFieldMayBeMultipleAndTextFieldsMayListSeveralNumbers(): void
    {
        $this->seedUser(7, [
            'PERSONAL_PHONE' => '8 900 111-22-33, 8 900 222-33-44',
            'UF_PHONE_VERIFIED' => ['+7 900 333-44-55', '', '8 900 111 22 33'],
        ]);

        $this->sync()->syncUser(7);

        self::assertSame([
            '79001112233' => true,
            '79002223344' => false,
            '79003334455' => true,
        ], $this->indexOf(7));
    }

    public function testInvalidPhoneIsSkippedAndLoggedNotFatal(): void
    {
        $this->seedUser(7, [
            'PERSONAL_PHONE' => 'не указан',
            'PERSONAL_MOBILE' => '8 900 123-45-67',
            'UF_PHONE_VERIFIED' => '12',
        ]);

        $result = $this->sync()->sync(7);

        self::assertTrue($result->userFound);
        self::assertSame(['79001234567' => false], $this->indexOf(7));
        self::assertCount(2, $result->skipped);
        self::assertSame([UserPhone::VERIFIED_FIELD, UserPhone::PERSONAL_PHONE], array_column($result->skipped, 'origin'));
        self::assertCount(2, $this->log);
        self::assertStringContainsString('user 7: PERSONAL_PHONE', $this->log[1]);
        self::assertStringContainsString('invalid_phone', $this->log[1]);
        // Numbers are masked in the log.
        self::assertStringNotContainsString('не указан', implode("\n", $this->log));
    }

    public function testUserWithoutPhonesOrWithoutTheUserFieldGetsAnEmptyIndex(): void
    {
        $this->seedUser(7, ['PERSONAL_PHONE' => '89001234567']);
        $this->sync()->syncUser(7);
        self::assertSame(['79001234567' => false], $this->indexOf(7));

        // The phone was removed from the profile; the site has no UF_PHONE_VERIFIED at all.
        UserTable::$rows[7]['PERSONAL_PHONE'] = '';
        $this->sync()->syncUser(7);

        self::assertSame([], $this->indexOf(7));
    }

    public function testDeleteUnlinksAndTheNumberNoLongerFindsTheUser(): void
    {
        $this->seedUser(7, ['PERSONAL_PHONE' => '89001234567'], ['PHONE_NUMBER' => '+79007654321', 'CONFIRMED' => 'Y']);
        $this->sync()->syncUser(7);
        self::assertCount(2, $this->indexOf(7));

        UserHandler::onUserDelete('7');

        self::assertSame([], $this->indexOf(7));
        try {
            $this->ledger->findUserByPhone('89001234567');
            self::fail('the phone still finds a deleted user');
        } catch (\CashbackException $e) {
            self::assertSame('user_not_found', $e->getErrorCode());
        }
    }

    public function testSyncOfAUserWhoIsGoneUnlinksThem(): void
    {
        // The reindex page syncs by ID; a user deleted meanwhile leaves the index.
        $this->ledger->linkPhone(9, '89001234567', true);

        $result = $this->sync()->sync(9);

        self::assertFalse($result->userFound);
        self::assertSame(1, $result->unlinked);
        self::assertSame([], $this->indexOf(9));
    }

    public function testNonPositiveUserIdIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->sync()->syncUser(0);
    }
}
