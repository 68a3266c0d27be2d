<?php
$MESS['RETAILLAB_CASHBACK_SITE_DB_NO_CONNECTION'] = 'The site\'s database connection (connections → default in /bitrix/.settings.php) is not available: #ERROR#.';
$MESS['RETAILLAB_CASHBACK_SITE_DB_NOT_MYSQL'] = 'The site uses its database through #CLASS#, and the cashback ledger can live only in MariaDB/MySQL (the Bitrix\\Main\\DB\\MysqliConnection connection). Choose a SQLite file or the URL of a separate MariaDB/MySQL database.';
$MESS['RETAILLAB_CASHBACK_SITE_DB_INCOMPLETE'] = 'The site\'s database connection (connections → default in /bitrix/.settings.php) has no login or no database name.';
$MESS['RETAILLAB_CASHBACK_SITE_DB_BAD_HOST'] = 'The site\'s database server "#HOST#" (host in connections → default of /bitrix/.settings.php) cannot be read: a host name or IP address is needed, with a port after a colon if any (db.local:3307), or localhost for the local socket.';
