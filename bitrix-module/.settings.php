<?php

// Module configuration read by the Bitrix kernel. The controllers' namespace makes the API
// controller reachable as retaillab:cashback.Api.* through /bitrix/services/main/ajax.php too; it
// is protected there the same way (X-API-Key required, verified by the ledger). The 1C API itself
// is served by the routes (/local/routes/cashback.php) or the urlrewrite fallback.

return [
    'controllers' => [
        'value' => [
            'defaultNamespace' => '\\Retaillab\\Cashback\\Controller',
        ],
        'readonly' => true,
    ],
];
