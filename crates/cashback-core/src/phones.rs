//! The phone index: normalized phone → Bitrix user, with a `verified` flag.
//!
//! Bitrix keeps phones in several places (the phone-auth table and
//! UF_PHONE_VERIFIED are confirmed; PERSONAL_PHONE and PERSONAL_MOBILE are
//! typed by hand). The index holds them all and [`pick`] decides who owns a
//! number: the one verified owner, else the only owner, else nobody. Once a
//! link is verified it stays verified until it is removed ([`merge`]).

use crate::{
    code::Code,
    error::{LedgerError, Result, TxError},
};

/// One phone of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneLink {
    /// Normalized phone (E.164 digits without `+`).
    pub phone: String,
    /// Bitrix user id.
    pub user_id: i64,
    /// Whether the user confirmed the number.
    pub verified: bool,
}

impl PhoneLink {
    /// The link as the phone's candidate owner.
    pub fn candidate(&self) -> Candidate {
        Candidate { user_id: self.user_id, verified: self.verified }
    }
}

/// A user who has a phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Bitrix user id.
    pub user_id: i64,
    /// Whether the user confirmed the number.
    pub verified: bool,
}

/// Picks the owner: exactly one verified candidate wins; otherwise exactly one candidate.
///
/// # Errors
/// [`TxError::PhoneAmbiguous`] for several candidates, [`TxError::UserNotFound`] for none.
pub fn pick(candidates: &[Candidate]) -> std::result::Result<i64, TxError> {
    let mut verified = candidates.iter().filter(|candidate| candidate.verified);
    match (verified.next(), verified.next(), candidates) {
        (Some(only), None, _) => Ok(only.user_id),
        (None, _, [only]) => Ok(only.user_id),
        (None, _, []) => Err(TxError::UserNotFound),
        _ => Err(TxError::PhoneAmbiguous),
    }
}

/// The owner of a phone, or the call's refusal naming the phone.
///
/// # Errors
/// `user_not_found` or `phone_ambiguous`.
pub fn owner(phone: &str, candidates: &[Candidate]) -> Result<i64> {
    pick(candidates).map_err(|error| {
        let message = match error {
            TxError::PhoneAmbiguous => {
                format!("{} users share phone {phone}; none is its single verified owner", candidates.len())
            }
            _ => format!("no user has phone {phone}"),
        };
        LedgerError::refused(error.code(), message)
    })
}

/// What to write for `wanted` links given the links that exist: a verified
/// flag never goes down, and a phone named twice for a user is one link.
pub fn merge(existing: &[PhoneLink], wanted: impl IntoIterator<Item = PhoneLink>) -> Vec<PhoneLink> {
    let mut merged: Vec<PhoneLink> = Vec::new();
    for link in wanted {
        let known = |other: &PhoneLink| other.phone == link.phone && other.user_id == link.user_id;
        let was_verified = existing.iter().any(|old| known(old) && old.verified);
        match merged.iter_mut().find(|other| known(other)) {
            Some(earlier) => earlier.verified |= link.verified,
            None => merged.push(PhoneLink { verified: link.verified || was_verified, ..link }),
        }
    }
    merged
}

/// Checks a user id argument.
///
/// # Errors
/// `invalid_user_id` unless positive.
pub fn check_user_id(user_id: i64) -> Result<i64> {
    if user_id > 0 { Ok(user_id) } else { Err(LedgerError::refused(Code::InvalidUserId, "user id must be positive")) }
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
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows written.
    pub imported: usize,
    /// Rows refused, with the reason.
    pub rejected: Vec<(usize, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(user_id: i64, verified: bool) -> Candidate {
        Candidate { user_id, verified }
    }

    fn link(phone: &str, user_id: i64, verified: bool) -> PhoneLink {
        PhoneLink { phone: phone.into(), user_id, verified }
    }

    #[test]
    fn one_verified_owner_wins_else_one_owner_else_nobody() {
        assert_eq!(pick(&[candidate(1, false), candidate(2, true)]), Ok(2));
        assert_eq!(pick(&[candidate(1, false)]), Ok(1));
        assert_eq!(pick(&[candidate(1, false), candidate(2, false)]), Err(TxError::PhoneAmbiguous));
        assert_eq!(pick(&[candidate(1, true), candidate(2, true)]), Err(TxError::PhoneAmbiguous));
        assert_eq!(pick(&[]), Err(TxError::UserNotFound));
        assert_eq!(owner("79001234567", &[]).unwrap_err().code(), Code::UserNotFound);
        let shared = owner("79001234567", &[candidate(1, true), candidate(2, true)]).unwrap_err();
        assert_eq!(shared.message(), "2 users share phone 79001234567; none is its single verified owner");
    }

    #[test]
    fn a_verified_flag_never_goes_down_and_repeats_are_one_link() {
        let existing = [link("1", 1, true), link("2", 1, false)];
        let wanted =
            [link("1", 1, false), link("2", 1, false), link("2", 1, true), link("3", 1, false), link("1", 2, false)];
        assert_eq!(
            merge(&existing, wanted),
            [link("1", 1, true), link("2", 1, true), link("3", 1, false), link("1", 2, false)]
        );
    }
}
