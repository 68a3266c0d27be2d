<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

use Bitrix\Main\Localization\Loc;
use Bitrix\Main\SiteTable;

/**
 * The "store is silent" mail event type (RETAILLAB_CASHBACK_STORE_SILENT) in
 * Russian and English, and one template per language. The Russian template
 * serves the sites in Russian (and the languages Bitrix falls back to Russian
 * from), the English one every other site; a template whose language no site
 * uses is still created, inactive and bound to all sites, for the admin to turn on.
 */
final class MailTemplates
{
    /** Site languages served by the Russian template (Bitrix's own fallbacks to ru). */
    private const RUSSIAN = ['ru', 'ua', 'kz', 'by'];

    public const LANGUAGES = ['ru', 'en'];

    public function install(): void
    {
        $sites = $this->sites();
        foreach (self::LANGUAGES as $language) {
            $messages = Loc::loadLanguageFile(__FILE__, $language);
            $type = \CEventType::GetList(['EVENT_NAME' => Manifest::MAIL_EVENT, 'LID' => $language]);
            if (!$type || !$type->Fetch()) {
                \CEventType::Add([
                    'LID' => $language,
                    'EVENT_NAME' => Manifest::MAIL_EVENT,
                    'NAME' => $messages['RETAILLAB_CASHBACK_MAIL_TYPE_NAME'] ?? Manifest::MAIL_EVENT,
                    'DESCRIPTION' => $messages['RETAILLAB_CASHBACK_MAIL_TYPE_DESCRIPTION'] ?? '',
                    'SORT' => 100,
                ]);
            }
        }

        if ($this->templateIds() !== []) {
            // Reinstalled over existing (possibly edited) templates: keep them.
            return;
        }
        foreach (self::LANGUAGES as $language) {
            $messages = Loc::loadLanguageFile(__FILE__, $language);
            $siteIds = array_keys(array_filter(
                $sites,
                static fn (string $siteLanguage) => in_array($siteLanguage, self::RUSSIAN, true) === ($language === 'ru'),
            ));
            $template = new \CEventMessage();
            $template->Add([
                'ACTIVE' => $siteIds !== [] ? 'Y' : 'N',
                'EVENT_NAME' => Manifest::MAIL_EVENT,
                'LID' => $siteIds !== [] ? $siteIds : array_keys($sites),
                'EMAIL_FROM' => '#DEFAULT_EMAIL_FROM#',
                'EMAIL_TO' => '#EMAIL_TO#',
                'SUBJECT' => $messages['RETAILLAB_CASHBACK_MAIL_SUBJECT'] ?? Manifest::MAIL_EVENT,
                'BODY_TYPE' => 'text',
                'MESSAGE' => $messages['RETAILLAB_CASHBACK_MAIL_MESSAGE'] ?? '',
            ]);
        }
    }

    public function uninstall(): void
    {
        foreach ($this->templateIds() as $id) {
            \CEventMessage::Delete($id);
        }
        \CEventType::Delete(Manifest::MAIL_EVENT);
    }

    /** @return list<int> */
    public function templateIds(): array
    {
        // Variables, not literals: older cores take $by and $order by reference.
        $by = 'id';
        $order = 'asc';
        $ids = [];
        $result = \CEventMessage::GetList($by, $order, ['TYPE_ID' => Manifest::MAIL_EVENT]);
        while ($result && ($row = $result->Fetch())) {
            $ids[] = (int) $row['ID'];
        }
        return $ids;
    }

    /** @return array<string, string> site id => language id */
    private function sites(): array
    {
        $sites = [];
        $result = SiteTable::getList(['select' => ['LID', 'LANGUAGE_ID'], 'order' => ['SORT' => 'ASC']]);
        while ($row = $result->fetch()) {
            $sites[(string) $row['LID']] = (string) $row['LANGUAGE_ID'];
        }
        return $sites;
    }
}
