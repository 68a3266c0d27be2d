<?php

declare(strict_types=1);

use Bitrix\Main\ArgumentNullException;
use Bitrix\Main\Config\Configuration;
use Bitrix\Main\Config\Option;
use Bitrix\Main\DB\SqlQueryException;
use Bitrix\Main\HttpResponse;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\SiteTable;
use Bitrix\Main\Web\HttpHeaders;
use PHPUnit\Framework\TestCase;

/**
 * The kernel doubles behave as the real classes do where the module depends on
 * it (doubles/Main.php names the core files and the version each one follows):
 * a double laxer than the core would let a module bug pass.
 */
final class KernelDoublesTest extends TestCase
{
    protected function setUp(): void
    {
        ModuleManager::reset();
        \CAgent::reset();
        \CMain::reset();
        \CEventType::reset();
        \CEventMessage::reset();
        SiteTable::reset();
        Option::$values = [];
        $GLOBALS['APPLICATION'] = new \CMain();
    }

    protected function tearDown(): void
    {
        ModuleManager::reset();
        \CAgent::reset();
        \CMain::reset();
        \CEventType::reset();
        \CEventMessage::reset();
        Option::$values = [];
    }

    public function testRegisterModuleIsAPlainInsert(): void
    {
        ModuleManager::registerModule('vendor.module');
        $this->assertTrue(ModuleManager::isModuleInstalled('vendor.module'));
        $this->expectException(SqlQueryException::class);
        $this->expectExceptionMessage('Duplicate entry');
        ModuleManager::registerModule('vendor.module');
    }

    public function testUnRegisterModuleDropsAgentsAndCommonGroupRightsButNotOptions(): void
    {
        ModuleManager::registerModule('vendor.module');
        \CAgent::AddAgent('\Vendor\Agent::run();', 'vendor.module');
        \CAgent::AddAgent('\Other\Agent::run();', 'other.module');
        \CMain::SetGroupRight('vendor.module', 5, 'R');
        \CMain::SetGroupRight('vendor.module', 6, 'W', 's1');
        \CMain::SetGroupRight('other.module', 5, 'W');
        Option::set('vendor.module', 'setting', 'kept');

        ModuleManager::unRegisterModule('vendor.module');

        $this->assertFalse(ModuleManager::isModuleInstalled('vendor.module'));
        $this->assertSame(['\Other\Agent::run();'], array_column(array_values(\CAgent::$agents), 'name'));
        $this->assertSame(
            [['vendor.module', 6, 'W', 's1'], ['other.module', 5, 'W', null]],
            array_map(static fn (array $r) => [$r['MODULE_ID'], $r['GROUP_ID'], $r['G_ACCESS'], $r['SITE_ID']], \CMain::$groupRights),
            'per-site rights and other modules stay',
        );
        $this->assertSame('kept', Option::get('vendor.module', 'setting'));
    }

    public function testGroupRightsAreUpdatedInPlaceAndListedPerSite(): void
    {
        \CMain::SetGroupRight('vendor.module', 5, 'R');
        \CMain::SetGroupRight('vendor.module', 5, 'W');
        \CMain::SetGroupRight('vendor.module', 5, 'R', 's1');
        $this->assertCount(2, \CMain::$groupRights);

        $common = \CMain::GetGroupRightList(['MODULE_ID' => 'vendor.module', 'NOT_A_FIELD' => 'x']);
        $this->assertSame('W', $common->Fetch()['G_ACCESS']);
        $this->assertFalse($common->Fetch());
        $this->assertSame('R', \CMain::GetGroupRightList(['MODULE_ID' => 'vendor.module'], 's1')->Fetch()['G_ACCESS']);

        // Called on the object, as admin pages do.
        $GLOBALS['APPLICATION']->DelGroupRight('vendor.module', [5]);
        $this->assertCount(1, \CMain::$groupRights, 'only the common row of group 5');
    }

    public function testAgentsAreKnownByNameAndUserWhateverTheModule(): void
    {
        $id = \CAgent::AddAgent('\Vendor\Agent::run();', 'vendor.module', 'N', 60);
        $this->assertIsInt($id);

        $this->assertSame($id, \CAgent::AddAgent('\Vendor\Agent::run();', 'other.module', 'N', 60, '', 'Y', '', 100, false, false), 'existError false: the existing ID');
        $this->assertFalse(\CAgent::AddAgent('\Vendor\Agent::run();', 'other.module'), 'existError true: refused');
        $this->assertStringContainsString('already exists', $GLOBALS['APPLICATION']->GetException()->GetString());
        $this->assertIsInt(\CAgent::AddAgent('\Vendor\Agent::run();', 'vendor.module', 'N', 60, '', 'Y', '', 100, 7), 'another user: another agent');
        $this->assertFalse(\CAgent::AddAgent('x;', 'vendor.module'), 'a name of 2 characters');
        $this->assertCount(2, \CAgent::$agents);

        \CAgent::RemoveAgent('\Vendor\Agent::run();', 'other.module');
        $this->assertCount(2, \CAgent::$agents, 'another module: nothing removed');
        \CAgent::RemoveAgent('\Vendor\Agent::run();', 'vendor.module');
        $this->assertSame([7], array_column(array_values(\CAgent::$agents), 'user_id'), 'the system agent only');
    }

    public function testEventTypeAddRefusesAndGetListIsExact(): void
    {
        $this->assertIsInt(\CEventType::Add(['LID' => 'ru', 'EVENT_NAME' => 'VENDOR_EVENT', 'NAME' => 'n']));
        $this->assertFalse(\CEventType::Add(['LID' => 'ru', 'EVENT_NAME' => 'VENDOR_EVENT']), 'the same language and name');
        $this->assertInstanceOf(\CAdminException::class, $GLOBALS['APPLICATION']->GetException());
        $this->assertFalse(\CEventType::Add(['LID' => 'ru', 'EVENT_NAME' => '']));
        $this->assertIsInt(\CEventType::Add(['SITE_ID' => 'en', 'EVENT_NAME' => 'VENDOR_EVENT']), 'LID from SITE_ID');
        $this->assertSame('email', \CEventType::$types[2]['EVENT_TYPE']);

        $this->assertFalse(\CEventType::GetList(['EVENT_NAME' => 'VENDOR%'])->Fetch(), 'no LIKE');
        $this->assertFalse(\CEventType::GetList(['EVENT_NAME' => 'vendor_event'])->Fetch(), 'exact');
        $this->assertSame('en', \CEventType::GetList(['TYPE_ID' => 'VENDOR_EVENT', 'LID' => 'en', 'NAME' => 'ignored'])->Fetch()['LID']);
    }

    public function testEventMessageAddChecksItsFieldsAndGetListMatchesWithLike(): void
    {
        $template = new \CEventMessage();
        $fields = ['EVENT_NAME' => 'VENDOR_EVENT', 'LID' => ['s1'], 'EMAIL_FROM' => 'a@b.c', 'EMAIL_TO' => 'd@e.f', 'ACTIVE' => 'yes'];
        $this->assertFalse($template->Add($fields), 'no event type of that name');
        $this->assertStringContainsString('no event type', $template->LAST_ERROR);

        \CEventType::Add(['LID' => 'en', 'EVENT_NAME' => 'VENDOR_EVENT']);
        $this->assertFalse($template->Add(['LID' => []] + $fields), 'no site');
        $this->assertFalse($template->Add(['LID' => ['s9']] + $fields), 'not a site');
        $this->assertFalse($template->Add(['EMAIL_TO' => 'x'] + $fields));
        $id = $template->Add($fields);
        $this->assertIsInt($id);
        $this->assertSame('N', \CEventMessage::$messages[$id]['ACTIVE']);

        \CEventType::Add(['LID' => 'en', 'EVENT_NAME' => 'VENDOR-EVENT']);
        $twin = $template->Add(['EVENT_NAME' => 'VENDOR-EVENT'] + $fields);
        $ids = static function (array $filter, string $order = 'asc'): array {
            $by = 'id';
            $result = \CEventMessage::GetList($by, $order, $filter);
            $ids = [];
            while ($row = $result->Fetch()) {
                $ids[] = $row['ID'];
            }
            return $ids;
        };
        $this->assertSame([$id, $twin], $ids(['TYPE_ID' => 'VENDOR_EVENT']), '_ is a wildcard');
        $this->assertSame([$id, $twin], $ids(['EVENT_NAME' => 'vendor_event']), 'case-insensitive');
        $this->assertSame([], $ids(['EVENT_NAME' => 'VENDOR']));
        $this->assertSame([$id, $twin], $ids(['EVENT_NAME' => 'VENDOR', 'EVENT_NAME_EXACT_MATCH' => 'N']));
        $this->assertSame([$twin], $ids(['EVENT_NAME' => 'VENDOR-EVENT', 'SITE_ID' => 's1', 'ACTIVE' => 'N', 'SUBJECT' => '']));
        $this->assertSame([], $ids(['SITE_ID' => 's1', 'ACTIVE' => 'Y']));
        $this->assertSame([$twin, $id], $ids(['TYPE_ID' => 'VENDOR_EVENT'], 'desc'), 'descending unless asc');
    }

    public function testHeadersAreValidatedAsInTheCore(): void
    {
        $headers = new HttpHeaders(['X-Api-Key' => 'a']);
        $headers->add('x-api-key', ['b', 3]);
        $this->assertSame(['a', 'b', '3'], $headers->get('X-API-KEY', true));
        $this->assertSame(['X-Api-Key' => ['a', 'b', '3']], iterator_to_array($headers));
        $headers->set('X-Api-Key', 'c');
        $this->assertSame('c', $headers->get('x-api-key'));
        $this->assertTrue($headers->has('X-API-KEY'));

        foreach (['', 'Bad Name', "X-A\nB", 'X:Y', 'Ключ'] as $name) {
            try {
                $headers->add($name, 'v');
                $this->fail('accepted the name ' . json_encode($name));
            } catch (\InvalidArgumentException) {
                $this->addToAssertionCount(1);
            }
        }
        foreach (["a\r\nSet-Cookie: x=1", "a\nb", "a\0b"] as $value) {
            try {
                $headers->add('X-Ok', $value);
                $this->fail('accepted the value ' . json_encode($value));
            } catch (\InvalidArgumentException) {
                $this->addToAssertionCount(1);
            }
        }
        $headers->add('X-Ok', "tab\tand space, ünïcode bytes");

        $response = new HttpResponse();
        $response->setStatus('503 Service Unavailable');
        $this->assertSame(503, $response->getStatus());
        $this->assertSame('Service Unavailable', $response->getHeaders()->getReasonPhrase());
        $this->expectException(ArgumentNullException::class);
        $response->addHeader('', 'x');
    }

    public function testIncludeAdminFileEndsTheRequest(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'cashback-page-');
        file_put_contents($file, '<?php echo "page of ", get_class($APPLICATION);');
        $after = false;
        try {
            $GLOBALS['APPLICATION']->IncludeAdminFile('Title', $file);
            $after = true;
        } catch (\BitrixDieDouble) {
        } finally {
            unlink($file);
        }
        $this->assertFalse($after, 'nothing after IncludeAdminFile() runs');
        $this->assertSame('Title', $GLOBALS['APPLICATION']->GetTitle());
        $this->assertSame('page of CMain', $GLOBALS['APPLICATION']->adminFiles[0]['html'], 'the globals are in scope');
    }

    public function testSaveConfigurationChecksNothing(): void
    {
        $previous = $_SERVER['DOCUMENT_ROOT'];
        $root = sys_get_temp_dir() . '/cashback-config-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($root . '/bitrix/.settings.php', 0700, true);
        $_SERVER['DOCUMENT_ROOT'] = $root;
        try {
            Configuration::reset();
            $configuration = Configuration::getInstance();
            $configuration->add('x', 1);
            $this->assertNull($configuration->saveConfiguration(), 'a failed write: no result, no exception, no warning');
            $this->assertDirectoryExists($root . '/bitrix/.settings.php');
            $this->assertSame(1, $configuration->get('x'), 'the object believes it');
        } finally {
            $_SERVER['DOCUMENT_ROOT'] = $previous;
            Configuration::reset();
            rmdir($root . '/bitrix/.settings.php');
            rmdir($root . '/bitrix');
            rmdir($root);
        }
    }
}
