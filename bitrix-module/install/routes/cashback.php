<?php

// Routes of the retaillab.cashback module (the 1C cashback API under /local/api/cashback/v1/).
// Installed as /local/routes/cashback.php and listed in the routing config ('routing' => ['config' =>
// [..., 'cashback.php']]) by the module installer; removed on uninstall. The routes themselves live in
// the module (Retaillab\Cashback\Routes), so updating the module updates them.

use Bitrix\Main\Loader;
use Bitrix\Main\Routing\RoutingConfigurator;

return static function (RoutingConfigurator $routes): void {
    if (Loader::includeModule('retaillab.cashback')) {
        \Retaillab\Cashback\Routes::configure($routes);
    }
};
