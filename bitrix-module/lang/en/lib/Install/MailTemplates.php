<?php
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_NAME'] = 'Cashback: a store sends no data';
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_DESCRIPTION'] = "#STORE_ID# — store code\n#STORE_NAME# — store name\n#LAST_SEEN# — time of the store's last request (or \"never\")\n#HOURS# — silence threshold, hours\n#EMAIL_TO# — who gets the notification";
$MESS['RETAILLAB_CASHBACK_MAIL_SUBJECT'] = '#SITE_NAME#: store #STORE_NAME# (#STORE_ID#) sends no cashback data';
$MESS['RETAILLAB_CASHBACK_MAIL_MESSAGE'] = "Store #STORE_NAME# (#STORE_ID#) has sent no cashback data for more than #HOURS# h.\nLast request: #LAST_SEEN#.\n\nCheck the register, the connection and the store's 1C exchange queue. Sync log: https://#SERVER_NAME#/bitrix/admin/retaillab_cashback_log.php\n\nSent by the Cashback module (retaillab.cashback).";
$MESS['RETAILLAB_CASHBACK_MAIL_TYPE_FAILED'] = 'The mail event type #EVENT# (language #LANGUAGE#) was not created: #ERROR#. The module works, but the "store sends no data" e-mail is not sent until the type exists: add it under Settings → Product settings → Mail events → Mail event types, or reinstall the module keeping its data.';
$MESS['RETAILLAB_CASHBACK_MAIL_TEMPLATE_FAILED'] = 'The mail template of #EVENT# (language #LANGUAGE#) was not created: #ERROR#. The module works, but the "store sends no data" e-mail is not sent until there is a template: create it under Settings → Product settings → Mail events → Mail templates, or reinstall the module keeping its data.';
$MESS['RETAILLAB_CASHBACK_MAIL_DELETE_FAILED'] = 'The mail event #EVENT# or its template was not deleted: #ERROR#. Delete them by hand under Settings → Product settings → Mail events.';
$MESS['RETAILLAB_CASHBACK_MAIL_NO_REASON'] = 'the kernel gave no reason';
