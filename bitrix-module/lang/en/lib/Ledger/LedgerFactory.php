<?php
$MESS['RETAILLAB_CASHBACK_LEDGER_NO_URL'] = 'A separate MariaDB/MySQL database is chosen, but its URL is not saved (module settings → Storage).';
