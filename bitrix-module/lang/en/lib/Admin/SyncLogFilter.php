<?php

$MESS['RETAILLAB_CASHBACK_FILTER_BAD_STORE'] = 'The store id is longer than 64 characters or contains control characters.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_STATUS'] = 'Unknown status.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_EXTERNAL_ID'] = 'The external_id is longer than 128 characters or contains control characters.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_FROM'] = 'The start of the period cannot be read.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_TO'] = 'The end of the period cannot be read.';
$MESS['RETAILLAB_CASHBACK_FILTER_EMPTY_RANGE'] = 'The period starts after it ends: no rows can match.';
