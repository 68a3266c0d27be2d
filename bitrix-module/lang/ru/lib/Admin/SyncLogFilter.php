<?php

$MESS['RETAILLAB_CASHBACK_FILTER_BAD_STORE'] = 'Код магазина длиннее 64 символов или содержит управляющие символы.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_STATUS'] = 'Неизвестный статус.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_EXTERNAL_ID'] = 'Внешний код (external_id) длиннее 128 символов или содержит управляющие символы.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_FROM'] = 'Не удалось прочитать начало периода.';
$MESS['RETAILLAB_CASHBACK_FILTER_BAD_TO'] = 'Не удалось прочитать конец периода.';
$MESS['RETAILLAB_CASHBACK_FILTER_EMPTY_RANGE'] = 'Начало периода позже его конца: записей не будет.';
