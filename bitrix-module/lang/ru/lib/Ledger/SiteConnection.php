<?php
$MESS['RETAILLAB_CASHBACK_SITE_DB_NO_CONNECTION'] = 'Не удалось получить подключение сайта к базе данных (connections → default в /bitrix/.settings.php): #ERROR#.';
$MESS['RETAILLAB_CASHBACK_SITE_DB_NOT_MYSQL'] = 'Сайт работает с базой данных через #CLASS#, а журнал кэшбэка хранится только в MariaDB/MySQL (подключение Bitrix\\Main\\DB\\MysqliConnection). Выберите файл SQLite или укажите адрес отдельной базы MariaDB/MySQL.';
$MESS['RETAILLAB_CASHBACK_SITE_DB_INCOMPLETE'] = 'В подключении сайта к базе данных (connections → default в /bitrix/.settings.php) не указаны логин или имя базы данных.';
$MESS['RETAILLAB_CASHBACK_SITE_DB_BAD_HOST'] = 'Сервер базы данных сайта «#HOST#» (host в connections → default файла /bitrix/.settings.php) не удалось разобрать: нужно имя сервера или IP-адрес, при необходимости с портом через двоеточие (db.local:3307), либо localhost для подключения через сокет.';
