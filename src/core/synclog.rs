//! The synchronization log and store monitoring.
//!
//! One row per incoming request, and per item of a batch: what the operator's
//! log page and the store-silence alerts read. Unlike the ledger it is pruned.
//! Every logged request with a store refreshes that store's last activity.

use rusqlite::{Connection, ToSql, params, params_from_iter};
use serde_json::{Value, json};

use super::{
    batch::multi_row_insert,
    error::{LedgerError, Result},
    time,
    tx::MAX_STORE_ID,
};

/// One line of the sync log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogEntry {
    /// Unix milliseconds.
    pub at: i64,
    /// API client name (never the key).
    pub client: Option<String>,
    /// Store the request or item came from.
    pub store_id: Option<String>,
    /// Endpoint such as `transactions/batch`.
    pub endpoint: String,
    /// Transaction external_id, if any.
    pub external_id: Option<String>,
    /// Result status: `success`, `duplicate`, `error`, `unauthorized`, …
    pub status: String,
    /// Error code, if any.
    pub error: Option<String>,
    /// Time spent, in milliseconds.
    pub duration_ms: i64,
}

impl LogEntry {
    /// Checks the fields a caller supplies, so the log stays queryable.
    ///
    /// # Errors
    /// `invalid_log_entry` naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &str, why: &str| Err(LedgerError::invalid("invalid_log_entry", format!("{field} {why}")));
        if !is_code(&self.endpoint, 128, b'/') {
            return bad("endpoint", "must be 1..128 characters of a-z, 0-9, _, - and /");
        }
        if !is_code(&self.status, 32, b'_') {
            return bad("status", "must be 1..32 characters of a-z, 0-9 and _");
        }
        if self.error.as_deref().is_some_and(|code| !is_code(code, 64, b'_')) {
            return bad("error", "must be 1..64 characters of a-z, 0-9 and _");
        }
        // Store ids share the store table's limit, so every logged store can be registered too.
        for (field, text, max) in [
            ("client", &self.client, 128),
            ("store_id", &self.store_id, MAX_STORE_ID),
            ("external_id", &self.external_id, 128),
        ] {
            if text.as_deref().is_some_and(|t| t.chars().count() > max || t.chars().any(char::is_control)) {
                return bad(field, &format!("must be at most {max} characters without control characters"));
            }
        }
        if self.duration_ms < 0 {
            return bad("duration_ms", "must not be negative");
        }
        Ok(())
    }
}

fn is_code(text: &str, max: usize, extra: u8) -> bool {
    (1..=max).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == extra)
}

const LOG_COLUMNS: usize = 8;
const LOG_CHUNK: usize = 256;

/// Appends log rows and refreshes the activity of their stores.
///
/// # Errors
/// Storage faults.
pub fn append(db: &Connection, entries: &[LogEntry]) -> Result<()> {
    for chunk in entries.chunks(LOG_CHUNK) {
        let values: Vec<&dyn ToSql> = chunk
            .iter()
            .flat_map(|e| {
                [
                    &e.at as &dyn ToSql,
                    &e.client,
                    &e.store_id,
                    &e.endpoint,
                    &e.external_id,
                    &e.status,
                    &e.error,
                    &e.duration_ms,
                ]
            })
            .collect();
        let sql = multi_row_insert(
            "INSERT INTO sync_log (at, client, store_id, endpoint, external_id, status, error, duration_ms) VALUES ",
            LOG_COLUMNS,
            chunk.len(),
            "",
        );
        db.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    }
    let mut seen: Vec<(&str, i64)> = entries.iter().filter_map(|e| Some((e.store_id.as_deref()?, e.at))).collect();
    seen.sort_unstable();
    seen.dedup_by(|later, earlier| {
        later.0 == earlier.0 && {
            earlier.1 = earlier.1.max(later.1);
            true
        }
    });
    let mut touch = db.prepare_cached(
        "INSERT INTO stores (store_id, registered_at, last_seen_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (store_id) DO UPDATE SET last_seen_at = max(coalesce(last_seen_at, 0), excluded.last_seen_at)",
    )?;
    for (store_id, at) in seen {
        touch.execute(params![store_id, at])?;
    }
    Ok(())
}

/// Filters of a log query; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Exact store id.
    pub store_id: Option<String>,
    /// Exact status.
    pub status: Option<String>,
    /// Exact external_id.
    pub external_id: Option<String>,
    /// From this Unix millisecond, inclusive.
    pub from: Option<i64>,
    /// Before this Unix millisecond, exclusive.
    pub to: Option<i64>,
}

/// A page of log rows, newest first, and the cursor of the next page.
///
/// # Errors
/// Storage faults.
pub fn query(
    db: &Connection,
    filter: &LogFilter,
    limit: usize,
    cursor: Option<i64>,
    zone: &time::Zone,
) -> Result<Value> {
    let limit = limit.clamp(1, 1000);
    let mut statement = db.prepare_cached(
        "SELECT id, at, client, store_id, endpoint, external_id, status, error, duration_ms FROM sync_log
         WHERE (?1 IS NULL OR store_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR external_id = ?3)
           AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) AND (?6 IS NULL OR id < ?6)
         ORDER BY id DESC LIMIT ?7",
    )?;
    let rows = statement.query_map(
        params![filter.store_id, filter.status, filter.external_id, filter.from, filter.to, cursor, limit as i64 + 1],
        |row| {
            Ok(json!({
                "id": row.get::<_, i64>(0)?,
                "at": time::format_millis(row.get(1)?, zone),
                "client": row.get::<_, Option<String>>(2)?,
                "store_id": row.get::<_, Option<String>>(3)?,
                "endpoint": row.get::<_, String>(4)?,
                "external_id": row.get::<_, Option<String>>(5)?,
                "status": row.get::<_, String>(6)?,
                "error": row.get::<_, Option<String>>(7)?,
                "duration_ms": row.get::<_, i64>(8)?,
            }))
        },
    )?;
    Ok(page(rows.collect::<rusqlite::Result<Vec<_>>>()?, limit))
}

/// Cuts a `limit + 1` row fetch into a page and the cursor of the next one (the last id shown).
pub fn page(mut rows: Vec<Value>, limit: usize) -> Value {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().and_then(|row| row.get("id").or_else(|| row.get("transaction_id"))).cloned()
    } else {
        None
    };
    json!({"items": rows, "next_cursor": next_cursor})
}

/// Deletes log rows older than `days` days; returns how many.
///
/// # Errors
/// `invalid_days` for a negative count, or a storage fault.
pub fn prune(db: &Connection, days: i64, now_ms: i64) -> Result<usize> {
    if days < 0 {
        return Err(LedgerError::invalid("invalid_days", "days must not be negative"));
    }
    Ok(db.execute("DELETE FROM sync_log WHERE at < ?1", [now_ms - days * 86_400_000])?)
}

/// Registers a store, so that it is watched even before its first request.
///
/// On a known store, `None` keeps its name and threshold; a threshold of 0
/// returns it to the global default.
///
/// # Errors
/// `invalid_store` for a bad id or threshold, or a storage fault.
pub fn register_store(
    db: &Connection,
    store_id: &str,
    name: Option<&str>,
    silence_hours: Option<i64>,
    now_ms: i64,
) -> Result<()> {
    if store_id.is_empty()
        || store_id.chars().count() > MAX_STORE_ID
        || store_id.chars().any(char::is_control)
        || store_id.trim() != store_id
    {
        return Err(LedgerError::invalid(
            "invalid_store",
            "store id must be 1..64 characters without control characters or surrounding spaces",
        ));
    }
    if silence_hours.is_some_and(|hours| hours < 0) {
        return Err(LedgerError::invalid(
            "invalid_store",
            "silence threshold must be a positive number of hours (0: the default)",
        ));
    }
    db.execute(
        "INSERT INTO stores (store_id, name, silence_hours, registered_at) VALUES (?1, ?2, nullif(?3, 0), ?4)
         ON CONFLICT (store_id) DO UPDATE SET name = coalesce(excluded.name, name),
             silence_hours = CASE ?3 WHEN 0 THEN NULL ELSE coalesce(?3, silence_hours) END",
        params![store_id, name, silence_hours, now_ms],
    )?;
    Ok(())
}

/// Every known store with its last activity, most recently seen first.
///
/// When `silent_after_hours` is given, only stores silent longer than their
/// threshold (their own `silence_hours`, else this one) are returned,
/// including registered stores never seen.
///
/// # Errors
/// Storage faults.
pub fn stores(db: &Connection, silent_after_hours: Option<i64>, now_ms: i64, zone: &time::Zone) -> Result<Value> {
    let mut statement = db.prepare_cached(
        "SELECT store_id, name, silence_hours, registered_at, last_seen_at FROM stores
         WHERE ?1 IS NULL OR coalesce(last_seen_at, registered_at) < ?2 - coalesce(silence_hours, ?1) * 3600000
         ORDER BY last_seen_at IS NULL, last_seen_at DESC, store_id",
    )?;
    let rows = statement.query_map(params![silent_after_hours, now_ms], |row| {
        let last_seen: Option<i64> = row.get(4)?;
        let since = last_seen.unwrap_or(row.get(3)?);
        Ok(json!({
            "store_id": row.get::<_, String>(0)?,
            "name": row.get::<_, Option<String>>(1)?,
            "silence_hours": row.get::<_, Option<i64>>(2)?,
            "last_seen_at": last_seen.map(|ms| time::format_millis(ms, zone)),
            "silent_for_seconds": (now_ms - since).max(0) / 1000,
        }))
    })?;
    Ok(Value::Array(rows.collect::<rusqlite::Result<_>>()?))
}
