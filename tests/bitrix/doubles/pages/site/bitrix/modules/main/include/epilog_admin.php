<?php

// Double of /bitrix/modules/main/include/epilog_admin.php (0d02fd9): closes the admin
// page (the real one prints the footer through interface/epilog_main_admin.php and runs
// the end-of-hit actions). The marker tells a test the page got to its end.

echo '</div><div id="adm-footer" data-epilog="1"></div></body></html>';
