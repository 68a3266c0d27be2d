<?php
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_NAME'] = 'Кэшбэк: магазин не передаёт данные';
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_DESCRIPTION'] = "#STORE_ID# — код магазина\n#STORE_NAME# — название магазина\n#LAST_SEEN# — время последнего запроса от магазина (или «никогда»)\n#HOURS# — порог молчания, часов\n#EMAIL_TO# — получатели уведомления";
$MESS['RETAILLAB_CASHBACK_MAIL_SUBJECT'] = '#SITE_NAME#: магазин #STORE_NAME# (#STORE_ID#) не передаёт данные кэшбэка';
$MESS['RETAILLAB_CASHBACK_MAIL_MESSAGE'] = "Магазин #STORE_NAME# (#STORE_ID#) не передавал данные кэшбэка дольше #HOURS# ч.\nПоследний запрос: #LAST_SEEN#.\n\nПроверьте кассу, связь и очередь обмена 1С в магазине. Журнал синхронизации: https://#SERVER_NAME#/bitrix/admin/retaillab_cashback_log.php\n\nПисьмо отправлено модулем «Кэшбэк» (retaillab.cashback).";
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_FAILED'] = 'Почтовое событие #EVENT# (язык #LANGUAGE#) не создано: #ERROR#. Модуль работает, но письмо «магазин не передаёт данные» не будет отправляться, пока тип события не создан: добавьте его в «Настройки → Настройки продукта → Почтовые события → Типы почтовых событий» или переустановите модуль с сохранением данных.';
$MESS['RETAILLAB_CASHBACK_MAIL_TEMPLATE_FAILED'] = 'Почтовый шаблон события #EVENT# (язык #LANGUAGE#) не создан: #ERROR#. Модуль работает, но письмо «магазин не передаёт данные» не будет отправляться, пока шаблона нет: создайте его в «Настройки → Настройки продукта → Почтовые события → Почтовые шаблоны» или переустановите модуль с сохранением данных.';
$MESS['RETAILLAB_CASHBACK_MAIL_DELETE_FAILED'] = 'Почтовое событие #EVENT# или его шаблон не удалены: #ERROR#. Удалите их вручную в «Настройки → Настройки продукта → Почтовые события».';
$MESS['RETAILLAB_CASHBACK_MAIL_NO_REASON'] = 'ядро не сообщило причину';
