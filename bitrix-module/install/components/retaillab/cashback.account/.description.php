<?php

if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

$arComponentDescription = [
    'NAME' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_DESC_NAME'),
    'DESCRIPTION' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_DESC_DESCRIPTION'),
    'SORT' => 10,
    'CACHE_PATH' => 'N',
    'PATH' => [
        'ID' => 'retaillab',
        'NAME' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_DESC_VENDOR'),
        'CHILD' => [
            'ID' => 'cashback',
            'NAME' => GetMessage('RETAILLAB_CASHBACK_ACCOUNT_DESC_SECTION'),
        ],
    ],
];
