<?php
$MESS['RETAILLAB_CASHBACK_MODULE_NAME'] = 'Cashback: one ledger for 1C:Retail and the online shop';
$MESS['RETAILLAB_CASHBACK_MODULE_DESCRIPTION'] = 'One cashback ledger for 1C:Retail registers and the online shop: the 1C API (/local/api/cashback/v1/), accrual and redemption on orders, the sync log, silent-store monitoring. Requires the cashback PHP extension.';
$MESS['RETAILLAB_CASHBACK_PARTNER_NAME'] = 'Retaillab';
$MESS['RETAILLAB_CASHBACK_PARTNER_URI'] = 'https://retaillab.example';
$MESS['RETAILLAB_CASHBACK_INSTALL_TITLE'] = 'Installing the Cashback module';
$MESS['RETAILLAB_CASHBACK_UNINSTALL_TITLE'] = 'Uninstalling the Cashback module';
$MESS['RETAILLAB_CASHBACK_RIGHT_D'] = 'access denied';
$MESS['RETAILLAB_CASHBACK_RIGHT_R'] = 'view the sync log';
$MESS['RETAILLAB_CASHBACK_RIGHT_W'] = 'manage API keys and settings';
