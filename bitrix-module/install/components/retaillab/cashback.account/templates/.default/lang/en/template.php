<?php
$MESS['RETAILLAB_CASHBACK_TPL_BALANCE'] = 'Cashback balance';
$MESS['RETAILLAB_CASHBACK_TPL_UPDATED'] = 'Updated';
$MESS['RETAILLAB_CASHBACK_TPL_NEGATIVE_NOTE'] = 'The balance is negative: cashback from a cancelled purchase had already been spent. New cashback will cover it first.';
$MESS['RETAILLAB_CASHBACK_TPL_HISTORY'] = 'History';
$MESS['RETAILLAB_CASHBACK_TPL_EMPTY'] = 'No operations yet. Cashback is earned on purchases in our stores and online.';
$MESS['RETAILLAB_CASHBACK_TPL_PAGE_EMPTY'] = 'No earlier operations.';
$MESS['RETAILLAB_CASHBACK_TPL_NAV'] = 'History pages';
$MESS['RETAILLAB_CASHBACK_TPL_FIRST'] = '← Latest operations';
$MESS['RETAILLAB_CASHBACK_TPL_NEXT'] = 'Earlier operations →';
$MESS['RETAILLAB_CASHBACK_TPL_ERROR_AUTH'] = 'Sign in to see your cashback.';
$MESS['RETAILLAB_CASHBACK_TPL_ERROR_MODULE'] = 'The cashback module is not installed.';
$MESS['RETAILLAB_CASHBACK_TPL_ERROR_UNAVAILABLE'] = 'Your cashback balance is unavailable right now. Please reload the page in a minute.';
