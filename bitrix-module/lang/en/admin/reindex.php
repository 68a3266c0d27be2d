<?php

$MESS['RETAILLAB_CASHBACK_REINDEX_TITLE'] = 'Cashback: phone reindex';
$MESS['RETAILLAB_CASHBACK_REINDEX_NO_MODULE'] = 'The cashback module (retaillab.cashback) is not installed.';
$MESS['RETAILLAB_CASHBACK_REINDEX_ACCESS_DENIED'] = 'Reindexing phones needs the "write" right in the cashback module.';
$MESS['RETAILLAB_CASHBACK_REINDEX_STALE_FORM'] = 'The form has expired (session timed out). Nothing was done; please try again.';
$MESS['RETAILLAB_CASHBACK_REINDEX_STEP_FAILED'] = 'The reindex step stopped. Users not yet processed are still pending: press "Continue" once the cause is fixed.';
