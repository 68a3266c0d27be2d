-- Schema version 3: refused authentications counted per address and window
-- instead of one sync-log row each, and throttling of the admin page's password.

-- Failures per gate ('api': API keys, 'admin': the admin password) and address
-- in a window. Mutable bookkeeping, not ledger data: the windows of version 2
-- are dropped (they last 5 minutes anyway).
DROP TABLE auth_failures;
CREATE TABLE auth_failures (
    gate         TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    window_start INTEGER NOT NULL,              -- Unix milliseconds
    failures     INTEGER NOT NULL,
    PRIMARY KEY (gate, address)
) STRICT, WITHOUT ROWID;

-- The client address of refusal rows, and how many calls a row stands for.
ALTER TABLE sync_log ADD COLUMN address TEXT;
ALTER TABLE sync_log ADD COLUMN times INTEGER NOT NULL DEFAULT 1;
-- Set on refusal rows only: one row per status, address and window.
ALTER TABLE sync_log ADD COLUMN refusal_window INTEGER;
CREATE UNIQUE INDEX sync_log_refusals ON sync_log (status, address, refusal_window) WHERE refusal_window IS NOT NULL;
