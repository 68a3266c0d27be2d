<?php
$MESS['RETAILLAB_CASHBACK_STEP_INSTALLED'] = 'Модуль «Кэшбэк» установлен.';
$MESS['RETAILLAB_CASHBACK_STEP_INSTALL_FAILED'] = 'Модуль «Кэшбэк» не установлен';
$MESS['RETAILLAB_CASHBACK_STEP_BACK'] = 'Вернуться в список';
$MESS['RETAILLAB_CASHBACK_STEP_WARNINGS'] = 'Модуль установлен, но требует внимания:';
