<?php

declare(strict_types=1);

// Test bootstrap for the Bitrix module. The Bitrix core cannot run here, so
// the few core classes the module touches are imitated by minimal test doubles
// (tests/bitrix/doubles/*.php, one file per area); everything else — the
// extension, the shared API code, the module's own classes — is real.

if (!extension_loaded('cashback')) {
    fwrite(STDERR, "Load the extension: php -d extension=target/release/libcashback.so /usr/bin/phpunit -c tests/bitrix/phpunit.xml\n");
    exit(1);
}

define('CASHBACK_REPO', dirname(__DIR__, 2));
define('CASHBACK_MODULE_DIR', CASHBACK_REPO . '/bitrix-module');
$_SERVER['DOCUMENT_ROOT'] = sys_get_temp_dir() . '/cashback-bitrix-docroot-' . getmypid();
@mkdir($_SERVER['DOCUMENT_ROOT'], 0700, true);
register_shutdown_function(static function (): void {
    // Tests copy files into the document root; leave nothing behind.
    $root = $_SERVER['DOCUMENT_ROOT'];
    if (is_dir($root)) {
        $items = new RecursiveIteratorIterator(
            new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS),
            RecursiveIteratorIterator::CHILD_FIRST,
        );
        foreach ($items as $item) {
            $item->isDir() && !$item->isLink() ? rmdir($item->getPathname()) : unlink($item->getPathname());
        }
        rmdir($root);
    }
});
define('B_PROLOG_INCLUDED', true);
define('LANGUAGE_ID', getenv('CASHBACK_TEST_LANG') ?: 'ru');

require __DIR__ . '/support/module.php';
require __DIR__ . '/support/RunsTheInstaller.php';
