<?php
$MESS['RETAILLAB_CASHBACK_TPL_BALANCE'] = 'Баланс кэшбэка';
$MESS['RETAILLAB_CASHBACK_TPL_UPDATED'] = 'Обновлён';
$MESS['RETAILLAB_CASHBACK_TPL_NEGATIVE_NOTE'] = 'Баланс отрицательный: начисление по отменённой покупке уже было потрачено. Новые начисления сначала погасят долг.';
$MESS['RETAILLAB_CASHBACK_TPL_HISTORY'] = 'История операций';
$MESS['RETAILLAB_CASHBACK_TPL_EMPTY'] = 'Операций пока нет. Кэшбэк начисляется за покупки в магазинах и на сайте.';
$MESS['RETAILLAB_CASHBACK_TPL_PAGE_EMPTY'] = 'Более ранних операций нет.';
$MESS['RETAILLAB_CASHBACK_TPL_NAV'] = 'Страницы истории';
$MESS['RETAILLAB_CASHBACK_TPL_FIRST'] = '← К последним операциям';
$MESS['RETAILLAB_CASHBACK_TPL_NEXT'] = 'Более ранние операции →';
$MESS['RETAILLAB_CASHBACK_TPL_ERROR_AUTH'] = 'Войдите на сайт, чтобы увидеть свой кэшбэк.';
$MESS['RETAILLAB_CASHBACK_TPL_ERROR_MODULE'] = 'Модуль кэшбэка не установлен.';
$MESS['RETAILLAB_CASHBACK_TPL_ERROR_UNAVAILABLE'] = 'Баланс кэшбэка сейчас недоступен. Попробуйте обновить страницу через минуту.';
