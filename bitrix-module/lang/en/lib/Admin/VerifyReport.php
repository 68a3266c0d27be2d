<?php

$MESS['RETAILLAB_CASHBACK_VERIFY_BUTTON'] = 'Verify ledger';
$MESS['RETAILLAB_CASHBACK_VERIFY_OK'] = 'The cashback ledger is consistent';
$MESS['RETAILLAB_CASHBACK_VERIFY_FAILED'] = 'Ledger verification found problems: #COUNT#';
$MESS['RETAILLAB_CASHBACK_VERIFY_ERROR'] = 'The ledger could not be verified';
$MESS['RETAILLAB_CASHBACK_VERIFY_DENIED'] = 'Verifying the ledger needs the "write" right in the cashback module.';
$MESS['RETAILLAB_CASHBACK_VERIFY_STALE_FORM'] = 'The form has expired (session timed out). Nothing was verified; press the button again.';
$MESS['RETAILLAB_CASHBACK_VERIFY_COUNTS'] = 'Accounts: #ACCOUNTS#, entries: #ENTRIES#.';
$MESS['RETAILLAB_CASHBACK_VERIFY_USER'] = 'user #ID#';
$MESS['RETAILLAB_CASHBACK_VERIFY_ENTRY'] = 'entry #ID#';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_BALANCE_MISMATCH'] = 'Balance differs from the sum of entries';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_OVERDRAFT'] = 'A debit took the balance below zero';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_BAD_ORIGINAL'] = 'Wrong reference to the original operation';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_EXCEEDS_ORIGINAL'] = 'More released or reversed than the original';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_STORAGE'] = 'Database file damaged';
