<?php

declare(strict_types=1);

use Bitrix\Main\Config\Option;
use Bitrix\Main\UserPhoneAuthTable;
use Bitrix\Main\UserTable;
use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Customer\BitrixUserPhoneSource;
use Retaillab\Cashback\Customer\PhoneSync;
use Retaillab\Cashback\Event\Log;
use Retaillab\Cashback\Event\Services;
use Retaillab\Cashback\Event\UserHandler;
use Retaillab\Cashback\Ledger\LedgerFactory;

/** The user event handlers: they keep the index, never throw, ignore failed saves. */
final class UserHandlerTest extends TestCase
{
    private string $dir;
    private \CashbackLedger $ledger;
    /** @var list<string> */
    private array $log = [];

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/cashback-userhandler-' . bin2hex(random_bytes(6));
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
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }

    public function testSuccessfulAddIndexesTheNewUsersPhones(): void
    {
        UserTable::$rows[11] = ['ID' => 11, 'PERSONAL_PHONE' => '', 'PERSONAL_MOBILE' => '8 900 123-45-67'];
        $fields = ['ID' => 11, 'RESULT' => 11, 'LOGIN' => 'ivan', 'PERSONAL_MOBILE' => '8 900 123-45-67'];

        UserHandler::onAfterUserAdd($fields);

        self::assertSame([['phone' => '79001234567', 'verified' => false]], $this->ledger->userPhones(11));
        self::assertSame([], $this->log);
    }

    public function testFailedAddIsIgnored(): void
    {
        // CUser::Add failed: ID is missing/0, RESULT false, RESULT_MESSAGE says why.
        foreach ([
            ['ID' => 0, 'RESULT' => false, 'RESULT_MESSAGE' => 'Login already exists'],
            ['RESULT' => false, 'RESULT_MESSAGE' => 'Password too short'],
            ['ID' => '', 'LOGIN' => 'x'],
            ['ID' => -3],
        ] as $fields) {
            UserHandler::onAfterUserAdd($fields);
        }

        self::assertSame([], UserTable::$queries, 'a failed add must not even read users');
        self::assertSame([], $this->log);
    }

    public function testFailedUpdateIsIgnored(): void
    {
        UserTable::$rows[11] = ['ID' => 11, 'PERSONAL_PHONE' => '89001234567', 'PERSONAL_MOBILE' => ''];
        $fields = ['ID' => 11, 'PERSONAL_PHONE' => '89001234567', 'RESULT' => false, 'RESULT_MESSAGE' => 'Wrong e-mail'];

        UserHandler::onAfterUserUpdate($fields);

        self::assertSame([], UserTable::$queries);
        self::assertSame([], $this->ledger->userPhones(11));
    }

    public function testHandlersNeverThrowWhenTheLedgerIsUnavailable(): void
    {
        // A real extension failure: the database cannot be opened.
        Services::override('phoneSync', static fn () => new PhoneSync(
            new \CashbackLedger('/proc/no-such-dir/cashback.db'),
            new BitrixUserPhoneSource(),
        ));
        UserTable::$rows[11] = ['ID' => 11, 'PERSONAL_PHONE' => '89001234567', 'PERSONAL_MOBILE' => ''];

        $add = ['ID' => 11, 'RESULT' => 11];
        UserHandler::onAfterUserAdd($add);
        $update = ['ID' => 11, 'RESULT' => true];
        UserHandler::onAfterUserUpdate($update);
        $deleteResult = UserHandler::onUserDelete(11);

        // OnUserDelete returning false would veto the deletion.
        self::assertNotFalse($deleteResult);
        self::assertCount(3, $this->log);
        self::assertStringStartsWith('OnAfterUserAdd: phone index of user 11 not updated', $this->log[0]);
        self::assertStringStartsWith('OnAfterUserUpdate: phone index of user 11 not updated', $this->log[1]);
        self::assertStringStartsWith('OnUserDelete: phone index of user 11 not updated', $this->log[2]);
    }

    public function testHandlersNeverThrowOnAnyError(): void
    {
        Services::override('phoneSync', static function (): PhoneSync {
            throw new \Error('class not found, say');
        });

        $fields = ['ID' => 5, 'RESULT' => true];
        UserHandler::onAfterUserAdd($fields);
        UserHandler::onAfterUserUpdate($fields);
        UserHandler::onUserDelete(5);
        UserHandler::onUserDelete('not a number');

        self::assertCount(3, $this->log);
        self::assertStringContainsString('Error: class not found, say', $this->log[0]);
    }

    public function testHandlersWorkThroughTheModulesOwnWiring(): void
    {
        Services::reset(); // PhoneSync::create(): LedgerFactory::open() on Option database_path
        UserTable::$rows[12] = ['ID' => 12, 'PERSONAL_PHONE' => '+7 900 765-43-21', 'PERSONAL_MOBILE' => ''];
        $fields = ['ID' => 12, 'RESULT' => true];

        UserHandler::onAfterUserUpdate($fields);

        $check = new \CashbackLedger($this->dir . '/cashback.db');
        self::assertSame([['phone' => '79007654321', 'verified' => false]], $check->userPhones(12));
        self::assertSame([], $this->log);
    }
}
