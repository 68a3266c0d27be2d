-- Cashback ledger schema on MariaDB/MySQL (InnoDB), version 1: the tables of the
-- SQLite schema's version 3, prefixed ({prefix} is the store's table_prefix).
-- entries is append-only: rows are never updated or deleted. accounts caches
-- each user's balance; verify() checks it against entries. Money is BIGINT
-- minor units (kopecks). Identifiers are VARBINARY: compared byte for byte,
-- as on SQLite, with no collation folding case or trailing spaces. Every
-- table has a primary key (Galera certifies writes by it).

CREATE TABLE IF NOT EXISTS {prefix}entries (
    id          BIGINT          NOT NULL PRIMARY KEY,  -- transaction_id returned to callers, assigned by the ledger
    external_id VARBINARY(512)  NOT NULL,              -- idempotency key, unique forever (128 characters)
    user_id     BIGINT          NOT NULL,
    phone       VARBINARY(32)   NULL,                  -- normalized phone the request named, if any
    kind        TINYINT         NOT NULL,              -- 1 accrual (negative = reversal), 2 debit, 3 release
    amount      BIGINT          NOT NULL,              -- as given; only a reversal is negative
    original_id BIGINT          NULL,                  -- entry a release or reversal corrects
    source      VARCHAR(64)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    store_id    VARBINARY(256)  NULL,
    description TEXT            CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at  BIGINT          NOT NULL,              -- Unix seconds, when the operation happened
    recorded_at BIGINT          NOT NULL,              -- Unix milliseconds, when the ledger accepted it
    UNIQUE KEY {prefix}entries_external_id (external_id),
    KEY {prefix}entries_by_user (user_id, id),
    KEY {prefix}entries_by_original (original_id),
    CONSTRAINT {prefix}entries_kind CHECK (kind IN (1, 2, 3)),
    CONSTRAINT {prefix}entries_amount CHECK (amount <> 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS {prefix}accounts (
    user_id    BIGINT NOT NULL PRIMARY KEY,
    balance    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL                         -- Unix milliseconds of the last entry
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS {prefix}phones (
    phone    VARBINARY(32) NOT NULL,
    user_id  BIGINT        NOT NULL,
    verified TINYINT       NOT NULL,
    PRIMARY KEY (phone, user_id),
    KEY {prefix}phones_by_user (user_id),
    CONSTRAINT {prefix}phones_verified CHECK (verified IN (0, 1))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS {prefix}sync_log (
    id             BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at             BIGINT         NOT NULL,            -- Unix milliseconds
    client         TEXT           NULL,                -- API client name; never the key
    store_id       VARBINARY(256) NULL,
    endpoint       TEXT           NOT NULL,
    external_id    VARBINARY(512) NULL,
    status         VARBINARY(64)  NOT NULL,
    error          TEXT           NULL,
    duration_ms    BIGINT         NOT NULL,
    address        VARBINARY(64)  NULL,                -- client address of refusal rows
    times          BIGINT         NOT NULL DEFAULT 1,  -- how many calls the row stands for
    refusal_window BIGINT         NULL,                -- set on refusal rows only: one row per status, address and window
    KEY {prefix}sync_log_by_time (at),
    KEY {prefix}sync_log_by_store (store_id, at),
    KEY {prefix}sync_log_by_status (status, at),
    KEY {prefix}sync_log_by_external_id (external_id),
    UNIQUE KEY {prefix}sync_log_refusals (status, address, refusal_window)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS {prefix}stores (
    store_id      VARBINARY(256) NOT NULL PRIMARY KEY,
    name          TEXT           NULL,
    silence_hours BIGINT         NULL,                 -- overrides the global threshold when set
    registered_at BIGINT         NOT NULL,             -- Unix milliseconds
    last_seen_at  BIGINT         NULL                  -- Unix milliseconds of the last logged request
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS {prefix}api_keys (
    id               BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name             TEXT           NOT NULL,
    store_id         VARBINARY(256) NULL,
    lookup           VARBINARY(64)  NOT NULL,          -- public part of the key, to find the row
    hash             VARBINARY(64)  NOT NULL,          -- SHA-256 of the whole key
    created_at       BIGINT         NOT NULL,
    revoked_at       BIGINT         NULL,
    allowed_networks TEXT           NULL,              -- JSON list of CIDR blocks; NULL allows any address
    UNIQUE KEY {prefix}api_keys_lookup (lookup)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Failures per gate ('api', 'admin') and address in a window: bookkeeping, not ledger data.
CREATE TABLE IF NOT EXISTS {prefix}auth_failures (
    gate         VARBINARY(16) NOT NULL,
    address      VARBINARY(64) NOT NULL,
    window_start BIGINT        NOT NULL,               -- Unix milliseconds
    failures     BIGINT        NOT NULL,
    PRIMARY KEY (gate, address)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The writers' lock: every write transaction updates its one row first, which
-- serializes writers on one server and makes any two concurrent writes on
-- different Galera nodes conflict at certification (the later one retries).
-- token is the writing transaction's own random number: read back just before
-- COMMIT, it proves that the transaction holding the lock is still the one
-- that took it (Galera can abort it between two statements without telling).
CREATE TABLE IF NOT EXISTS {prefix}writer (
    id      TINYINT NOT NULL PRIMARY KEY,
    commits BIGINT  NOT NULL,
    token   BIGINT  NOT NULL DEFAULT 0
) ENGINE = InnoDB;
INSERT IGNORE INTO {prefix}writer (id, commits) VALUES (1, 0);

-- The tokens of committed writes on a Galera node, read back after COMMIT: a
-- node can abort a transaction between two statements without telling, and
-- then answer its COMMIT with success although nothing was committed. Rows
-- older than an hour are pruned by later writes.
CREATE TABLE IF NOT EXISTS {prefix}commit_tokens (
    token BIGINT NOT NULL PRIMARY KEY,
    at    BIGINT NOT NULL                              -- Unix milliseconds
) ENGINE = InnoDB;
