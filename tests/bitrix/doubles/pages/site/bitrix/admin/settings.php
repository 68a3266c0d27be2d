<?php

// Double of /bitrix/admin/settings.php: it only requires the main module's page, as the real one does.
require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/admin/settings.php';
