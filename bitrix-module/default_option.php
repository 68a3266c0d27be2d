<?php

// Defaults of the module's options: Bitrix\Main\Config\Option::get('retaillab.cashback', $name)
// falls back to this array when an option was never saved. Values are strings, as Option stores them.
// Retaillab\Cashback\Options reads them with types and checks.

$retaillab_cashback_default_option = [
    // Where the ledger lives: sqlite (the file below), site (the site's own MariaDB/MySQL database, read
    // from Bitrix's default connection: nothing is typed twice), url (another MariaDB/MySQL database,
    // database_url and database_password). See README.md, "Where the ledger lives".
    'database_mode' => 'sqlite',
    // The ledger's SQLite file. A relative path is relative to DOCUMENT_ROOT; an empty value means
    // "the cashback.database ini setting". The default sits in /bitrix/php_interface, which stock
    // Bitrix nginx configs deny (location ~* ^/bitrix/(modules|...|php_interface)); the installer also
    // puts a deny-all .htaccess next to it for Apache. Production: an absolute path outside
    // DOCUMENT_ROOT, e.g. /var/lib/cashback/cashback.db (see README.md, "Where the ledger lives").
    'database_path' => 'bitrix/php_interface/retaillab.cashback/cashback.db',
    // Mode url: mysql://user@host:port/database (also mariadb://, ?socket=/path/mysqld.sock instead of
    // host:port, &table_prefix=), stored without the password, which is kept in database_password (the
    // settings page never shows it). The ledger's tables are prefixed local_cashback_ unless table_prefix says.
    'database_url' => '',
    'database_password' => '',
    // The ledger's own options below (timezone, default_region, max_batch, auto_register_stores) default
    // to what the extension says (CashbackLedger::defaults()); Bitrix reads this file even when the
    // extension is missing, so the values are written here and tests/bitrix/OptionsTest.php checks them
    // against the extension.
    // Zone of timestamps sent without an offset (1C sends local time): any IANA zone, UTC or +03:00.
    'timezone' => 'Europe/Moscow',
    // Country (ISO 3166 code) of phones written without a country code (8 900 …, 8 029 …).
    'default_region' => 'RU',
    // Largest batch accepted by POST transactions/batch.
    'max_batch' => '10000',
    // Largest request body (16 MiB); keep nginx client_max_body_size and PHP post_max_size at least this big.
    'max_body_bytes' => '16777216',
    // Y: a write through the API may name a store nobody registered, and registers it; N: such a write is
    // refused unknown_store, so a typo in a register's store_id cannot start a new store. Stores are
    // registered by creating a store's API key or by giving a store its own silence threshold.
    'auto_register_stores' => 'N',
    // A store that sent nothing for this many hours is reported as silent.
    'silence_hours' => '6',
    // Per-store thresholds, JSON {"store-1": 12, ...}; edited in the settings page as "store-1 = 12" lines.
    'store_silence_hours' => '{}',
    // Who gets the "store is silent" e-mail (comma-separated); empty: only the admin-panel notice.
    'notify_email' => '',
    // Sync-log rows older than this are pruned daily.
    'log_retention_days' => '90',
    // Online shop: cashback accrued on a paid order, percent of the order sum.
    'accrual_percent' => '5',
    // Online shop: orders below this sum (rubles) accrue nothing.
    'accrual_min_order' => '0',
    // Online shop: Y — delivery price does not accrue cashback.
    'accrual_exclude_delivery' => 'Y',
    // Online shop: at most this percent of an order may be paid with cashback.
    'redeem_max_percent' => '50',
    // Online shop: code of the order property holding the cashback the customer redeems.
    'redeem_property_code' => 'CASHBACK_REDEEM',
];
