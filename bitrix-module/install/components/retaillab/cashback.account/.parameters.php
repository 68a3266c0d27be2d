<?php

if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

$arComponentParameters = [
    'GROUPS' => [],
    'PARAMETERS' => [
        'ORDER_URL_TEMPLATE' => [
            'PARENT' => 'BASE',
            'NAME' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_PARAM_ORDER_URL_TEMPLATE'),
            'TYPE' => 'STRING',
            'DEFAULT' => '/personal/orders/#ID#',
        ],
        'PAGE_SIZE' => [
            'PARENT' => 'BASE',
            'NAME' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_PARAM_PAGE_SIZE'),
            'TYPE' => 'STRING',
            'DEFAULT' => '20',
        ],
        'CURSOR_PARAM' => [
            'PARENT' => 'ADDITIONAL_SETTINGS',
            'NAME' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_PARAM_CURSOR_PARAM'),
            'TYPE' => 'STRING',
            'DEFAULT' => 'cashback_page',
        ],
        'SET_TITLE' => [],
    ],
];
