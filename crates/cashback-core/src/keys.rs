//! API keys of the stores and the 1C central base, and throttling of
//! addresses that keep failing authentication.
//!
//! A key reads `cbk_<lookup>_<secret>`: the lookup part finds the row, and only
//! the SHA-256 of the whole key is stored. Keys are 192 random bits from the
//! operating system, so a fast hash is enough (there is nothing to brute-force
//! as with passwords), and the comparison runs in constant time. The key is
//! shown once, at creation.

use std::net::IpAddr;

use ipnet::IpNet;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{
    code::Code,
    error::{LedgerError, Result},
    store::WriteTx,
    synclog::Refusals,
};

/// Every key starts with this.
pub const PREFIX: &str = "cbk_";
/// Random bytes of the lookup part.
const LOOKUP_BYTES: usize = 6;
/// Random bytes of the secret part.
const SECRET_BYTES: usize = 24;
/// Longest key name, in characters.
const MAX_NAME: usize = 64;

/// Length of the throttling window.
pub const THROTTLE_WINDOW_MS: i64 = 5 * 60 * 1000;
/// Failed sign-ins to the admin page per address and window before the address must wait.
pub const ADMIN_MAX_FAILURES: i64 = 5;

/// What a failure window counts the failures of: each gate throttles on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// API keys of the HTTP API.
    Api,
    /// The admin page's password.
    Admin,
}

impl Gate {
    /// Stable name, as stored.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Admin => "admin",
        }
    }
}

/// A key as stored: never the key itself, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// Key id.
    pub id: i64,
    /// Client name, e.g. `store-12` or `1c-central`.
    pub name: String,
    /// The store the key belongs to, if any.
    pub store_id: Option<String>,
    /// The public part that finds the row.
    pub lookup: String,
    /// SHA-256 of the whole key.
    pub hash: Vec<u8>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds, if revoked.
    pub revoked_at: Option<i64>,
    /// Networks the key may be used from; empty allows any address.
    pub networks: Vec<IpNet>,
}

impl StoredKey {
    /// The visible start of the key, to recognize it in a list.
    pub fn prefix(&self) -> String {
        format!("{PREFIX}{}", self.lookup)
    }
}

/// A new key: what is stored, and the secret shown once.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The row to store (its id is 0 until stored).
    pub stored: StoredKey,
    /// The whole key, to hand to the client.
    pub key: String,
}

/// An authenticated API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Key id.
    pub id: i64,
    /// Client name.
    pub name: String,
    /// The store the key belongs to, if any.
    pub store_id: Option<String>,
    /// Networks the key may be used from; empty allows any address.
    pub networks: Vec<IpNet>,
}

/// The result of an authentication.
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
    /// Stable status: `ok`, `unauthorized`, `forbidden_network`, `throttled`.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Allowed(_) => "ok",
            Self::Unauthorized => Code::Unauthorized.name(),
            Self::ForbiddenNetwork => Code::ForbiddenNetwork.name(),
            Self::Throttled { .. } => Code::Throttled.name(),
        }
    }

    /// The log status and the error of a refusal (`Allowed` is not one).
    pub fn log_codes(&self) -> (Code, Code) {
        match self {
            Self::Allowed(_) => (Code::Success, Code::Success),
            Self::Unauthorized => (Code::Unauthorized, Code::Unauthorized),
            Self::ForbiddenNetwork => (Code::Forbidden, Code::ForbiddenNetwork),
            Self::Throttled { .. } => (Code::Throttled, Code::TooManyRequests),
        }
    }
}

/// Failed authentications from one address in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureWindow {
    /// Unix milliseconds the window started.
    pub start: i64,
    /// Failures counted in it.
    pub failures: i64,
}

/// Seconds until an address with `window` may try again, if it is throttled at `now`
/// (after `max_failures` failures in one window; 0 turns throttling off).
pub fn throttled_for(window: Option<FailureWindow>, max_failures: i64, now: i64) -> Option<i64> {
    window
        .filter(|window| max_failures > 0 && window.failures >= max_failures && now < window.start + THROTTLE_WINDOW_MS)
        .map(|window| ((window.start + THROTTLE_WINDOW_MS - now + 999) / 1000).max(1))
}

/// The window after `failures` more failures, the first of them at `at`:
/// counted in the current window, or in a new one.
pub fn after_failures(window: Option<FailureWindow>, at: i64, failures: i64) -> FailureWindow {
    match window {
        Some(window) if at < window.start + THROTTLE_WINDOW_MS => {
            FailureWindow { failures: window.failures.saturating_add(failures), ..window }
        }
        _ => FailureWindow { start: at, failures },
    }
}

/// Windows that started before this are over and useless; dropping them keeps
/// the table as small as the current attack.
pub fn stale_before(now: i64) -> i64 {
    now - 2 * THROTTLE_WINDOW_MS
}

/// Writes counted refusals: their sync-log rows, and each address's failures
/// at the API gate (which throttle its later failures).
///
/// # Errors
/// Storage faults.
pub fn record_refusals(store: &mut dyn WriteTx, refusals: &[Refusals], now: i64) -> Result<()> {
    if refusals.is_empty() {
        return Ok(());
    }
    store.add_refusals(refusals)?;
    for refusal in refusals.iter().filter(|refusal| !refusal.address.is_empty()) {
        let window =
            after_failures(store.failure_window(Gate::Api, &refusal.address)?, refusal.first_at, refusal.times);
        store.put_failure_window(Gate::Api, &refusal.address, window)?;
    }
    store.delete_failure_windows_before(stale_before(now))
}

/// Parses a list of CIDR blocks (a bare address is a /32 or /128).
///
/// # Errors
/// `invalid_network` naming the bad entry.
pub fn parse_networks(list: &[String]) -> Result<Vec<IpNet>> {
    list.iter().map(|text| parse_network(text)).collect()
}

fn parse_network(text: &str) -> Result<IpNet> {
    let refused = |message: String| LedgerError::refused(Code::InvalidNetwork, message);
    let (address, prefix) = match text.trim().split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text.trim(), None),
    };
    let address: IpAddr =
        address.parse().map_err(|_| refused(format!("{text:?} is not an IP address or CIDR block")))?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(prefix) => prefix
            .parse::<u8>()
            .ok()
            .filter(|prefix| *prefix <= max)
            .ok_or_else(|| refused(format!("{text:?}: prefix must be 0..={max}")))?,
    };
    Ok(canonical_network(address, prefix))
}

/// The network as it is matched and stored: host bits cleared (`10.0.0.1/8`
/// is `10.0.0.0/8`), and an IPv4-mapped IPv6 block as the IPv4 block it is,
/// since addresses are matched in their canonical form.
fn canonical_network(address: IpAddr, prefix: u8) -> IpNet {
    /// Bits of an IPv6 address before its mapped IPv4 part.
    const MAPPED_PREFIX: u8 = 96;
    let folded = match address.to_canonical() {
        IpAddr::V4(v4) if address.is_ipv6() && prefix >= MAPPED_PREFIX => {
            IpNet::new(IpAddr::V4(v4), prefix - MAPPED_PREFIX)
        }
        _ => IpNet::new(address, prefix),
    };
    folded.expect("prefix checked against the family").trunc()
}

/// Whether `address` may use a key limited to `networks` (IPv4-mapped IPv6 addresses count as IPv4).
pub fn allows(networks: &[IpNet], address: &str) -> bool {
    if networks.is_empty() {
        return true;
    }
    let Ok(address) = address.trim().parse::<IpAddr>() else { return false };
    let address = address.to_canonical();
    networks.iter().any(|network| network.contains(&address))
}

/// A new random key for `name`.
///
/// # Errors
/// `invalid_key_name`, or `random_unavailable` when the operating system gives no random bytes.
pub fn generate(name: &str, store_id: Option<&str>, networks: Vec<IpNet>, now: i64) -> Result<NewKey> {
    check_name(name)?;
    let lookup = hex::encode(random_bytes::<LOOKUP_BYTES>()?);
    let key = format!("{PREFIX}{lookup}_{}", hex::encode(random_bytes::<SECRET_BYTES>()?));
    let stored = StoredKey {
        id: 0,
        name: name.to_owned(),
        store_id: store_id.map(str::to_owned),
        lookup,
        hash: hash(&key).to_vec(),
        created_at: now,
        revoked_at: None,
        networks,
    };
    Ok(NewKey { stored, key })
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(LedgerError::refused(
            Code::InvalidKeyName,
            format!("key name must be 1..{MAX_NAME} characters without control characters"),
        ));
    }
    Ok(())
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| {
        LedgerError::refused(Code::RandomUnavailable, format!("the operating system gave no random bytes: {error}"))
    })?;
    Ok(bytes)
}

/// SHA-256 of a key.
pub fn hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// The lookup part of a presented key (empty for a malformed key, which finds no row).
pub fn lookup_of(key: &str) -> &str {
    key.strip_prefix(PREFIX).and_then(|rest| rest.split_once('_')).map_or("", |(lookup, _)| lookup)
}

/// The client whose stored key `key` is, if the hashes match.
///
/// Hashes and compares even when no row was found, so timing does not tell
/// whether a lookup part exists.
pub fn check(key: &str, stored: Option<StoredKey>) -> Option<Client> {
    let given = hash(key);
    let matches: bool = match &stored {
        Some(row) => given.ct_eq(row.hash.as_slice()).into(),
        None => {
            let _: bool = given.ct_eq(&[0u8; 32]).into();
            false
        }
    };
    stored.filter(|_| matches).map(|row| Client {
        id: row.id,
        name: row.name,
        store_id: row.store_id,
        networks: row.networks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn networks(list: &[&str]) -> Vec<IpNet> {
        parse_networks(&list.iter().map(|text| (*text).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn networks_of_both_families_match_their_addresses() {
        let office = networks(&["10.1.0.0/16"]);
        assert!(allows(&office, "10.1.255.7"));
        assert!(!allows(&office, "10.2.0.1"));
        assert!(allows(&office, "::ffff:10.1.2.3"), "IPv4-mapped IPv6 is IPv4");
        assert!(!allows(&office, ""), "a local caller has no address to match");
        let odd = networks(&["192.168.1.128/25"]);
        assert!(allows(&odd, "192.168.1.200") && !allows(&odd, "192.168.1.127"));
        let v6 = networks(&["2001:db8::/32"]);
        assert!(allows(&v6, "2001:db8:1::5") && !allows(&v6, "2001:db9::1") && !allows(&v6, "10.1.2.3"));
        assert!(allows(&networks(&["127.0.0.1"]), "127.0.0.1"));
        assert!(allows(&networks(&["0.0.0.0/0"]), "203.0.113.9"));
        assert!(allows(&[], "anything"), "no networks: any address");
        assert_eq!(networks(&[" 10.1.2.3/16 "])[0].to_string(), "10.1.0.0/16", "host bits cleared");
        assert_eq!(networks(&["10.0.0.1/8"])[0].to_string(), "10.0.0.0/8");
        assert_eq!(networks(&["::ffff:127.0.0.9/128"])[0].to_string(), "127.0.0.9/32", "IPv4-mapped is IPv4");
        assert!(allows(&networks(&["::ffff:127.0.0.9/128"]), "127.0.0.9"));
        assert!(allows(&networks(&["::ffff:10.0.0.0/104"]), "10.3.2.1"));
        assert_eq!(
            networks(&["::ffff:0:0/64"])[0].to_string(),
            "::/64",
            "a block wider than the mapped range stays IPv6"
        );
        assert!(allows(&networks(&["10.1.2.3/16"]), "10.1.99.1"));
        assert_eq!(networks(&["127.0.0.1"])[0].to_string(), "127.0.0.1/32");
    }

    #[test]
    fn malformed_blocks_are_refused() {
        for bad in ["", "10.1.0.0/33", "10.1.0.0/", "host.example", "10.1.0/16", "::1/129", "10.1.0.0/-1"] {
            let error = parse_networks(&[bad.to_owned()]).unwrap_err();
            assert_eq!(error.code(), Code::InvalidNetwork, "{bad:?}");
        }
    }

    #[test]
    fn a_key_is_checked_against_its_hash_only() {
        let new = generate("store-1", Some("s1"), vec![], 5).unwrap();
        assert!(new.key.starts_with(&new.stored.prefix()));
        assert_eq!(new.key.len(), PREFIX.len() + 2 * LOOKUP_BYTES + 1 + 2 * SECRET_BYTES);
        assert_eq!(lookup_of(&new.key), new.stored.lookup);
        let stored = StoredKey { id: 7, ..new.stored.clone() };
        assert_eq!(check(&new.key, Some(stored.clone())).map(|client| client.id), Some(7));
        let mut wrong = new.key.clone();
        wrong.pop();
        wrong.push('x');
        assert_eq!(check(&wrong, Some(stored)), None);
        assert_eq!(check(&new.key, None), None);
        assert_eq!(lookup_of("cbk_nounderscore"), "");
        assert_ne!(generate("store-1", None, vec![], 5).unwrap().key, new.key);
        assert_eq!(generate(" ", None, vec![], 5).unwrap_err().code(), Code::InvalidKeyName);
    }

    /// Known answers of FIPS 180-4.
    #[test]
    fn keys_are_hashed_with_sha256() {
        assert_eq!(hex::encode(hash("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(hex::encode(hash("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn failures_are_counted_per_window_and_throttle_until_it_ends() {
        let mut window = None;
        for attempt in 0..10 {
            assert_eq!(throttled_for(window, 10, attempt), None);
            window = Some(after_failures(window, attempt, 1));
        }
        assert_eq!(window, Some(FailureWindow { start: 0, failures: 10 }));
        assert_eq!(throttled_for(window, 10, 1_000), Some(299));
        assert_eq!(throttled_for(window, 10, THROTTLE_WINDOW_MS - 1), Some(1));
        assert_eq!(throttled_for(window, 10, THROTTLE_WINDOW_MS), None);
        assert_eq!(throttled_for(window, 0, 1_000), None, "0 turns throttling off");
        assert_eq!(
            after_failures(window, THROTTLE_WINDOW_MS, 1),
            FailureWindow { start: THROTTLE_WINDOW_MS, failures: 1 }
        );
        assert_eq!(after_failures(window, 2_000, 5), FailureWindow { start: 0, failures: 15 }, "counted in bulk");
        assert_eq!(stale_before(THROTTLE_WINDOW_MS * 3), THROTTLE_WINDOW_MS);
    }
}
