<?php

declare(strict_types=1);

namespace Retaillab\Cashback;

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * The module works on UTF-8 installations only. Its language files, the API's
 * JSON and what 1C sends are UTF-8; on an installation not in UTF-8 mode
 * (Application::isUtfMode() false: no 'utf_mode' => true in .settings.php) the
 * admin pages and mail texts would mix encodings and Bitrix's own JSON encoder
 * would convert UTF-8 text as if it were in SITE_CHARSET. The installer refuses
 * such a site with problem()'s message.
 */
final class Charset
{
    /**
     * Null when the installation can run the module, else why not (for the admin).
     *
     * @param bool|null $utfMode Application::isUtfMode() when null.
     * @param string|null $siteCharset The charset named in the message; SITE_CHARSET when null.
     */
    public static function problem(?bool $utfMode = null, ?string $siteCharset = null): ?string
    {
        $utfMode ??= (bool) Application::isUtfMode();
        if ($utfMode) {
            return null;
        }
        $siteCharset ??= defined('SITE_CHARSET') ? (string) SITE_CHARSET : '';
        return (string) Loc::getMessage('RETAILLAB_CASHBACK_CHARSET_NOT_UTF8', ['#CHARSET#' => $siteCharset !== '' ? $siteCharset : '?']);
    }
}
