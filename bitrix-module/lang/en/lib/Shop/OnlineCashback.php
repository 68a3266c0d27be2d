<?php
$MESS['RETAILLAB_CASHBACK_SHOP_ACCRUAL'] = 'Order No. #ACCOUNT_NUMBER#';
$MESS['RETAILLAB_CASHBACK_SHOP_ACCRUAL_REVERSAL'] = 'Order No. #ACCOUNT_NUMBER# cancelled: cashback withdrawn';
$MESS['RETAILLAB_CASHBACK_SHOP_REDEEM'] = 'Order No. #ACCOUNT_NUMBER# paid with cashback';
$MESS['RETAILLAB_CASHBACK_SHOP_REDEEM_RELEASE'] = 'Order No. #ACCOUNT_NUMBER# cancelled: cashback returned';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_INSUFFICIENT'] = 'Cashback not debited: insufficient balance (#BALANCE# ₽ available, #REQUESTED# ₽ requested). No cashback discount on this order.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_INVALID_REQUEST'] = 'Cashback not debited: the amount to spend is not a valid amount. No cashback discount on this order.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_CURRENCY'] = 'Cashback not debited: only orders in rubles can be paid with cashback. No cashback discount on this order.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_NOT_ALLOWED'] = 'Cashback not debited: paying with cashback is not available for this order. No cashback discount on this order.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_ERROR'] = 'Cashback redemption needs checking (#CODE#).';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_RELEASED'] = 'Order restored after cancellation: the cashback spent on it was already returned to the customer and is not debited again (#CODE#). Check the order\'s payment.';
$MESS['RETAILLAB_CASHBACK_SHOP_MARK_CONFLICT'] = 'The cashback amount to spend changed after it was debited; the first debit stands (#CODE#). Check the order.';
