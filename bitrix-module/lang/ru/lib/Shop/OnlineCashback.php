<?php
$MESS['RETAILLAB_CASHBACK_SHOP_ACCRUAL'] = 'Заказ №#ACCOUNT_NUMBER#';
$MESS['RETAILLAB_CASHBACK_SHOP_ACCRUAL_REVERSAL'] = 'Отмена начисления по заказу №#ACCOUNT_NUMBER#';
$MESS['RETAILLAB_CASHBACK_SHOP_REDEEM'] = 'Оплата заказа №#ACCOUNT_NUMBER# кэшбэком';
$MESS['RETAILLAB_CASHBACK_SHOP_REDEEM_RELEASE'] = 'Возврат кэшбэка по отменённому заказу №#ACCOUNT_NUMBER#';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_INSUFFICIENT'] = 'Кэшбэк не списан: недостаточно средств (на счёте #BALANCE# ₽, запрошено #REQUESTED# ₽). Скидка кэшбэком к заказу не применена.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_INVALID_REQUEST'] = 'Кэшбэк не списан: сумма к списанию указана неверно. Скидка кэшбэком к заказу не применена.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_CURRENCY'] = 'Кэшбэк не списан: кэшбэком можно оплатить только заказ в рублях. Скидка кэшбэком к заказу не применена.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_NOT_ALLOWED'] = 'Кэшбэк не списан: оплата кэшбэком для заказа недоступна. Скидка кэшбэком к заказу не применена.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_ERROR'] = 'Списание кэшбэка требует проверки (#CODE#).';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_RELEASED'] = 'Заказ восстановлен после отмены: кэшбэк, списанный по нему, уже возвращён покупателю и повторно не списан (#CODE#). Проверьте оплату заказа.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_CONFLICT'] = 'Сумма кэшбэка к списанию изменилась после списания; в силе первое списание (#CODE#). Проверьте заказ.';
