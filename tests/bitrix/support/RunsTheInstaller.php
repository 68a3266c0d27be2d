<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Tests\Support;

use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;
use Retaillab\Cashback\Module;

/**
 * The module's install/uninstall steps as Bitrix runs them: each shows its page and
 * ends the request there (die in CMain::IncludeAdminFile, the double's BitrixDieDouble),
 * so a return value never reaches anyone. For test cases; needs install/index.php loaded.
 */
trait RunsTheInstaller
{
    /** @return bool what the result page reports: installed, without errors */
    private function install(): bool
    {
        try {
            (new \retaillab_cashback())->DoInstall();
        } catch (\BitrixDieDouble) {
            return \retaillab_cashback::$report !== null && \retaillab_cashback::$report->ok();
        }
        $this->fail('DoInstall() must end the request on its result page');
    }

    /** @param array<string, string> $post the uninstall form (step, savedata, sessid) */
    private function uninstall(array $post): void
    {
        Context::setRequest(new HttpRequest('POST', '/bitrix/admin/partner_modules.php', [], ['id' => Module::ID, 'uninstall' => 'Y'], $post));
        try {
            (new \retaillab_cashback())->DoUninstall();
        } catch (\BitrixDieDouble) {
            return;
        }
        $this->fail('DoUninstall() must end the request on its page');
    }
}
