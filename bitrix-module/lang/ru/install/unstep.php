<?php
$MESS['RETAILLAB_CASHBACK_UNSTEP_WARNING'] = 'Внимание! Модуль «Кэшбэк» будет удалён.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_WARNING_DETAILS'] = 'API для 1С перестанет отвечать, обработчики событий, агенты, почтовые шаблоны и маршруты будут удалены.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SAVE_DATA_HINT'] = 'Журнал кэшбэка (балансы, операции, ключи API, журнал синхронизации) хранится в своей базе данных: в файле SQLite или в таблицах MariaDB/MySQL. Если его сохранить, после повторной установки всё продолжит работать с теми же данными, а группы пользователей получат прежние права доступа к модулю.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SAVE_DATA'] = 'Сохранить данные журнала кэшбэка, настройки модуля и права доступа групп';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SUBMIT'] = 'Удалить модуль';
$MESS['RETAILLAB_CASHBACK_UNSTEP_DONE'] = 'Модуль «Кэшбэк» удалён.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_FAILED'] = 'Модуль «Кэшбэк» удалён с ошибками';
$MESS['RETAILLAB_CASHBACK_UNSTEP_BACK'] = 'Вернуться в список';
$MESS['RETAILLAB_CASHBACK_UNSTEP_MYSQL_KEPT'] = 'Журнал хранится в MariaDB/MySQL (#LOCATION#). Его таблицы #PREFIX#* не удаляются ни при каком выборе: без галочки удаляются только настройки модуля. Ненужные таблицы удалите вручную, сделав резервную копию.';
$MESS['RETAILLAB_CASHBACK_UNSTEP_SITE_DATABASE'] = 'база данных сайта';
$MESS['RETAILLAB_CASHBACK_UNSTEP_WARNINGS'] = 'Модуль удалён, но требует внимания:';
