<?php
$MESS['RETAILLAB_CASHBACK_CHARSET_NOT_UTF8'] = 'The module works only on a UTF-8 site, and this site uses #CHARSET#. Convert the site to UTF-8 (the utf_mode setting in /bitrix/.settings.php) and install the module again.';
