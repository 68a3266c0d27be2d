<?php
$MESS['RETAILLAB_CASHBACK_OPTIONS_NOT_INSTALLED'] = 'Модуль «Кэшбэк» не установлен.';
$MESS['RETAILLAB_CASHBACK_OPTIONS_ACCESS_DENIED'] = 'Доступ к настройкам модуля «Кэшбэк» закрыт.';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_STORAGE'] = 'Хранилище';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_STORAGE_TITLE'] = 'База данных журнала и ограничения API';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_MONITORING'] = 'Контроль магазинов';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_MONITORING_TITLE'] = 'Молчащие магазины, уведомления и хранение журнала синхронизации';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_SHOP'] = 'Интернет-магазин';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_SHOP_TITLE'] = 'Начисление и списание кэшбэка в заказах';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_KEYS'] = 'Ключи API';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_KEYS_TITLE'] = 'Ключи доступа касс и центральной базы 1С';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_RIGHTS'] = 'Доступ';
$MESS['RETAILLAB_CASHBACK_OPTIONS_TAB_RIGHTS_TITLE'] = 'Уровень доступа к модулю';
$MESS['RETAILLAB_CASHBACK_OPTIONS_SAVE'] = 'Сохранить';
$MESS['RETAILLAB_CASHBACK_OPTIONS_APPLY'] = 'Применить';
