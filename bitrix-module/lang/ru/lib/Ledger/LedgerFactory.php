<?php
$MESS['RETAILLAB_CASHBACK_LEDGER_NO_URL'] = 'Выбрана отдельная база MariaDB/MySQL, но её адрес не сохранён (Настройки модуля → Хранилище).';
