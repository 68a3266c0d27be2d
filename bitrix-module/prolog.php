<?php

// Included first by the module's admin pages (admin/*.php): names the module for the admin
// interface (the "Settings" button of the page, rights checks).

if (!defined('ADMIN_MODULE_NAME')) {
    define('ADMIN_MODULE_NAME', 'retaillab.cashback');
}
