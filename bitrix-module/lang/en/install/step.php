<?php
$MESS['RETAILLAB_CASHBACK_STEP_INSTALLED'] = 'The Cashback module is installed.';
$MESS['RETAILLAB_CASHBACK_STEP_INSTALL_FAILED'] = 'The Cashback module was not installed';
$MESS['RETAILLAB_CASHBACK_STEP_BACK'] = 'Back to the list';
$MESS['RETAILLAB_CASHBACK_STEP_WARNINGS'] = 'The module is installed, but needs your attention:';
