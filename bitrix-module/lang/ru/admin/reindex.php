<?php

$MESS['RETAILLAB_CASHBACK_REINDEX_TITLE'] = 'Кэшбэк: переиндексация телефонов';
$MESS['RETAILLAB_CASHBACK_REINDEX_NO_MODULE'] = 'Модуль кэшбэка (retaillab.cashback) не установлен.';
$MESS['RETAILLAB_CASHBACK_REINDEX_ACCESS_DENIED'] = 'Для переиндексации телефонов нужно право «запись» в модуле кэшбэка.';
$MESS['RETAILLAB_CASHBACK_REINDEX_STALE_FORM'] = 'Форма устарела (истекла сессия). Действие не выполнено, повторите его.';
$MESS['RETAILLAB_CASHBACK_REINDEX_STEP_FAILED'] = 'Шаг переиндексации прерван. Необработанные пользователи остались в очереди: нажмите «Продолжить», когда причина будет устранена.';
