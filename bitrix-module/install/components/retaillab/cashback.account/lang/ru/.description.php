<?php
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_NAME'] = 'Кэшбэк: баланс и история';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_DESCRIPTION'] = 'Баланс кэшбэка текущего пользователя и история начислений и списаний в магазинах и на сайте';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_VENDOR'] = 'Retaillab';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_SECTION'] = 'Кэшбэк';
