//! The ledger's invariants, written down and checked.
//!
//! 1. `balance_mismatch`: every cached balance equals the sum of its user's entry effects,
//!    and every user with entries has a cached balance.
//! 2. `overdraft`: no debit took its user's running balance below zero.
//! 3. `bad_original`: a release corrects a debit, a reversal a positive accrual,
//!    of the same user; nothing else names an original.
//! 4. `exceeds_original`: what was released or reversed never exceeds the original.
//! 5. `storage`: SQLite's own `quick_check` passes.

use rusqlite::Connection;
use serde_json::{Value, json};

use super::error::Result;

/// Most problems reported; a damaged ledger can have millions.
const MAX_PROBLEMS: i64 = 100;

/// Effect of an entry on its balance, in SQL (debits subtract).
const EFFECT: &str = "CASE kind WHEN 2 THEN -amount ELSE amount END";

/// Runs every check; `{ok, accounts, entries, problems: [{check, user_id|entry_id, message}]}`.
///
/// # Errors
/// Storage faults.
pub fn run(db: &Connection) -> Result<Value> {
    let mut problems = Vec::new();
    let checks: [(&str, String); 4] = [
        ("balance_mismatch", format!(
            "SELECT coalesce(a.user_id, s.user_id), NULL,
                    printf('cached balance %d, entries sum to %d', coalesce(a.balance, 0), coalesce(s.total, 0))
             FROM (SELECT user_id, sum({EFFECT}) AS total FROM entries GROUP BY user_id) s
             FULL JOIN accounts a ON a.user_id = s.user_id
             WHERE a.user_id IS NULL OR s.user_id IS NULL OR a.balance <> s.total"
        )),
        ("overdraft", format!(
            "SELECT user_id, id, printf('balance %d after this debit', running) FROM (
                 SELECT user_id, id, kind, sum({EFFECT}) OVER (PARTITION BY user_id ORDER BY id) AS running FROM entries)
             WHERE kind = 2 AND running < 0"
        )),
        ("bad_original", "SELECT e.user_id, e.id, 'names an original it cannot correct'
             FROM entries e LEFT JOIN entries o ON o.id = e.original_id
             WHERE (e.kind = 3 AND (o.id IS NULL OR o.kind <> 2 OR o.user_id <> e.user_id))
                OR (e.kind = 1 AND e.original_id IS NOT NULL
                    AND (o.id IS NULL OR e.amount >= 0 OR o.kind <> 1 OR o.amount <= 0 OR o.user_id <> e.user_id))
                OR (e.kind = 2 AND e.original_id IS NOT NULL)".to_owned()),
        ("exceeds_original", "SELECT o.user_id, o.id, printf('%d corrected of %d', sum(abs(e.amount)), o.amount)
             FROM entries e JOIN entries o ON o.id = e.original_id
             GROUP BY o.id HAVING sum(abs(e.amount)) > o.amount".to_owned()),
    ];
    for (check, sql) in &checks {
        let mut statement = db.prepare(&format!("{sql} LIMIT {MAX_PROBLEMS}"))?;
        let rows = statement.query_map([], |row| {
            Ok(json!({
                "check": check,
                "user_id": row.get::<_, Option<i64>>(0)?,
                "entry_id": row.get::<_, Option<i64>>(1)?,
                "message": row.get::<_, String>(2)?,
            }))
        })?;
        problems.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    let quick_check: String = db.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
    if quick_check != "ok" {
        problems.push(json!({"check": "storage", "user_id": null, "entry_id": null, "message": quick_check}));
    }
    let count = |sql: &str| db.query_row(sql, [], |row| row.get::<_, i64>(0));
    Ok(json!({
        "ok": problems.is_empty(),
        "accounts": count("SELECT count(*) FROM accounts")?,
        "entries": count("SELECT count(*) FROM entries")?,
        "problems": problems,
    }))
}
