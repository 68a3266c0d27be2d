<?php
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_NAME'] = 'Cashback: a store sends no data';
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_DESCRIPTION'] = "#STORE_ID# — store code\n#STORE_NAME# — store name\n#LAST_SEEN# — time of the store's last request (or \"never\")\n#HOURS# — silence threshold, hours\n#EMAIL_TO# — who gets the notification";
$MESS['RETAILLAB_CASHBACK_MAIL_SUBJECT'] = '#SITE_NAME#: store #STORE_NAME# (#STORE_ID#) sends no cashback data';
$MESS['RETAILLAB_CASHBACK_MAIL_MESSAGE'] = "Store #STORE_NAME# (#STORE_ID#) has sent no cashback data for more than #HOURS# h.\nLast request: #LAST_SEEN#.\n\nCheck the register, the connection and the store's 1C exchange queue. Sync log: https://#SERVER_NAME#/bitrix/admin/retaillab_cashback_log.php\n\nSent by the Cashback module (retaillab.cashback).";
