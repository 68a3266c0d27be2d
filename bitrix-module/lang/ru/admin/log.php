<?php

$MESS['RETAILLAB_CASHBACK_LOG_TITLE'] = 'Кэшбэк: журнал синхронизации';
$MESS['RETAILLAB_CASHBACK_LOG_NO_MODULE'] = 'Модуль кэшбэка (retaillab.cashback) не установлен.';
$MESS['RETAILLAB_CASHBACK_LOG_ACCESS_DENIED'] = 'Недостаточно прав для просмотра журнала синхронизации кэшбэка.';
$MESS['RETAILLAB_CASHBACK_LOG_LEDGER_FAILED'] = 'Не удалось прочитать базу кэшбэка.';
$MESS['RETAILLAB_CASHBACK_LOG_FILTER_IGNORED'] = 'Часть условий фильтра не применена:';
$MESS['RETAILLAB_CASHBACK_LOG_THRESHOLDS_REFUSED'] = 'Пороги молчания из настроек модуля не приняты для магазинов:';
$MESS['RETAILLAB_CASHBACK_LOG_EXPORT'] = 'Выгрузить в CSV';
$MESS['RETAILLAB_CASHBACK_LOG_EXPORT_FAILED'] = 'Выгрузка прервана из-за ошибки:';
