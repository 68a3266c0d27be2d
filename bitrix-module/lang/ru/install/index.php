<?php
$MESS['RETAILLAB_CASHBACK_MODULE_NAME'] = 'Кэшбэк: общий счёт 1С:Розницы и интернет-магазина';
$MESS['RETAILLAB_CASHBACK_MODULE_DESCRIPTION'] = 'Единый журнал кэшбэка для касс 1С:Розницы и интернет-магазина: API для 1С (/local/api/cashback/v1/), начисление и списание в заказах, журнал синхронизации, контроль молчащих магазинов. Требует PHP-расширение cashback.';
$MESS['RETAILLAB_CASHBACK_PARTNER_NAME'] = 'Retaillab';
$MESS['RETAILLAB_CASHBACK_PARTNER_URI'] = 'https://retaillab.example';
$MESS['RETAILLAB_CASHBACK_INSTALL_TITLE'] = 'Установка модуля «Кэшбэк»';
$MESS['RETAILLAB_CASHBACK_UNINSTALL_TITLE'] = 'Удаление модуля «Кэшбэк»';
$MESS['RETAILLAB_CASHBACK_RIGHT_D'] = 'доступ закрыт';
$MESS['RETAILLAB_CASHBACK_RIGHT_R'] = 'просмотр журнала синхронизации';
$MESS['RETAILLAB_CASHBACK_RIGHT_W'] = 'управление ключами API и настройками';
