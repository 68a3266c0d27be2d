//! API keys of the stores and the 1C central base.
//!
//! A key reads `cbk_<lookup>_<secret>`: the lookup part finds the row, and only
//! the SHA-256 of the whole key is stored. Keys are 192 random bits, so a fast
//! hash is enough (there is nothing to brute-force as with passwords), and the
//! comparison runs in constant time. The key is shown once, at creation.

use std::{fs::File, io::Read};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::{
    error::{LedgerError, Result},
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
pub fn create(db: &Connection, name: &str, store_id: Option<&str>, now_ms: i64) -> Result<Value> {
    check_name(name)?;
    let lookup = to_hex(&random_bytes::<6>()?);
    let key = format!("{PREFIX}{lookup}_{}", to_hex(&random_bytes::<24>()?));
    db.execute(
        "INSERT INTO api_keys (name, store_id, lookup, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, store_id, lookup, sha256(key.as_bytes()).as_slice(), now_ms],
    )?;
    Ok(json!({"id": db.last_insert_rowid(), "name": name, "store_id": store_id, "key": key}))
}

/// Every key, without secrets, newest first.
///
/// # Errors
/// Storage faults.
pub fn list(db: &Connection, zone: &time::Zone) -> Result<Value> {
    let mut statement =
        db.prepare_cached("SELECT id, name, store_id, lookup, created_at, revoked_at FROM api_keys ORDER BY id DESC")?;
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
    let row: Option<(i64, String, Option<String>, Vec<u8>)> = db
        .prepare_cached("SELECT id, name, store_id, hash FROM api_keys WHERE lookup = ?1 AND revoked_at IS NULL")?
        .query_row([lookup], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
        .optional()?;
    // Hash and compare even when no row matched, so timing does not tell whether a lookup part exists.
    let given = sha256(key.as_bytes());
    let stored = row.as_ref().map_or([0u8; 32].to_vec(), |(_, _, _, hash)| hash.clone());
    let matches = constant_time_eq(&given, &stored);
    Ok(row.filter(|_| matches).map(|(id, name, store_id, _)| Client { id, name, store_id }))
}
