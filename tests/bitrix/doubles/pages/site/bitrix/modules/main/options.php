<?php

// Stub of /bitrix/modules/main/options.php, the main module's settings, where settings.php
// falls back when the requested module is not offered.
echo '<div id="main-module-settings">Настройки главного модуля</div>';
