//! The phone index: normalized phone → Bitrix user, with a `verified` flag.
//!
//! Bitrix keeps phones in several places (the phone-auth table and
//! UF_PHONE_VERIFIED are confirmed; PERSONAL_PHONE and PERSONAL_MOBILE are
//! typed by hand). The index holds them all and [`pick`] decides who owns a
//! number: the one verified owner, else the only owner, else nobody.

use rustc_hash::FxHashMap as HashMap;

use rusqlite::{Connection, params};

use super::{
    batch::json_list,
    error::{LedgerError, Result, TxError},
    phone,
};

/// A user who has a phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Bitrix user id.
    pub user_id: i64,
    /// Whether the user confirmed the number.
    pub verified: bool,
}

/// All users linked to one phone.
pub type Candidates = Vec<Candidate>;

/// Picks the owner: exactly one verified candidate wins; otherwise exactly one candidate.
///
/// # Errors
/// [`TxError::PhoneAmbiguous`] for several candidates, [`TxError::UserNotFound`] for none.
pub fn pick(candidates: &[Candidate]) -> std::result::Result<i64, TxError> {
    let verified: Vec<&Candidate> = candidates.iter().filter(|c| c.verified).collect();
    match (verified.as_slice(), candidates) {
        ([only], _) => Ok(only.user_id),
        ([], [only]) => Ok(only.user_id),
        ([], []) => Err(TxError::UserNotFound),
        _ => Err(TxError::PhoneAmbiguous),
    }
}

/// Candidates of each of `phones` (already normalized).
///
/// # Errors
/// Storage faults.
pub fn load_candidates(db: &Connection, phones: &[&str]) -> Result<HashMap<String, Candidates>> {
    if phones.is_empty() {
        return Ok(HashMap::default());
    }
    let mut statement = db.prepare_cached(
        "SELECT phone, user_id, verified FROM phones WHERE phone IN (SELECT value FROM json_each(?1))",
    )?;
    let mut rows = statement.query([json_list(phones)])?;
    let mut found: HashMap<String, Candidates> = HashMap::default();
    while let Some(row) = rows.next()? {
        found.entry(row.get(0)?).or_default().push(Candidate { user_id: row.get(1)?, verified: row.get(2)? });
    }
    Ok(found)
}

/// Normalizes `input` or fails with `invalid_phone`.
///
/// # Errors
/// [`LedgerError::Invalid`] with code `invalid_phone`.
pub fn normalize_arg(input: &str) -> Result<String> {
    phone::normalize(input).map_err(|reason| LedgerError::invalid("invalid_phone", reason))
}

/// Checks a user id argument.
///
/// # Errors
/// `invalid_user_id` unless positive.
pub fn check_user_id(user_id: i64) -> Result<i64> {
    if user_id > 0 { Ok(user_id) } else { Err(LedgerError::invalid("invalid_user_id", "user id must be positive")) }
}

/// Finds the owner of a phone.
///
/// # Errors
/// `invalid_phone`, `user_not_found`, `phone_ambiguous`, or a storage fault.
pub fn find_user(db: &Connection, input: &str) -> Result<(i64, String)> {
    let normalized = normalize_arg(input)?;
    let candidates: Candidates = db
        .prepare_cached("SELECT user_id, verified FROM phones WHERE phone = ?1")?
        .query_map([normalized.as_str()], |row| Ok(Candidate { user_id: row.get(0)?, verified: row.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    match pick(&candidates) {
        Ok(user_id) => Ok((user_id, normalized)),
        Err(error) => Err(LedgerError::lookup(
            error.code(),
            match error {
                TxError::PhoneAmbiguous => {
                    format!("{} users share phone {normalized}; none is its single verified owner", candidates.len())
                }
                _ => format!("no user has phone {normalized}"),
            },
        )),
    }
}

/// Links one phone to a user (or updates its verified flag). Returns the normalized phone.
///
/// # Errors
/// `invalid_phone`, `invalid_user_id`, or a storage fault.
pub fn link(db: &Connection, user_id: i64, input: &str, verified: bool) -> Result<String> {
    let user_id = check_user_id(user_id)?;
    let normalized = normalize_arg(input)?;
    upsert(db, user_id, &normalized, verified)?;
    Ok(normalized)
}

fn upsert(db: &Connection, user_id: i64, phone: &str, verified: bool) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO phones (phone, user_id, verified) VALUES (?1, ?2, ?3)
         ON CONFLICT (phone, user_id) DO UPDATE SET verified = max(verified, excluded.verified)",
    )?
    .execute(params![phone, user_id, verified])?;
    Ok(())
}

/// Replaces every phone of a user, as a Bitrix user-update handler needs.
/// All phones are checked before anything changes. Returns the normalized phones.
///
/// # Errors
/// `invalid_phone` naming the bad entry, `invalid_user_id`, or a storage fault.
pub fn replace(db: &mut Connection, user_id: i64, phones: &[(String, bool)]) -> Result<Vec<String>> {
    let user_id = check_user_id(user_id)?;
    let normalized: Vec<(String, bool)> =
        phones.iter().map(|(input, verified)| Ok((normalize_arg(input)?, *verified))).collect::<Result<_>>()?;
    let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute("DELETE FROM phones WHERE user_id = ?1", [user_id])?;
    for (phone, verified) in &normalized {
        upsert(&tx, user_id, phone, *verified)?;
    }
    tx.commit()?;
    Ok(normalized.into_iter().map(|(phone, _)| phone).collect())
}

/// Removes every phone of a user; returns how many links were removed.
///
/// # Errors
/// `invalid_user_id`, or a storage fault.
pub fn unlink_user(db: &Connection, user_id: i64) -> Result<usize> {
    let user_id = check_user_id(user_id)?;
    Ok(db.execute("DELETE FROM phones WHERE user_id = ?1", [user_id])?)
}

/// The phones of a user: `(phone, verified)`.
///
/// # Errors
/// Storage faults.
pub fn of_user(db: &Connection, user_id: i64) -> Result<Vec<(String, bool)>> {
    let mut statement = db.prepare_cached("SELECT phone, verified FROM phones WHERE user_id = ?1 ORDER BY phone")?;
    let rows = statement.query_map([user_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One row of a bulk import.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Bitrix user id.
    pub user_id: i64,
    /// Phone as written in the source.
    pub phone: String,
    /// Confirmed number.
    pub verified: bool,
}

/// Result of a bulk import: rows linked, and `(row index, reason)` for each row skipped.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Rows written.
    pub imported: usize,
    /// Rows refused, with the reason.
    pub rejected: Vec<(usize, String)>,
}

/// Links many phones in one transaction; bad rows are reported and skipped.
///
/// # Errors
/// Storage faults (then nothing is written).
pub fn import(db: &mut Connection, rows: &[ImportRow]) -> Result<ImportReport> {
    let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut report = ImportReport::default();
    for (index, row) in rows.iter().enumerate() {
        let checked = check_user_id(row.user_id).and_then(|user_id| Ok((user_id, normalize_arg(&row.phone)?)));
        match checked {
            Ok((user_id, phone)) => {
                upsert(&tx, user_id, &phone, row.verified)?;
                report.imported += 1;
            }
            Err(error) => report.rejected.push((index, error.message())),
        }
    }
    tx.commit()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(user_id: i64, verified: bool) -> Candidate {
        Candidate { user_id, verified }
    }

    #[test]
    fn one_verified_owner_wins_else_one_owner_else_nobody() {
        assert_eq!(pick(&[candidate(1, false), candidate(2, true)]), Ok(2));
        assert_eq!(pick(&[candidate(1, false)]), Ok(1));
        assert_eq!(pick(&[candidate(1, false), candidate(2, false)]), Err(TxError::PhoneAmbiguous));
        assert_eq!(pick(&[candidate(1, true), candidate(2, true)]), Err(TxError::PhoneAmbiguous));
        assert_eq!(pick(&[]), Err(TxError::UserNotFound));
    }
}
