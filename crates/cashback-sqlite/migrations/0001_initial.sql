-- Cashback ledger schema, version 1.
-- The ledger (entries) is append-only: rows are never updated or deleted.
-- accounts caches each user's balance; verify() checks it against entries.
-- Money columns are integer minor units (kopecks).

CREATE TABLE entries (
    id          INTEGER PRIMARY KEY,            -- transaction_id returned to callers
    external_id TEXT    NOT NULL UNIQUE,        -- idempotency key, unique forever
    user_id     INTEGER NOT NULL,
    phone       TEXT,                           -- normalized phone the request named, if any
    kind        INTEGER NOT NULL CHECK (kind IN (1, 2, 3)), -- 1 accrual (negative = reversal), 2 debit, 3 release
    amount      INTEGER NOT NULL CHECK (amount <> 0),       -- as given; only a reversal is negative
    original_id INTEGER,                        -- entry a release or reversal corrects
    source      TEXT    NOT NULL,
    store_id    TEXT,
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,               -- Unix seconds, when the operation happened
    recorded_at INTEGER NOT NULL                -- Unix milliseconds, when the ledger accepted it
) STRICT;
CREATE INDEX entries_by_user ON entries (user_id, id);
CREATE INDEX entries_by_original ON entries (original_id) WHERE original_id IS NOT NULL;

CREATE TABLE accounts (
    user_id    INTEGER PRIMARY KEY,
    balance    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL                 -- Unix milliseconds of the last entry
) STRICT;

CREATE TABLE phones (
    phone    TEXT    NOT NULL,
    user_id  INTEGER NOT NULL,
    verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
    PRIMARY KEY (phone, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX phones_by_user ON phones (user_id);

CREATE TABLE sync_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,               -- Unix milliseconds
    client      TEXT,                           -- API client name; never the key
    store_id    TEXT,
    endpoint    TEXT    NOT NULL,
    external_id TEXT,
    status      TEXT    NOT NULL,
    error       TEXT,
    duration_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_log_by_time ON sync_log (at);
CREATE INDEX sync_log_by_store ON sync_log (store_id, at);
CREATE INDEX sync_log_by_status ON sync_log (status, at);
CREATE INDEX sync_log_by_external_id ON sync_log (external_id) WHERE external_id IS NOT NULL;

CREATE TABLE stores (
    store_id      TEXT    PRIMARY KEY,
    name          TEXT,
    silence_hours INTEGER,                      -- overrides the global threshold when set
    registered_at INTEGER NOT NULL,             -- Unix milliseconds
    last_seen_at  INTEGER                       -- Unix milliseconds of the last logged request
) STRICT;

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    store_id   TEXT,
    lookup     TEXT    NOT NULL UNIQUE,         -- public part of the key, to find the row
    hash       BLOB    NOT NULL,                -- SHA-256 of the whole key
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
