<?php
$MESS['RETAILLAB_CASHBACK_MENU'] = 'Кэшбэк';
$MESS['RETAILLAB_CASHBACK_MENU_TITLE'] = 'Общий кэшбэк 1С:Розницы и интернет-магазина';
$MESS['RETAILLAB_CASHBACK_MENU_LOG'] = 'Журнал синхронизации';
$MESS['RETAILLAB_CASHBACK_MENU_LOG_TITLE'] = 'Запросы касс и 1С, молчащие магазины';
$MESS['RETAILLAB_CASHBACK_MENU_REINDEX'] = 'Переиндексация телефонов';
$MESS['RETAILLAB_CASHBACK_MENU_REINDEX_TITLE'] = 'Заново связать телефоны покупателей с их учётными записями';
$MESS['RETAILLAB_CASHBACK_MENU_SETTINGS'] = 'Настройки и ключи API';
$MESS['RETAILLAB_CASHBACK_MENU_SETTINGS_TITLE'] = 'Настройки модуля, ключи API для 1С, права доступа';
