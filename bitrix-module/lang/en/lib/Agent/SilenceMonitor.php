<?php

$MESS['RETAILLAB_CASHBACK_SILENCE_STICKER'] = 'Cashback: store <b>#STORE#</b> has sent no requests for #HOURS# h (threshold #THRESHOLD# h, last request: #LAST_SEEN#). <a href="#URL#">Synchronization log</a>';
$MESS['RETAILLAB_CASHBACK_SILENCE_NEVER_SEEN'] = 'no requests yet';
