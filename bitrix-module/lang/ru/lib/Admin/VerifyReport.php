<?php

$MESS['RETAILLAB_CASHBACK_VERIFY_BUTTON'] = 'Проверить реестр';
$MESS['RETAILLAB_CASHBACK_VERIFY_OK'] = 'Реестр кэшбэка в порядке';
$MESS['RETAILLAB_CASHBACK_VERIFY_FAILED'] = 'Проверка реестра нашла нарушения: #COUNT#';
$MESS['RETAILLAB_CASHBACK_VERIFY_ERROR'] = 'Проверку реестра не удалось выполнить';
$MESS['RETAILLAB_CASHBACK_VERIFY_DENIED'] = 'Для проверки реестра нужно право «запись» в модуле кэшбэка.';
$MESS['RETAILLAB_CASHBACK_VERIFY_STALE_FORM'] = 'Форма устарела (истекла сессия). Проверка не выполнена, нажмите кнопку ещё раз.';
$MESS['RETAILLAB_CASHBACK_VERIFY_COUNTS'] = 'Счетов: #ACCOUNTS#, проводок: #ENTRIES#.';
$MESS['RETAILLAB_CASHBACK_VERIFY_USER'] = 'пользователь #ID#';
$MESS['RETAILLAB_CASHBACK_VERIFY_ENTRY'] = 'проводка #ID#';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_BALANCE_MISMATCH'] = 'Баланс не равен сумме проводок';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_OVERDRAFT'] = 'Списание увело баланс в минус';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_BAD_ORIGINAL'] = 'Неверная ссылка на исходную операцию';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_EXCEEDS_ORIGINAL'] = 'Возвращено или сторнировано больше исходной операции';
$MESS['RETAILLAB_CASHBACK_VERIFY_CHECK_STORAGE'] = 'Повреждение файла базы данных';
