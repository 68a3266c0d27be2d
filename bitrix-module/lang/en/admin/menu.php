<?php
$MESS['RETAILLAB_CASHBACK_MENU'] = 'Cashback';
$MESS['RETAILLAB_CASHBACK_MENU_TITLE'] = 'Cashback shared by 1C:Retail and the online shop';
$MESS['RETAILLAB_CASHBACK_MENU_LOG'] = 'Sync log';
$MESS['RETAILLAB_CASHBACK_MENU_LOG_TITLE'] = 'Requests of registers and 1C, silent stores';
$MESS['RETAILLAB_CASHBACK_MENU_REINDEX'] = 'Phone reindex';
$MESS['RETAILLAB_CASHBACK_MENU_REINDEX_TITLE'] = 'Link customers\' phones to their accounts again';
$MESS['RETAILLAB_CASHBACK_MENU_SETTINGS'] = 'Settings and API keys';
$MESS['RETAILLAB_CASHBACK_MENU_SETTINGS_TITLE'] = 'Module settings, API keys for 1C, access rights';
