-- Schema version 2: per-key allowed source networks, and throttling of
-- repeated failed authentication per client address.

-- JSON list of CIDR blocks ("10.1.0.0/16", "2001:db8::/32"); NULL allows any address.
ALTER TABLE api_keys ADD COLUMN allowed_networks TEXT;

-- Failed authentications per address in a fixed window. Mutable bookkeeping, not ledger data.
CREATE TABLE auth_failures (
    address      TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,              -- Unix milliseconds
    failures     INTEGER NOT NULL
) STRICT;
