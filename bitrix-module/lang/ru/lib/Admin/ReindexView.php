<?php

$MESS['RETAILLAB_CASHBACK_REINDEX_INTRO'] = 'Перечитывает телефоны всех пользователей сайта и записывает их в индекс телефонов кэшбэка, по которому кассы находят покупателя. Выполняется по шагам; если прервать, продолжится с того же места.';
$MESS['RETAILLAB_CASHBACK_REINDEX_RUNNING'] = 'Идёт переиндексация телефонов…';
$MESS['RETAILLAB_CASHBACK_REINDEX_PAUSED'] = 'Переиндексация приостановлена';
$MESS['RETAILLAB_CASHBACK_REINDEX_DONE'] = 'Переиндексация завершена';
$MESS['RETAILLAB_CASHBACK_REINDEX_DONE_WITH_ERRORS'] = 'Переиндексация завершена с ошибками';
$MESS['RETAILLAB_CASHBACK_REINDEX_COUNTS'] = 'Обработано пользователей: #DONE# из #TOTAL# (успешно: #PROCESSED#, с ошибкой: #FAILED#).';
$MESS['RETAILLAB_CASHBACK_REINDEX_ERROR_ITEM'] = 'Пользователь #USER_ID#: #MESSAGE#';
$MESS['RETAILLAB_CASHBACK_REINDEX_MORE_ERRORS'] = '…и ещё ошибок: #COUNT#.';
$MESS['RETAILLAB_CASHBACK_REINDEX_START'] = 'Начать';
$MESS['RETAILLAB_CASHBACK_REINDEX_RESTART'] = 'Начать заново';
$MESS['RETAILLAB_CASHBACK_REINDEX_CONTINUE'] = 'Продолжить';
$MESS['RETAILLAB_CASHBACK_REINDEX_PAUSE'] = 'Приостановить';
$MESS['RETAILLAB_CASHBACK_REINDEX_RESET'] = 'Сбросить';
