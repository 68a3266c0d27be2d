<?php

$MESS['RETAILLAB_CASHBACK_CSV_TRUNCATED'] = 'The export stops at #ROWS# rows; narrow the filter to get the rest.';
