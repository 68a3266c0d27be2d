<?php

$MESS['RETAILLAB_CASHBACK_LOG_TITLE'] = 'Cashback: synchronization log';
$MESS['RETAILLAB_CASHBACK_LOG_NO_MODULE'] = 'The cashback module (retaillab.cashback) is not installed.';
$MESS['RETAILLAB_CASHBACK_LOG_ACCESS_DENIED'] = 'You are not allowed to view the cashback synchronization log.';
$MESS['RETAILLAB_CASHBACK_LOG_LEDGER_FAILED'] = 'The cashback database cannot be read.';
$MESS['RETAILLAB_CASHBACK_LOG_FILTER_IGNORED'] = 'Some filter conditions were not applied:';
$MESS['RETAILLAB_CASHBACK_LOG_THRESHOLDS_REFUSED'] = 'Silence thresholds from the module settings were refused for these stores:';
$MESS['RETAILLAB_CASHBACK_LOG_EXPORT'] = 'Export to CSV';
$MESS['RETAILLAB_CASHBACK_LOG_EXPORT_FAILED'] = 'The export stopped on an error:';
