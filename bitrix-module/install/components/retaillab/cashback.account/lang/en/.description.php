<?php
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_NAME'] = 'Cashback: balance and history';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_DESCRIPTION'] = 'The current user\'s cashback balance and the history of accruals and spending in stores and online';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_VENDOR'] = 'Retaillab';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_DESC_SECTION'] = 'Cashback';
