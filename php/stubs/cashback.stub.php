<?php

/**
 * IDE stubs for the `cashback` extension (Rust, ext-php-rs).
 *
 * Never include this file at run time: the extension defines these classes.
 * `make test` checks it against the loaded extension's reflection.
 *
 * Amounts are rubles as on the wire: a number or a decimal string with at
 * most 2 decimals; results carry floats whose shortest form is exact (1250.5).
 * Per-transaction outcomes are returned, not thrown: every result has
 * `status` = success | duplicate | error, and `error` holds the code.
 */

/**
 * Thrown when a call fails as a whole: a bad argument or a database fault.
 * Nothing was written, but for database_outcome_unknown (the connection to a
 * database server was lost at COMMIT: resend). getErrorCode() is stable: one of the codes with use
 * call_error in CashbackLedger::codes(), listed here (tests/stubs/vocabulary.php
 * checks the list against the extension).
 *
 * Error codes: invalid_phone, user_not_found, phone_ambiguous, invalid_argument,
 * invalid_user_id, invalid_option, invalid_path, invalid_log_entry, invalid_store,
 * invalid_days, invalid_hours, invalid_key_name, invalid_network, invalid_region,
 * not_found, batch_too_large, random_unavailable, database_busy, database_readonly,
 * database_full, database_corrupt, database_unavailable, database_error,
 * schema_too_new, database_outcome_unknown.
 */
class CashbackException extends \RuntimeException
{
    protected string $errorCode = '';

    /** The stable machine-readable code of the failure. */
    public function getErrorCode(): string {}
}

/**
 * The cashback ledger on one SQLite file, shared by 1C registers and the shop.
 */
final class CashbackLedger
{
    /**
     * Opens (creating and migrating if needed) the ledger database.
     *
     * @param string|null $database A SQLite file, or a MariaDB/MySQL database:
     *     `mysql://user:password@host:port/database` (also `mariadb://`; user and password
     *     percent-encoded; `?socket=/path/mysqld.sock` for a local socket, `table_prefix=`);
     *     defaults to the `cashback.database` ini setting. The password is never shown (health,
     *     errors, `php --ri`).
     * @param array{timezone?: string, default_region?: string, busy_timeout_ms?: int, max_batch?: int,
     *     auth_max_failures?: int, auto_register_stores?: bool, create?: bool, table_prefix?: string}|null $options
     *     Each option but `create` defaults to its ini setting (`cashback.timezone`, …), whose
     *     default is in defaults(). `timezone`: the zone of times without an offset, any IANA
     *     zone (`Europe/Minsk`), `UTC` or an offset (`+03:00`). `default_region`: the country
     *     (ISO 3166 code: `RU`, `BY`, `KZ`) of phones written without a country code.
     *     `create` (default true) creates a missing database file (or the ledger's tables in a
     *     MySQL database); hosts serving requests pass false so that a deleted or moved ledger
     *     fails with database_unavailable. `table_prefix` (MySQL only, default `local_cashback_`)
     *     overrides the URL's.
     * @throws CashbackException invalid_option, invalid_path, database_unavailable, …
     */
    public function __construct(#[\SensitiveParameter] ?string $database = null, ?array $options = null) {}

    /**
     * What a database setting names, as it may be shown to an operator: the backend and a
     * location without the password (a file path as given).
     *
     * @return array{backend: 'sqlite'|'mysql', location: string}
     */
    public static function describeDatabase(#[\SensitiveParameter] string $database): array {}

    /**
     * Normalizes a phone to E.164 digits without `+` (`8 (900) 123-45-67` → `79001234567`).
     * A number without a country code is read in $region; numbers of other countries need
     * `+` (or `00`) and their country code. Validity follows libphonenumber's metadata:
     * `8 029 123-45-67` is `375291234567` in `BY` and invalid_phone in `RU`.
     *
     * @param string|null $region An ISO 3166 country code (`RU`, `BY`, `KZ`; any case); null: the
     *     `cashback.default_region` ini setting.
     * @throws CashbackException invalid_phone, invalid_region
     */
    public static function normalizePhone(string $phone, ?string $region = null): string {}

    /**
     * The vocabulary of every status and error code, in numeric order. Uses: `item_status` (the
     * status of one transaction's result), `log_status` (the status of a sync-log row),
     * `item_error` (why one transaction was refused), `call_error` (CashbackException::getErrorCode()),
     * `api_error` (answered by the HTTP layer itself). `http_status` is null only for the status
     * `error`, whose HTTP status is its error code's; `transient` codes (503) are worth retrying.
     *
     * @return array<string, array{number: int, http_status: ?int, transient: bool,
     *     uses: list<'item_status'|'log_status'|'item_error'|'call_error'|'api_error'>, meaning: string}>
     */
    public static function codes(): array {}

    /**
     * The defaults of the constructor's options (and their ini settings), written only in the
     * extension: hosts read them from here.
     *
     * @return array{timezone: string, default_region: string, busy_timeout_ms: int, max_batch: int, auth_max_failures: int, auto_register_stores: bool}
     */
    public static function defaults(): array {}

    /**
     * @return array{version: string, commit: string, schema_version: int, mysql_schema_version: int}
     */
    public static function version(): array {}

    /**
     * Applies one transaction.
     *
     * @param array{external_id: string, type: 'accrual'|'debit'|'release', amount: int|float|string,
     *     user_id?: int|string, user_phone?: string, description?: string, source?: string,
     *     store_id?: string, created_at?: string, original_external_id?: string} $transaction
     * @param array{endpoint: string, client?: string, store_id?: string}|null $context
     *     When given, the result is written to the sync log in the same commit.
     * @return array{external_id: ?string, status: 'success'|'duplicate'|'error', transaction_id?: int,
     *     user_id?: int, balance?: float, negative_balance?: bool, error?: string, field?: string,
     *     message?: string, fields?: list<string>, remaining?: float}
     * @throws CashbackException on database faults
     */
    public function apply(array $transaction, ?array $context = null): array {}

    /**
     * Applies transactions in order, each independently, all in one commit.
     *
     * @param list<array> $transactions
     * @param array{endpoint: string, client?: string, store_id?: string}|null $context
     * @return list<array> One result per item, in request order (see apply()).
     * @throws CashbackException batch_too_large, or a database fault (nothing applied)
     */
    public function applyBatch(array $transactions, ?array $context = null): array {}

    /**
     * Applies the JSON body of `POST transactions` as received (bytes; a UTF-8 BOM allowed),
     * read in the extension: a key given twice is refused, numbers keep their exact text.
     *
     * @param array{endpoint: string, client?: string, store_id?: string}|null $context
     * @return array The result of apply(); or, for a body that is not one JSON object of unique
     *     keys (nothing applied or logged), an array without `status`:
     *     array{error: 'invalid_json'|'validation_failed', message: string, field?: string}
     * @throws CashbackException on database faults
     */
    public function applyJson(string $body, ?array $context = null): array {}

    /**
     * Applies the JSON body of `POST transactions/batch` as received: a list of transactions,
     * or {"transactions": [...]} with no other key. Reading stops after max_batch + 1 items and
     * nothing nested inside a field is built, so a body's size bounds the memory it takes.
     *
     * @param array{endpoint: string, client?: string, store_id?: string}|null $context
     * @return array array{results: list<array>} (see applyBatch()); or, for a refused body
     *     (nothing applied or logged), array{error: 'invalid_json'|'validation_failed'|'batch_too_large',
     *     message: string, field?: string, max_batch?: int}
     * @throws CashbackException on database faults
     */
    public function applyBatchJson(string $body, ?array $context = null): array {}

    /**
     * @return array{user_id: int, balance: float, updated_at: ?string}
     * @throws CashbackException
     */
    public function balance(int $user_id): array {}

    /**
     * @return array{user_id: int, balance: float, updated_at: ?string, phone: string}
     * @throws CashbackException invalid_phone, user_not_found, phone_ambiguous
     */
    public function balanceByPhone(string $phone): array {}

    /**
     * A page of a user's history, newest first.
     *
     * @return array{items: list<array>, next_cursor: ?int}
     */
    public function history(int $user_id, int $limit = 50, ?int $cursor = null): array {}

    /**
     * Checks every invariant of the ledger.
     *
     * @return array{ok: bool, accounts: int, entries: int, problems: list<array>}
     */
    public function verify(): array {}

    /**
     * Database status, found without writing: the write lock can be taken, there is room to
     * write, and the structure is sound as far as a 100 ms check gets (`checked`); throws the
     * fault a write or a read would meet now (also a corrupt or full database a call of this
     * process met in the last minute).
     *
     * On MySQL (`backend` mysql) the probe takes the writers' lock with a write that changes
     * nothing and rolls it back, and a Galera node must be ready; `path` is the URL without
     * its password and `checked` is `server`.
     *
     * @return array{backend: 'sqlite'|'mysql', schema_version: int, entries: int, path: string, writable: true, readable: true, checked: 'whole_file'|'partly'|'server'}
     * @throws CashbackException
     */
    public function health(): array {}

    /**
     * Copies this whole ledger (entries, balances, phones, stores, API keys, the sync log; ids
     * kept) into $destination, a SQLite file or a `mysql://` URL, created if missing and
     * holding no ledger yet; calls $progress(string $table, int $done, int $total) after each
     * page of rows. Then reads both sides again and compares each table (`agrees`), and runs
     * verify() on the copy. Stop writes to this ledger while it runs: a row written meanwhile
     * makes its table disagree.
     *
     * @param callable(string, int, int): mixed|null $progress
     * @return array{agrees: bool, tables: array<string, array{rows: int, agrees: bool}>, verify: array{ok: bool, accounts: int, entries: int, problems: list<array>}}
     * @throws CashbackException invalid_argument (the destination holds a ledger), database_*, …
     */
    public function migrateTo(#[\SensitiveParameter] string $destination, ?callable $progress = null): array {}

    /**
     * @throws CashbackException invalid_phone, user_not_found, phone_ambiguous
     */
    public function findUserByPhone(string $phone): int {}

    /**
     * Links a phone to a user; returns the normalized phone. Linking again
     * never un-verifies a link (use replaceUserPhones() to set exact flags).
     * $verified also takes 1/0, 'Y'/'N', 'yes'/'no' as Bitrix stores flags.
     */
    public function linkPhone(int $user_id, string $phone, bool $verified = false): string {}

    /**
     * Replaces all phones of a user.
     *
     * @param list<string|array{phone: string, verified?: bool}> $phones
     * @return list<string> The normalized phones.
     */
    public function replaceUserPhones(int $user_id, array $phones): array {}

    /** Removes all phones of a user; returns how many links were removed. */
    public function unlinkUser(int $user_id): int {}

    /** @return list<array{phone: string, verified: bool}> */
    public function userPhones(int $user_id): array {}

    /**
     * @param list<array{user_id: int|string, phone: string, verified?: bool}> $rows
     * @return array{imported: int, rejected: list<array{row: int, error: string}>}
     */
    public function importPhones(array $rows): array {}

    /**
     * Appends a sync-log row now (refusals and errors), with this process's queued read rows.
     *
     * @param array{endpoint: string, status: string, client?: string, store_id?: string,
     *     external_id?: string, error?: string, duration_ms?: int} $entry
     */
    public function logSync(array $entry): void {}

    /**
     * Queues the sync-log row of a successful read: written with this process's next
     * write, or within about a second, or when the process ends. Same keys as logSync().
     *
     * @param array{endpoint: string, status: string, client?: string, store_id?: string,
     *     external_id?: string, error?: string, duration_ms?: int} $entry
     */
    public function logRead(array $entry): void {}

    /**
     * @param array{store_id?: string, status?: string, external_id?: string, from?: string|int|float, to?: string|int|float}|null $filter
     *     Unknown keys are refused (invalid_argument); from/to take ISO 8601 or Unix seconds.
     * @return array{items: list<array>, next_cursor: ?int}
     */
    public function syncLog(?array $filter = null, int $limit = 100, ?int $cursor = null): array {}

    /** Deletes sync-log rows older than $days days; returns how many. */
    public function pruneSyncLog(int $days): int {}

    /**
     * Registers a store so that it is watched before its first request. On a
     * known store, null keeps the name and threshold; a threshold of 0 returns
     * it to the global default.
     */
    public function registerStore(string $store_id, ?string $name = null, ?int $silence_hours = null): void {}

    /** @return list<array{store_id: string, name: ?string, silence_hours: ?int, last_seen_at: ?string, silent_for_seconds: int}> */
    public function storeActivity(): array {}

    /** @return list<array{store_id: string, name: ?string, silence_hours: ?int, last_seen_at: ?string, silent_for_seconds: int}> */
    public function silentStores(int $hours): array {}

    /**
     * Creates an API key for a store or the 1C central base, optionally usable only
     * from the given networks (CIDR blocks such as "10.1.0.0/16" or "2001:db8::/32").
     *
     * @param list<string>|null $networks
     * @return array{id: int, name: string, store_id: ?string, key: string, allowed_networks: list<string>} The key is shown only here.
     * @throws CashbackException invalid_key_name, invalid_network
     */
    public function createApiKey(string $name, ?string $store_id = null, ?array $networks = null): array {}

    /**
     * Limits a key to networks; an empty list allows any address again.
     *
     * @param list<string> $networks
     * @throws CashbackException invalid_network, not_found
     */
    public function setApiKeyNetworks(int $id, array $networks): void {}

    /**
     * Checks a key used from $remote_address (null or '' for local callers, who are never
     * throttled) to call $endpoint. A valid key from an allowed network is always accepted,
     * whatever others failed from the same address. Failures are counted per address (one
     * sync-log row per address, status and 5-minute window, written within about a second);
     * after `auth_max_failures` failures in a window the address's failures are answered
     * `throttled` until the window ends.
     *
     * @return array{status: 'ok'|'unauthorized'|'forbidden_network'|'throttled',
     *     client?: array{id: int, name: string, store_id: ?string, allowed_networks: list<string>}, retry_after?: int}
     */
    public function authenticate(string $key, ?string $remote_address = null, ?string $endpoint = null): array {}

    /** Seconds $address must still wait before it may try the admin password again (0: it may try now). */
    public function loginThrottle(string $address): int {}

    /** Records a failed admin sign-in from $address (5 per 5 minutes are allowed); returns the seconds it must now wait. */
    public function recordLoginFailure(string $address): int {}

    /** @return list<array{id: int, name: string, store_id: ?string, prefix: string, created_at: string, revoked_at: ?string, active: bool, allowed_networks: list<string>}> */
    public function listApiKeys(): array {}

    public function revokeApiKey(int $id): bool {}

    /**
     * The client of a valid, unrevoked key, ignoring networks and throttling (use authenticate() for requests).
     *
     * @return array{id: int, name: string, store_id: ?string, allowed_networks: list<string>}|null
     */
    public function verifyApiKey(string $key): ?array {}
}
