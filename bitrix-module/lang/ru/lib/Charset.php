<?php
$MESS['RETAILLAB_CASHBACK_CHARSET_NOT_UTF8'] = 'Модуль работает только на сайте в кодировке UTF-8, а этот сайт в кодировке #CHARSET#. Переведите сайт на UTF-8 (параметр utf_mode в /bitrix/.settings.php) и установите модуль снова.';
