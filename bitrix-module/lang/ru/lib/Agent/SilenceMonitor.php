<?php

$MESS['RETAILLAB_CASHBACK_SILENCE_STICKER'] = 'Кэшбэк: магазин <b>#STORE#</b> не присылает запросы #HOURS# ч (порог #THRESHOLD# ч, последний запрос: #LAST_SEEN#). <a href="#URL#">Журнал синхронизации</a>';
$MESS['RETAILLAB_CASHBACK_SILENCE_NEVER_SEEN'] = 'запросов не было';
