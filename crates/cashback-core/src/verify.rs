//! The ledger's invariants, written down once and checked over the facts any
//! store can stream.
//!
//! 1. `balance_mismatch`: every cached balance equals the sum of its user's entry effects,
//!    and every user with entries has a cached balance.
//! 2. `overdraft`: no debit took its user's running balance below zero.
//! 3. `bad_original`: a release corrects a debit, a reversal a positive accrual,
//!    of the same user; nothing else names an original.
//! 4. `exceeds_original`: what was released or reversed never exceeds the original.
//! 5. `storage`: the store's own integrity check passes.

use std::collections::{BTreeMap, HashMap};

use crate::tx::Kind;

/// Most problems reported per check; a damaged ledger can have millions.
pub const MAX_PROBLEMS: usize = 100;

/// One entry, as the checks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFact {
    /// Entry id (recording order).
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Kind.
    pub kind: Kind,
    /// Amount as given (negative only for a reversal).
    pub amount: i64,
}

/// An entry that names an original, with that original if it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorrectionFact {
    /// The correcting entry.
    pub entry: EntryFact,
    /// Its original.
    pub original: Option<EntryFact>,
}

/// Which invariant a problem breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    /// Invariant 1.
    BalanceMismatch,
    /// Invariant 2.
    Overdraft,
    /// Invariant 3.
    BadOriginal,
    /// Invariant 4.
    ExceedsOriginal,
    /// Invariant 5.
    Storage,
}

impl Check {
    /// Stable name of the check.
    pub fn name(self) -> &'static str {
        match self {
            Self::BalanceMismatch => "balance_mismatch",
            Self::Overdraft => "overdraft",
            Self::BadOriginal => "bad_original",
            Self::ExceedsOriginal => "exceeds_original",
            Self::Storage => "storage",
        }
    }
}

/// A broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which invariant.
    pub check: Check,
    /// The user concerned, if any.
    pub user_id: Option<i64>,
    /// The entry concerned, if any.
    pub entry_id: Option<i64>,
    /// What is wrong.
    pub message: String,
}

/// The result of checking every invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Cached balances.
    pub accounts: i64,
    /// Entries.
    pub entries: i64,
    /// Every problem found (at most [`MAX_PROBLEMS`] per check), by check.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether every invariant holds.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Collects the facts of one ledger and judges them.
#[derive(Debug, Default)]
pub struct Verifier {
    entries: i64,
    /// The user of the entries seen last, with their running balance.
    running: Option<(i64, i64)>,
    sums: HashMap<i64, i64>,
    accounts: BTreeMap<i64, i64>,
    corrected: HashMap<i64, (EntryFact, i64)>,
    problems: Vec<Problem>,
}

impl Verifier {
    /// Takes one entry; entries come ordered by user, then id.
    pub fn entry(&mut self, fact: EntryFact) {
        self.entries += 1;
        let effect = fact.kind.effect(fact.amount);
        let running = match self.running {
            Some((user, balance)) if user == fact.user_id => balance.saturating_add(effect),
            _ => effect,
        };
        self.running = Some((fact.user_id, running));
        *self.sums.entry(fact.user_id).or_default() += effect;
        if fact.kind == Kind::Debit && running < 0 {
            self.report(
                Check::Overdraft,
                Some(fact.user_id),
                Some(fact.id),
                format!("balance {running} after this debit"),
            );
        }
    }

    /// Takes one cached balance.
    pub fn account(&mut self, user_id: i64, balance: i64) {
        self.accounts.insert(user_id, balance);
    }

    /// Takes one entry that names an original.
    pub fn correction(&mut self, fact: CorrectionFact) {
        let entry = fact.entry;
        let fits = fact.original.is_some_and(|original| {
            original.user_id == entry.user_id
                && match entry.kind {
                    Kind::Release => original.kind == Kind::Debit,
                    Kind::Accrual => entry.amount < 0 && original.kind == Kind::Accrual && original.amount > 0,
                    Kind::Debit => false,
                }
        });
        if !fits {
            self.report(
                Check::BadOriginal,
                Some(entry.user_id),
                Some(entry.id),
                "names an original it cannot correct".to_owned(),
            );
        }
        if let Some(original) = fact.original {
            self.corrected.entry(original.id).or_insert((original, 0)).1 += entry.amount.abs();
        }
    }

    /// Takes the store's own integrity verdict (`None`: intact).
    pub fn storage(&mut self, damage: Option<String>) {
        if let Some(message) = damage {
            self.report(Check::Storage, None, None, message);
        }
    }

    /// The report over everything taken.
    pub fn finish(mut self) -> Report {
        let mut users: Vec<i64> = self.sums.keys().chain(self.accounts.keys()).copied().collect();
        users.sort_unstable();
        users.dedup();
        for user in users {
            let (cached, total) = (self.accounts.get(&user), self.sums.get(&user));
            if cached.is_none() || total.is_none() || cached != total {
                let (cached, total) = (cached.copied().unwrap_or(0), total.copied().unwrap_or(0));
                self.report(
                    Check::BalanceMismatch,
                    Some(user),
                    None,
                    format!("cached balance {cached}, entries sum to {total}"),
                );
            }
        }
        let mut originals: Vec<(EntryFact, i64)> = self.corrected.values().copied().collect();
        originals.sort_unstable_by_key(|(original, _)| original.id);
        for (original, corrected) in originals {
            if corrected > original.amount {
                self.report(
                    Check::ExceedsOriginal,
                    Some(original.user_id),
                    Some(original.id),
                    format!("{corrected} corrected of {}", original.amount),
                );
            }
        }
        self.problems.sort_by_key(|problem| problem.check);
        Report { accounts: self.accounts.len() as i64, entries: self.entries, problems: self.problems }
    }

    fn report(&mut self, check: Check, user_id: Option<i64>, entry_id: Option<i64>, message: String) {
        if self.problems.iter().filter(|problem| problem.check == check).count() < MAX_PROBLEMS {
            self.problems.push(Problem { check, user_id, entry_id, message });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: i64, user_id: i64, kind: Kind, amount: i64) -> EntryFact {
        EntryFact { id, user_id, kind, amount }
    }

    fn checks(report: &Report) -> Vec<(Check, Option<i64>, Option<i64>)> {
        report.problems.iter().map(|problem| (problem.check, problem.user_id, problem.entry_id)).collect()
    }

    #[test]
    fn a_consistent_ledger_passes() {
        let mut verifier = Verifier::default();
        let entries = [
            fact(1, 1, Kind::Accrual, 100),
            fact(2, 1, Kind::Debit, 30),
            fact(3, 1, Kind::Release, 10),
            fact(4, 2, Kind::Accrual, 50),
            fact(5, 2, Kind::Accrual, -70),
        ];
        for entry in entries {
            verifier.entry(entry);
        }
        verifier.correction(CorrectionFact { entry: entries[2], original: Some(entries[1]) });
        verifier.account(1, 80);
        verifier.account(2, -20);
        verifier.storage(None);
        let report = verifier.finish();
        assert!(report.ok(), "{report:?}");
        assert_eq!((report.accounts, report.entries), (2, 5));
    }

    #[test]
    fn each_broken_invariant_is_named() {
        let mut verifier = Verifier::default();
        let debit = fact(1, 1, Kind::Debit, 50);
        let accrual = fact(2, 2, Kind::Accrual, 40);
        let release_of_other = fact(3, 3, Kind::Release, 5);
        let reversal = fact(4, 2, Kind::Accrual, -30);
        let second_reversal = fact(5, 2, Kind::Accrual, -20);
        for entry in [debit, accrual, reversal, second_reversal, release_of_other] {
            verifier.entry(entry);
        }
        verifier.correction(CorrectionFact { entry: release_of_other, original: Some(debit) });
        verifier.correction(CorrectionFact { entry: reversal, original: Some(accrual) });
        verifier.correction(CorrectionFact { entry: second_reversal, original: Some(accrual) });
        verifier.correction(CorrectionFact { entry: fact(6, 4, Kind::Debit, 1), original: None });
        verifier.account(1, -50);
        verifier.account(2, 0);
        verifier.account(9, 7);
        verifier.storage(Some("page 3 is damaged".into()));
        let report = verifier.finish();
        assert_eq!(
            checks(&report),
            [
                (Check::BalanceMismatch, Some(2), None),
                (Check::BalanceMismatch, Some(3), None),
                (Check::BalanceMismatch, Some(9), None),
                (Check::Overdraft, Some(1), Some(1)),
                (Check::BadOriginal, Some(3), Some(3)),
                (Check::BadOriginal, Some(4), Some(6)),
                (Check::ExceedsOriginal, Some(2), Some(2)),
                (Check::Storage, None, None),
            ]
        );
        assert_eq!(report.problems[0].message, "cached balance 0, entries sum to -10");
        assert_eq!(report.problems[3].message, "balance -50 after this debit");
        assert_eq!(report.problems[6].message, "50 corrected of 40");
    }

    #[test]
    fn problems_are_capped_per_check() {
        let mut verifier = Verifier::default();
        for id in 0..(MAX_PROBLEMS as i64 * 2) {
            verifier.entry(fact(id, id, Kind::Debit, 1));
        }
        let report = verifier.finish();
        let count = |check| report.problems.iter().filter(|problem| problem.check == check).count();
        assert_eq!((count(Check::Overdraft), count(Check::BalanceMismatch)), (MAX_PROBLEMS, MAX_PROBLEMS));
    }
}
