<?php
$MESS['RETAILLAB_CASHBACK_UNSTEP_WARNING'] = 'Warning: the Cashback module will be uninstalled.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_WARNING_DETAILS'] = 'The 1C API stops answering; event handlers, agents, mail templates and routes are removed.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SAVE_DATA_HINT'] = 'The cashback ledger (balances, transactions, API keys, the sync log) lives in its own database: a SQLite file or tables in MariaDB/MySQL. Keep it and a reinstalled module carries on with the same data, and user groups get their module access rights back.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SAVE_DATA'] = 'Keep the cashback ledger data, the module settings and the groups\' access rights';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SUBMIT'] = 'Uninstall';
$MESS['RETAILLAB_CASHBACK_UNSTEP_DONE'] = 'The Cashback module is uninstalled.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_FAILED'] = 'The Cashback module was uninstalled with errors';
$MESS['RETAILLAB_CASHBACK_UNSTEP_BACK'] = 'Back to the list';
$MESS['RETAILLAB_CASHBACK_UNSTEP_MYSQL_KEPT'] = 'The ledger lives in MariaDB/MySQL (#LOCATION#). Its tables #PREFIX#* are not dropped whatever you choose: unticked, only the module settings are deleted. Drop tables you do not need by hand, after a backup.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SITE_DATABASE'] = 'the site\'s database';
$MESS['RETAILLAB_CASHBACK_UNSTEP_WARNINGS'] = 'The module is uninstalled, but needs your attention:';
