<?php

// The module's admin prolog, required by its admin pages (admin/*.php) right after the core's
// prolog_admin_before.php, as the core's own modules do (sale, perfmon: require
// .../modules/<module>/prolog.php after prolog_admin_before.php).
//
// It names the module for the admin interface: the header printed by prolog_admin_after.php
// points its "Settings" button at /bitrix/admin/settings.php?mid=ADMIN_MODULE_NAME (the main
// module's settings when undefined) and picks the help section by it. Real modules' prolog.php
// also load a lang file when they print something of their own (sale's ADMIN_MODULE_ICON,
// perfmon's helpers); this one prints nothing, so it has no lang file.

if (!defined('ADMIN_MODULE_NAME')) {
    define('ADMIN_MODULE_NAME', 'retaillab.cashback');
}
