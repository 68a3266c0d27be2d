<?php

// Copied to /bitrix/admin/ by the module installer; the page itself lives in
// the module folder, under /local/modules (preferred) or /bitrix/modules.
if (is_file($_SERVER['DOCUMENT_ROOT'] . '/local/modules/retaillab.cashback/admin/reindex.php')) {
    require $_SERVER['DOCUMENT_ROOT'] . '/local/modules/retaillab.cashback/admin/reindex.php';
} elseif (is_file($_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/retaillab.cashback/admin/reindex.php')) {
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/retaillab.cashback/admin/reindex.php';
} else {
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/admin/404.php';
}
