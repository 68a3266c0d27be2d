<?php

// Double of /bitrix/modules/main/include/prolog_admin_before.php (bitrix-core-business, stored
// at 0621762) with main/include.php and main/start.php (0d02fd9, main 23.300.100): what an admin
// page can rely on once it is included.
// - NEED_AUTH and ADMIN_SECTION (outside public mode) are defined; main/include.php then
//   defines B_PROLOG_INCLUDED, the language (LANGUAGE_ID, LANG: the admin language, from
//   ?lang= when given) and LANG_CHARSET, and sends "Content-type: text/html; charset=…".
// - main/start.php (0d02fd9) calls FormDecode() of main/tools.php (stored at 03e3b57): every entry of $_ENV,
//   $_GET, $_POST, $_COOKIE and $_SERVER (superglobal names excluded; a later source wins,
//   so POST over GET and SERVER over all) becomes a global variable unless isset() finds a
//   global of that name already. That is how $Update,
//   $REQUEST_METHOD or $GROUPS reach code written for register_globals, group_rights.php
//   among it.
// The user is an authorized administrator; the page's access level is $APPLICATION->rights.

if (!defined('BX_ROOT')) {
    define('BX_ROOT', '/bitrix');
}
if (!defined('NEED_AUTH')) {
    define('NEED_AUTH', true);
}
if (!defined('ADMIN_SECTION')) {
    define('ADMIN_SECTION', true);
}
if (!defined('B_PROLOG_INCLUDED')) {
    define('B_PROLOG_INCLUDED', true);
}
if (!defined('LANGUAGE_ID')) {
    define('LANGUAGE_ID', is_string($_REQUEST['lang'] ?? null) && preg_match('/^[a-z]{2}$/', $_REQUEST['lang']) === 1 ? $_REQUEST['lang'] : 'ru');
}
if (!defined('LANG')) {
    define('LANG', LANGUAGE_ID);
}
if (!defined('LANG_CHARSET')) {
    define('LANG_CHARSET', 'UTF-8');
}

(static function (): void {
    $superglobals = ['_GET', '_SESSION', '_POST', '_COOKIE', '_REQUEST', '_FILES', '_SERVER', 'GLOBALS', '_ENV'];
    $values = [];
    foreach ([$_ENV, $_GET, $_POST, $_COOKIE, $_SERVER] as $source) {
        foreach ($source as $name => $value) {
            if (!in_array($name, $superglobals, true)) {
                $values[$name] = $value;
            }
        }
    }
    foreach ($values as $name => $value) {
        if (!isset($GLOBALS[$name])) {
            $GLOBALS[$name] = $value;
        }
    }
})();

if (!headers_sent()) {
    header('Content-Type: text/html; charset=' . LANG_CHARSET);
}
