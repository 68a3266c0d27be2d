//! The synchronization log and store monitoring.
//!
//! One row per incoming request, and per item of a batch: what the operator's
//! log page and the store-silence alerts read. Unlike the ledger it is pruned.
//! Every logged request with a store refreshes that store's last activity.

use crate::{
    code::Code,
    error::{LedgerError, Result},
    tx::MAX_STORE_ID,
};

/// Longest client name and external_id in a log row, in characters.
const MAX_LOG_TEXT: usize = 128;
/// Milliseconds per hour, for silence thresholds.
const HOUR_MS: i64 = 3_600_000;
/// Milliseconds per day, for pruning.
const DAY_MS: i64 = 86_400_000;

/// One line of the sync log.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The client's address, on rows of refused authentication.
    pub address: Option<String>,
    /// How many calls the row stands for: 1, or the refusals of one address in one window.
    pub times: i64,
}

impl Default for LogEntry {
    fn default() -> Self {
        Self {
            at: 0,
            client: None,
            store_id: None,
            endpoint: String::new(),
            external_id: None,
            status: String::new(),
            error: None,
            duration_ms: 0,
            address: None,
            times: 1,
        }
    }
}

impl LogEntry {
    /// Checks the fields a caller supplies, so the log stays queryable.
    ///
    /// # Errors
    /// `invalid_log_entry` naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &str, why: &str| Err(LedgerError::refused(Code::InvalidLogEntry, format!("{field} {why}")));
        check_endpoint(&self.endpoint)?;
        if !is_code(&self.status, 32, b'_') {
            return bad("status", "must be 1..32 characters of a-z, 0-9 and _");
        }
        if self.error.as_deref().is_some_and(|code| !is_code(code, 64, b'_')) {
            return bad("error", "must be 1..64 characters of a-z, 0-9 and _");
        }
        // Store ids share the store table's limit, so every logged store can be registered too.
        for (field, text, max) in [
            ("client", &self.client, MAX_LOG_TEXT),
            ("store_id", &self.store_id, MAX_STORE_ID),
            ("external_id", &self.external_id, MAX_LOG_TEXT),
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

/// Checks an endpoint name for the log.
///
/// # Errors
/// `invalid_log_entry`.
pub fn check_endpoint(endpoint: &str) -> Result<()> {
    if is_code(endpoint, 128, b'/') {
        Ok(())
    } else {
        Err(LedgerError::refused(Code::InvalidLogEntry, "endpoint must be 1..128 characters of a-z, 0-9, _, - and /"))
    }
}

fn is_code(text: &str, max: usize, extra: u8) -> bool {
    (1..=max).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == extra)
}

/// Refused authentications from one address with one status in one window.
///
/// They are counted in the process and written as one log row per address,
/// status and window, so a flood of bad keys costs a few commits a second
/// instead of a row and a commit per request (see `docs/security.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusals {
    /// The client's address.
    pub address: String,
    /// Log status: `unauthorized`, `forbidden` or `throttled`.
    pub status: Code,
    /// The error the client got.
    pub error: Code,
    /// Endpoint of the first refusal.
    pub endpoint: String,
    /// The key's client name, when a valid key was refused (a foreign network).
    pub client: Option<String>,
    /// Unix milliseconds of the first refusal.
    pub first_at: i64,
    /// How many.
    pub times: i64,
}

impl Refusals {
    /// Start of the window the refusals are counted in (aligned, so every process agrees).
    pub fn window_start(&self) -> i64 {
        self.first_at - self.first_at.rem_euclid(crate::keys::THROTTLE_WINDOW_MS)
    }

    /// Whether `other` is counted in the same row.
    pub fn same_row(&self, other: &Refusals) -> bool {
        self.window_start() == other.window_start() && self.status == other.status && self.address == other.address
    }

    /// Counts `other` (of the same row) in.
    pub fn absorb(&mut self, other: Refusals) {
        self.times = self.times.saturating_add(other.times);
        self.first_at = self.first_at.min(other.first_at);
        self.client = other.client.or(self.client.take());
    }

    /// The log row they are counted in.
    pub fn log_entry(&self) -> LogEntry {
        LogEntry {
            at: self.first_at,
            client: self.client.clone(),
            endpoint: self.endpoint.clone(),
            status: self.status.name().to_owned(),
            error: Some(self.error.name().to_owned()),
            address: Some(self.address.clone()),
            times: self.times,
            ..LogEntry::default()
        }
    }
}

/// A stored log row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// Row id (the paging cursor).
    pub id: i64,
    /// The row.
    pub entry: LogEntry,
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

/// The latest time each store was seen in `rows`, each store once.
pub fn latest_by_store(rows: &[LogEntry]) -> Vec<(&str, i64)> {
    let mut seen: Vec<(&str, i64)> = rows.iter().filter_map(|row| Some((row.store_id.as_deref()?, row.at))).collect();
    seen.sort_unstable();
    seen.dedup_by(|later, earlier| {
        later.0 == earlier.0 && {
            earlier.1 = earlier.1.max(later.1);
            true
        }
    });
    seen
}

/// The cut-off of a prune keeping `days` days before `now`.
///
/// # Errors
/// `invalid_days` for a negative count.
pub fn prune_before(days: i64, now: i64) -> Result<i64> {
    if days < 0 {
        return Err(LedgerError::refused(Code::InvalidDays, "days must not be negative"));
    }
    Ok(now.saturating_sub(days.saturating_mul(DAY_MS)))
}

/// A store as stored: its registration and when it was last seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRow {
    /// Store id.
    pub store_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Own silence threshold in hours; `None` follows the global one.
    pub silence_hours: Option<i64>,
    /// Unix milliseconds of registration (or of the first request).
    pub registered_at: i64,
    /// Unix milliseconds of the last logged request.
    pub last_seen_at: Option<i64>,
}

/// A store's registration after `register_store(store_id, name, silence_hours)`
/// at `now`: `None` keeps a known store's name and threshold; a threshold of 0
/// returns it to the global default.
///
/// # Errors
/// `invalid_store` for a bad id or threshold.
pub fn registration(
    existing: Option<StoreRow>,
    store_id: &str,
    name: Option<&str>,
    silence_hours: Option<i64>,
    now: i64,
) -> Result<StoreRow> {
    if !crate::tx::is_valid_store_id(store_id) {
        return Err(LedgerError::refused(
            Code::InvalidStore,
            format!(
                "store id must be 1..{MAX_STORE_ID} characters without control or format characters or surrounding spaces"
            ),
        ));
    }
    if silence_hours.is_some_and(|hours| hours < 0) {
        return Err(LedgerError::refused(
            Code::InvalidStore,
            "silence threshold must be a positive number of hours (0: the default)",
        ));
    }
    let existing = existing.unwrap_or(StoreRow {
        store_id: store_id.to_owned(),
        name: None,
        silence_hours: None,
        registered_at: now,
        last_seen_at: None,
    });
    Ok(StoreRow {
        name: name.map(str::to_owned).or(existing.name),
        silence_hours: match silence_hours {
            Some(0) => None,
            Some(hours) => Some(hours),
            None => existing.silence_hours,
        },
        ..existing
    })
}

/// A store with its last activity, as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreActivity {
    /// Store id.
    pub store_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Own silence threshold in hours.
    pub silence_hours: Option<i64>,
    /// Unix milliseconds of the last logged request.
    pub last_seen_at: Option<i64>,
    /// Seconds since the last request (since registration for a store never seen).
    pub silent_for_seconds: i64,
}

/// A default silence threshold, checked.
///
/// # Errors
/// `invalid_hours` for a threshold that is not positive.
pub fn check_hours(hours: i64) -> Result<i64> {
    if hours <= 0 {
        return Err(LedgerError::refused(Code::InvalidHours, "hours must be positive"));
    }
    Ok(hours)
}

/// Every store, most recently seen first (stores never seen last, by id); with
/// `silent_after_hours` (see [`check_hours`]), only the stores silent longer
/// than their threshold (their own `silence_hours`, else this one), registered
/// stores never seen included.
pub fn activity(mut stores: Vec<StoreRow>, silent_after_hours: Option<i64>, now: i64) -> Vec<StoreActivity> {
    if let Some(default_hours) = silent_after_hours {
        stores.retain(|store| is_silent(store, default_hours, now));
    }
    stores.sort_by(|a, b| {
        (a.last_seen_at.is_none(), std::cmp::Reverse(a.last_seen_at), &a.store_id).cmp(&(
            b.last_seen_at.is_none(),
            std::cmp::Reverse(b.last_seen_at),
            &b.store_id,
        ))
    });
    stores
        .into_iter()
        .map(|store| StoreActivity {
            silent_for_seconds: (now - store.last_seen_at.unwrap_or(store.registered_at)).max(0) / 1000,
            store_id: store.store_id,
            name: store.name,
            silence_hours: store.silence_hours,
            last_seen_at: store.last_seen_at,
        })
        .collect()
}

/// Whether a store has made no request for longer than its threshold.
fn is_silent(store: &StoreRow, default_hours: i64, now: i64) -> bool {
    let hours = store.silence_hours.unwrap_or(default_hours);
    store.last_seen_at.unwrap_or(store.registered_at) < now.saturating_sub(hours.saturating_mul(HOUR_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(id: &str, hours: Option<i64>, registered_at: i64, last_seen_at: Option<i64>) -> StoreRow {
        StoreRow { store_id: id.into(), name: None, silence_hours: hours, registered_at, last_seen_at }
    }

    #[test]
    fn silence_is_judged_by_each_stores_own_threshold_else_the_default() {
        let now = 100 * HOUR_MS;
        let stores = vec![
            store("quiet-own", Some(2), 0, Some(now - 3 * HOUR_MS)),
            store("busy-own", Some(5), 0, Some(now - 3 * HOUR_MS)),
            store("quiet-default", None, 0, Some(now - 25 * HOUR_MS)),
            store("busy-default", None, 0, Some(now - HOUR_MS)),
            store("never-seen-old", None, now - 30 * HOUR_MS, None),
            store("never-seen-new", None, now - HOUR_MS, None),
        ];
        let silent: Vec<String> =
            activity(stores.clone(), Some(24), now).into_iter().map(|store| store.store_id).collect();
        assert_eq!(silent, ["quiet-own", "quiet-default", "never-seen-old"]);
        let all = activity(stores, None, now);
        let order: Vec<&str> = all.iter().map(|store| store.store_id.as_str()).collect();
        assert_eq!(
            order,
            ["busy-default", "busy-own", "quiet-own", "quiet-default", "never-seen-new", "never-seen-old"]
        );
        assert_eq!(all[0].silent_for_seconds, 3_600);
        assert_eq!(check_hours(0).unwrap_err().code(), Code::InvalidHours);
        assert_eq!(check_hours(24).unwrap(), 24);
    }

    #[test]
    fn registration_keeps_what_is_not_given_and_zero_restores_the_default() {
        let first = registration(None, "s1", Some("Main St"), Some(6), 10).unwrap();
        assert_eq!(
            first,
            StoreRow { name: Some("Main St".into()), silence_hours: Some(6), ..store("s1", None, 10, None) }
        );
        let seen = StoreRow { last_seen_at: Some(20), ..first };
        let kept = registration(Some(seen.clone()), "s1", None, None, 30).unwrap();
        assert_eq!(kept, seen);
        let reset = registration(Some(seen), "s1", None, Some(0), 30).unwrap();
        assert_eq!((reset.silence_hours, reset.registered_at, reset.last_seen_at), (None, 10, Some(20)));
        for (id, hours) in [("", None), (" s", None), ("s\u{7}", None), ("s", Some(-1))] {
            assert_eq!(registration(None, id, None, hours, 0).unwrap_err().code(), Code::InvalidStore);
        }
    }

    #[test]
    fn each_store_is_seen_once_at_its_latest_row() {
        let row =
            |store: Option<&str>, at: i64| LogEntry { store_id: store.map(str::to_owned), at, ..LogEntry::default() };
        let rows = [row(Some("b"), 5), row(Some("a"), 9), row(None, 99), row(Some("b"), 7), row(Some("a"), 1)];
        assert_eq!(latest_by_store(&rows), [("a", 9), ("b", 7)]);
    }
}
