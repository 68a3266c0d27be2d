//! API keys of the stores and the 1C central base.
//!
//! A key reads `cbk_<lookup>_<secret>`: the lookup part finds the row, and only
//! the SHA-256 of the whole key is stored. Keys are 192 random bits, so a fast
//! hash is enough (there is nothing to brute-force as with passwords), and the
//! comparison runs in constant time. The key is shown once, at creation.
//!
//! A key may be limited to source networks, and an address that keeps failing
//! authentication is throttled ([`authenticate`]).

use std::{fs::File, io::Read, net::IpAddr};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::{
    error::{LedgerError, Result},
    network::Network,
    sha256::{constant_time_eq, sha256, to_hex},
    time,
};

const PREFIX: &str = "cbk_";

/// An authenticated API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Key id.
    pub id: i64,
    /// Client name, e.g. `store-12` or `1c-central`.
    pub name: String,
    /// The store the key belongs to, if any.
    pub store_id: Option<String>,
    /// Networks the key may be used from; empty allows any address.
    pub networks: Vec<Network>,
}

/// Default number of failed authentications from one address within [`THROTTLE_WINDOW_MS`]
/// before the address is refused outright.
pub const THROTTLE_FAILURES: i64 = 10;
/// Length of the throttling window.
pub const THROTTLE_WINDOW_MS: i64 = 5 * 60 * 1000;

/// The result of [`authenticate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// A valid key used from an allowed network.
    Allowed(Client),
    /// Missing, unknown or revoked key.
    Unauthorized,
    /// A valid key used from a network it is not allowed from.
    ForbiddenNetwork,
    /// Too many failures from this address; retry after this many seconds.
    Throttled { retry_after: i64 },
}

impl Auth {
    /// Stable code: `ok`, `unauthorized`, `forbidden_network`, `throttled`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Allowed(_) => "ok",
            Self::Unauthorized => "unauthorized",
            Self::ForbiddenNetwork => "forbidden_network",
            Self::Throttled { .. } => "throttled",
        }
    }
}

/// Parses and normalizes a list of CIDR blocks.
///
/// # Errors
/// `invalid_network` naming the bad entry.
pub fn parse_networks(list: &[String]) -> Result<Vec<Network>> {
    list.iter()
        .map(|text| Network::parse(text).map_err(|message| LedgerError::invalid("invalid_network", message)))
        .collect()
}

fn networks_json(networks: &[Network]) -> Option<String> {
    (!networks.is_empty())
        .then(|| Value::from(networks.iter().map(ToString::to_string).collect::<Vec<_>>()).to_string())
}

fn networks_from_column(column: Option<String>) -> Vec<Network> {
    column
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        .map(|list| list.iter().filter_map(|text| Network::parse(text).ok()).collect())
        .unwrap_or_default()
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    File::open("/dev/urandom")
        .and_then(|mut source| source.read_exact(&mut bytes))
        .map_err(|error| LedgerError::invalid("random_unavailable", format!("cannot read /dev/urandom: {error}")))?;
    Ok(bytes)
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(LedgerError::invalid(
            "invalid_key_name",
            "key name must be 1..64 characters without control characters",
        ));
    }
    Ok(())
}

/// Creates a key; the returned `key` is the only time the secret exists in clear.
///
/// # Errors
/// `invalid_key_name`, `random_unavailable`, or a storage fault.
pub fn create(db: &Connection, name: &str, store_id: Option<&str>, networks: &[Network], now_ms: i64) -> Result<Value> {
    check_name(name)?;
    let lookup = to_hex(&random_bytes::<6>()?);
    let key = format!("{PREFIX}{lookup}_{}", to_hex(&random_bytes::<24>()?));
    db.execute(
        "INSERT INTO api_keys (name, store_id, lookup, hash, created_at, allowed_networks) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![name, store_id, lookup, sha256(key.as_bytes()).as_slice(), now_ms, networks_json(networks)],
    )?;
    Ok(json!({
        "id": db.last_insert_rowid(), "name": name, "store_id": store_id, "key": key,
        "allowed_networks": networks.iter().map(ToString::to_string).collect::<Vec<_>>(),
    }))
}

/// Limits a key to networks (an empty list allows any address again).
///
/// # Errors
/// `not_found` for an unknown id, or a storage fault.
pub fn set_networks(db: &Connection, id: i64, networks: &[Network]) -> Result<()> {
    if db.execute("UPDATE api_keys SET allowed_networks = ?2 WHERE id = ?1", params![id, networks_json(networks)])? == 0
    {
        return Err(LedgerError::lookup("not_found", format!("no API key with id {id}")));
    }
    Ok(())
}

/// Every key, without secrets, newest first.
///
/// # Errors
/// Storage faults.
pub fn list(db: &Connection, zone: &time::Zone) -> Result<Value> {
    let mut statement = db.prepare_cached(
        "SELECT id, name, store_id, lookup, created_at, revoked_at, allowed_networks FROM api_keys ORDER BY id DESC",
    )?;
    let rows = statement.query_map([], |row| {
        let revoked_at: Option<i64> = row.get(5)?;
        Ok(json!({
            "id": row.get::<_, i64>(0)?,
            "name": row.get::<_, String>(1)?,
            "store_id": row.get::<_, Option<String>>(2)?,
            "prefix": format!("{PREFIX}{}", row.get::<_, String>(3)?),
            "created_at": time::format_millis(row.get(4)?, zone),
            "revoked_at": revoked_at.map(|ms| time::format_millis(ms, zone)),
            "active": revoked_at.is_none(),
            "allowed_networks": networks_from_column(row.get(6)?).iter().map(ToString::to_string).collect::<Vec<_>>(),
        }))
    })?;
    Ok(Value::Array(rows.collect::<rusqlite::Result<_>>()?))
}

/// Revokes a key at once. Returns false if it was already revoked.
///
/// # Errors
/// `not_found` for an unknown id, or a storage fault.
pub fn revoke(db: &Connection, id: i64, now_ms: i64) -> Result<bool> {
    let changed =
        db.execute("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", params![id, now_ms])?;
    if changed == 0 {
        let exists: bool = db.query_row("SELECT count(*) FROM api_keys WHERE id = ?1", [id], |row| row.get(0))?;
        if !exists {
            return Err(LedgerError::lookup("not_found", format!("no API key with id {id}")));
        }
    }
    Ok(changed > 0)
}

/// The client a key belongs to, or `None` for a malformed, unknown or revoked key.
///
/// # Errors
/// Storage faults.
pub fn verify(db: &Connection, key: &str) -> Result<Option<Client>> {
    let lookup = key.strip_prefix(PREFIX).and_then(|rest| rest.split_once('_')).map_or("", |(lookup, _)| lookup);
    let row: Option<(Client, Vec<u8>)> = db
        .prepare_cached(
            "SELECT id, name, store_id, hash, allowed_networks FROM api_keys WHERE lookup = ?1 AND revoked_at IS NULL",
        )?
        .query_row([lookup], |row| {
            let client = Client {
                id: row.get(0)?,
                name: row.get(1)?,
                store_id: row.get(2)?,
                networks: networks_from_column(row.get(4)?),
            };
            Ok((client, row.get(3)?))
        })
        .optional()?;
    // Hash and compare even when no row matched, so timing does not tell whether a lookup part exists.
    let given = sha256(key.as_bytes());
    let stored = row.as_ref().map_or([0u8; 32].to_vec(), |(_, hash)| hash.clone());
    let matches = constant_time_eq(&given, &stored);
    Ok(row.filter(|_| matches).map(|(client, _)| client))
}

/// Checks a key as used from `address` (empty: a local caller, never throttled),
/// counting failures per address and refusing an address after `max_failures`
/// failures in [`THROTTLE_WINDOW_MS`] (0 turns throttling off).
///
/// # Errors
/// Storage faults.
pub fn authenticate(db: &Connection, key: &str, address: &str, max_failures: i64, now_ms: i64) -> Result<Auth> {
    let address = address.trim();
    let throttling = !address.is_empty() && max_failures > 0;
    if throttling {
        if let Some(retry_after) = throttled_for(db, address, max_failures, now_ms)? {
            return Ok(Auth::Throttled { retry_after });
        }
    }
    let outcome = match verify(db, key)? {
        None => Auth::Unauthorized,
        Some(client) if client.networks.is_empty() => Auth::Allowed(client),
        Some(client) => {
            let allowed = address.parse::<IpAddr>().is_ok_and(|ip| client.networks.iter().any(|net| net.contains(ip)));
            if allowed { Auth::Allowed(client) } else { Auth::ForbiddenNetwork }
        }
    };
    if !matches!(outcome, Auth::Allowed(_)) && throttling {
        record_failure(db, address, now_ms)?;
    }
    Ok(outcome)
}

/// Seconds until `address` may try again, if it is throttled now.
fn throttled_for(db: &Connection, address: &str, max_failures: i64, now_ms: i64) -> Result<Option<i64>> {
    let row: Option<(i64, i64)> = db
        .prepare_cached("SELECT window_start, failures FROM auth_failures WHERE address = ?1")?
        .query_row([address], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(row
        .filter(|(start, failures)| *failures >= max_failures && now_ms < start + THROTTLE_WINDOW_MS)
        .map(|(start, _)| ((start + THROTTLE_WINDOW_MS - now_ms + 999) / 1000).max(1)))
}

/// Counts a failure in the address's current window, starting a new window when the old one is over.
fn record_failure(db: &Connection, address: &str, now_ms: i64) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO auth_failures (address, window_start, failures) VALUES (?1, ?2, 1)
         ON CONFLICT (address) DO UPDATE SET
             failures = CASE WHEN window_start + ?3 <= ?2 THEN 1 ELSE failures + 1 END,
             window_start = CASE WHEN window_start + ?3 <= ?2 THEN ?2 ELSE window_start END",
    )?
    .execute(params![address, now_ms, THROTTLE_WINDOW_MS])?;
    // Old windows are useless; dropping them keeps the table as small as the current attack.
    db.prepare_cached("DELETE FROM auth_failures WHERE window_start + ?2 * 2 < ?1")?
        .execute(params![now_ms, THROTTLE_WINDOW_MS])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger_db() -> Connection {
        let dir = tempfile::tempdir().unwrap();
        let connection =
            crate::core::db::open(&dir.path().join("keys.db"), std::time::Duration::from_millis(100), true).unwrap();
        std::mem::forget(dir);
        connection
    }

    #[test]
    fn a_key_limited_to_networks_is_refused_elsewhere() {
        let db = ledger_db();
        let networks = parse_networks(&["10.1.0.0/16".into()]).unwrap();
        let key = create(&db, "store-1", Some("store-1"), &networks, 0).unwrap()["key"].as_str().unwrap().to_owned();
        assert!(matches!(authenticate(&db, &key, "10.1.2.3", THROTTLE_FAILURES, 0).unwrap(), Auth::Allowed(_)));
        assert_eq!(authenticate(&db, &key, "10.2.0.1", THROTTLE_FAILURES, 0).unwrap(), Auth::ForbiddenNetwork);
        assert_eq!(authenticate(&db, &key, "", THROTTLE_FAILURES, 0).unwrap(), Auth::ForbiddenNetwork);
        set_networks(&db, 1, &[]).unwrap();
        assert!(matches!(authenticate(&db, &key, "10.2.0.1", THROTTLE_FAILURES, 0).unwrap(), Auth::Allowed(_)));
    }

    #[test]
    fn repeated_failures_from_one_address_are_throttled_for_the_window() {
        let db = ledger_db();
        let key = create(&db, "store-1", None, &[], 0).unwrap()["key"].as_str().unwrap().to_owned();
        for attempt in 0..THROTTLE_FAILURES {
            assert_eq!(
                authenticate(&db, "cbk_bad_guess", "203.0.113.9", THROTTLE_FAILURES, attempt).unwrap(),
                Auth::Unauthorized
            );
        }
        // Even the right key is refused from that address until the window ends; others are unaffected.
        assert_eq!(
            authenticate(&db, &key, "203.0.113.9", THROTTLE_FAILURES, 1_000).unwrap(),
            Auth::Throttled { retry_after: 299 }
        );
        assert!(matches!(authenticate(&db, &key, "203.0.113.10", THROTTLE_FAILURES, 1_000).unwrap(), Auth::Allowed(_)));
        assert!(matches!(
            authenticate(&db, &key, "203.0.113.9", THROTTLE_FAILURES, THROTTLE_WINDOW_MS).unwrap(),
            Auth::Allowed(_)
        ));
        // Throttling can be turned off, and local callers (no address) are never throttled.
        for _ in 0..THROTTLE_FAILURES * 2 {
            assert_eq!(authenticate(&db, "cbk_bad_guess", "203.0.113.11", 0, 0).unwrap(), Auth::Unauthorized);
        }
        for _ in 0..THROTTLE_FAILURES * 2 {
            assert_eq!(authenticate(&db, "cbk_bad_guess", "", THROTTLE_FAILURES, 0).unwrap(), Auth::Unauthorized);
        }
    }
}
