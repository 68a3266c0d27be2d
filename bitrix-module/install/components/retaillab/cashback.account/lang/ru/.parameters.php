<?php
$MESS['RETAILLAB_CASHBACK_ACCOUNT_PARAM_ORDER_URL_TEMPLATE'] = 'Страница заказа (#ID# — номер заказа)';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_PARAM_PAGE_SIZE'] = 'Операций на странице (1–100)';
$MESS['RETAILLAB_CASHBACK_ACCOUNT_PARAM_CURSOR_PARAM'] = 'GET-параметр страницы истории';
