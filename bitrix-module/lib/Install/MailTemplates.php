<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

use Bitrix\Main\Localization\Loc;
use Bitrix\Main\SiteTable;

Loc::loadMessages(__FILE__);

/**
 * The "store is silent" mail event type (RETAILLAB_CASHBACK_STORE_SILENT) in
 * Russian and English, and one template per language. The Russian template
 * serves the sites in Russian (and the languages Bitrix falls back to Russian
 * from), the English one every other site; a template whose language no site
 * uses is still created, inactive and bound to all sites, for the admin to turn on.
 *
 * The kernel's CEventType::Add() and CEventMessage::Add() return false when they
 * refuse (and leave a CAdminException in $APPLICATION, which the install result
 * page would otherwise read as a failed install): every refusal becomes a warning
 * with the kernel's reason, and the exception is taken away. CEventMessage::GetList()
 * matches the event name with LIKE (`_` matches any character), so the templates
 * found are kept only when their EVENT_NAME is exactly ours.
 */
final class MailTemplates
{
    public const LANGUAGES = ['ru', 'en'];

    /** @return list<string> localized warnings: what could not be created, and why */
    public function install(): array
    {
        $warnings = [];
        $sites = $this->sites();
        foreach (self::LANGUAGES as $language) {
            $messages = Loc::loadLanguageFile(__FILE__, $language);
            $type = \CEventType::GetList(['EVENT_NAME' => Manifest::MAIL_EVENT, 'LID' => $language]);
            if ($type && $type->Fetch()) {
                continue;
            }
            $id = \CEventType::Add([
                'LID' => $language,
                'EVENT_NAME' => Manifest::MAIL_EVENT,
                'NAME' => $messages['RETAILLAB_CASHBACK_MAIL_TYPE_NAME'] ?? Manifest::MAIL_EVENT,
                'DESCRIPTION' => $messages['RETAILLAB_CASHBACK_MAIL_TYPE_DESCRIPTION'] ?? '',
                'SORT' => 100,
            ]);
            if (!$id) {
                $warnings[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_MAIL_TYPE_FAILED', [
                    '#EVENT#' => Manifest::MAIL_EVENT,
                    '#LANGUAGE#' => $language,
                    '#ERROR#' => self::reason(Installer::takeApplicationError()),
                ]);
            }
        }

        if ($this->templateIds() !== []) {
            // Reinstalled over existing (possibly edited) templates: keep them.
            return $warnings;
        }
        foreach (self::LANGUAGES as $language) {
            $messages = Loc::loadLanguageFile(__FILE__, $language);
            $siteIds = array_keys(array_filter(
                $sites,
                // The core's own fallback decides: a site whose language falls back to ru gets the Russian one.
                static fn (string $siteLanguage) => (Loc::getDefaultLang($siteLanguage) === 'ru') === ($language === 'ru'),
            ));
            $template = new \CEventMessage();
            $id = $template->Add([
                'ACTIVE' => $siteIds !== [] ? 'Y' : 'N',
                'EVENT_NAME' => Manifest::MAIL_EVENT,
                'LID' => $siteIds !== [] ? $siteIds : array_keys($sites),
                'EMAIL_FROM' => '#DEFAULT_EMAIL_FROM#',
                'EMAIL_TO' => '#EMAIL_TO#',
                'SUBJECT' => $messages['RETAILLAB_CASHBACK_MAIL_SUBJECT'] ?? Manifest::MAIL_EVENT,
                'BODY_TYPE' => 'text',
                'MESSAGE' => $messages['RETAILLAB_CASHBACK_MAIL_MESSAGE'] ?? '',
            ]);
            if (!$id) {
                $error = Installer::takeApplicationError();
                $warnings[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_MAIL_TEMPLATE_FAILED', [
                    '#EVENT#' => Manifest::MAIL_EVENT,
                    '#LANGUAGE#' => $language,
                    '#ERROR#' => self::reason($error !== '' ? $error : (string) ($template->LAST_ERROR ?? '')),
                ]);
            }
        }
        return $warnings;
    }

    /** @return list<string> localized warnings: what could not be deleted */
    public function uninstall(): array
    {
        $warnings = [];
        foreach ($this->templateIds() as $id) {
            if (!\CEventMessage::Delete($id)) {
                $warnings[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_MAIL_DELETE_FAILED', [
                    '#EVENT#' => Manifest::MAIL_EVENT,
                    '#ERROR#' => self::reason(Installer::takeApplicationError()),
                ]);
            }
        }
        if (!\CEventType::Delete(Manifest::MAIL_EVENT)) {
            $warnings[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_MAIL_DELETE_FAILED', [
                '#EVENT#' => Manifest::MAIL_EVENT,
                '#ERROR#' => self::reason(Installer::takeApplicationError()),
            ]);
        }
        return $warnings;
    }

    /** @return list<int> the templates of exactly our event */
    public function templateIds(): array
    {
        // Variables, not literals: older cores take $by and $order by reference.
        $by = 'id';
        $order = 'asc';
        $ids = [];
        $result = \CEventMessage::GetList($by, $order, ['TYPE_ID' => Manifest::MAIL_EVENT]);
        while ($result && ($row = $result->Fetch())) {
            if ((string) ($row['EVENT_NAME'] ?? '') === Manifest::MAIL_EVENT) {
                $ids[] = (int) $row['ID'];
            }
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

    private static function reason(string $error): string
    {
        return $error !== '' ? $error : (string) Loc::getMessage('RETAILLAB_CASHBACK_MAIL_NO_REASON');
    }
}
