<?php

$MESS['RETAILLAB_CASHBACK_CSV_TRUNCATED'] = 'Выгрузка ограничена #ROWS# строками; сузьте фильтр, чтобы получить остальные.';
