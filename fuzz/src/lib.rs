//! Input generators shared by the fuzz targets.
//!
//! [`Gen`] turns fuzzer bytes into JSON transactions biased towards what the
//! ledger sees in production (three users, a small pool of external_ids so
//! resends, conflicts, releases and reversals actually meet their originals),
//! with a steady trickle of malformed fields and wholly arbitrary values.

use arbitrary::{Result, Unstructured};
use cashback_core::{money::format_minor, raw::Field};
use serde_json::{Map, Number, Value, json};

/// Users of the batch target.
pub const USERS: [i64; 3] = [1, 2, 3];

/// Phones of the batch target, normalized, with `(user_id, verified)` links.
///
/// The stores generated transactions name (the batch target registers them).
pub const STORES: [&str; 2] = ["store-1", "store-2"];

/// One phone per resolution rule of `phones::pick`: a verified single owner,
/// an unverified single owner, two unverified owners (ambiguous), a verified
/// owner beside an unverified one, and a phone nobody has.
pub const PHONES: [(&str, &[(i64, bool)]); 5] = [
    ("79001234567", &[(1, true)]),
    ("79001112233", &[(2, false)]),
    ("79005556677", &[(2, false), (3, false)]),
    ("79009998877", &[(3, true), (1, false)]),
    ("79000000000", &[]),
];

/// The external_id pool: small, so ids collide across items and batches.
pub const EXTERNAL_IDS: [&str; 12] =
    ["a1", "a2", "a3", "a4", "d1", "d2", "d3", "r1", "r2", "v1", "v2", "Accrual_0001_20261127"];

/// Strings that have broken parsers before.
const NASTY: [&str; 24] = [
    "",
    " ",
    " a1",
    "a1 ",
    "a\u{0}1",
    "a\n1",
    "\u{feff}a1",
    "\u{2028}",
    "é",
    "\u{1F4B0}",
    "null",
    "0",
    "-0",
    "1e3",
    "NaN",
    "Infinity",
    "+",
    "-",
    ".",
    "00",
    "2026-11-27T10:15:00",
    "+7 (900) 123-45-67",
    "accrual",
    "\\u0000",
];

/// A generator over the fuzzer's bytes.
pub struct Gen<'a, 'b> {
    /// The remaining input.
    pub u: &'b mut Unstructured<'a>,
}

impl<'a, 'b> Gen<'a, 'b> {
    /// Wraps the input.
    pub fn new(u: &'b mut Unstructured<'a>) -> Self {
        Self { u }
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Result<T> {
        Ok(self.u.choose(items)?.clone())
    }

    /// True once in `n`; false when the input is used up, so exhausted input yields plausible items.
    fn one_in(&mut self, n: u32) -> Result<bool> {
        Ok(self.u.int_in_range(0..=n - 1)? == n - 1)
    }

    /// A short string: from the nasty list, of `chars`, or arbitrary UTF-8.
    pub fn text(&mut self) -> Result<String> {
        Ok(match self.u.int_in_range(0..=3u8)? {
            0 => self.pick(&NASTY)?.to_owned(),
            1 => {
                let len = self.u.int_in_range(0..=12usize)?;
                let alphabet = b"0123456789azAZ_-.:+ ";
                (0..len).map(|_| self.pick(alphabet).map(char::from)).collect::<Result<String>>()?
            }
            2 => {
                // Around the 128/64/32/1000-character limits.
                let len = self.pick(&[31usize, 32, 33, 63, 64, 65, 127, 128, 129, 999, 1000, 1001])?;
                let unit = self.pick(&["x", "я", "\u{1F4B0}"])?;
                unit.repeat(len)
            }
            _ => self.u.arbitrary::<String>()?,
        })
    }

    /// An arbitrary JSON value of bounded depth.
    pub fn value(&mut self, depth: u32) -> Result<Value> {
        Ok(match self.u.int_in_range(0..=7u8)? {
            0 => Value::Null,
            1 => Value::Bool(self.u.arbitrary()?),
            2 => json!(self.u.arbitrary::<i64>()?),
            3 => json!(self.u.arbitrary::<u64>()?),
            4 => Number::from_f64(self.u.arbitrary()?).map_or(Value::Null, Value::Number),
            5 if depth > 0 => {
                let len = self.u.int_in_range(0..=3usize)?;
                Value::Array((0..len).map(|_| self.value(depth - 1)).collect::<Result<_>>()?)
            }
            6 if depth > 0 => {
                let len = self.u.int_in_range(0..=3usize)?;
                let mut object = Map::new();
                for _ in 0..len {
                    let key = self.field_name()?;
                    object.insert(key, self.value(depth - 1)?);
                }
                Value::Object(object)
            }
            _ => Value::String(self.text()?),
        })
    }

    fn field_name(&mut self) -> Result<String> {
        if self.one_in(4)? {
            return self.text();
        }
        let mut names: Vec<&str> = Field::ALL.iter().map(|field| field.name()).collect();
        names.push("unknown");
        Ok(self.pick(&names)?.to_owned())
    }

    /// An external_id: mostly from the pool.
    pub fn external_id(&mut self) -> Result<Value> {
        Ok(match self.u.int_in_range(0..=19u8)? {
            18 => Value::String(self.text()?),
            19 => self.value(1)?,
            _ => Value::String(self.pick(&EXTERNAL_IDS)?.to_owned()),
        })
    }

    /// An amount for `kind`: mostly valid, in any of the accepted spellings.
    pub fn amount(&mut self, kind: &str, reversal: bool) -> Result<Value> {
        let minor: i64 = match self.u.int_in_range(0..=9u8)? {
            0..=5 => self.u.int_in_range(1..=50_000)?,
            6 => self.pick(&[1, 100, 15_050, 99_999_999_999, 100_000_000_000])?,
            7 => self.u.int_in_range(-100_000_000_001..=100_000_000_001)?,
            8 => self.pick(&[0, -1, 100_000_000_001, i64::MAX, i64::MIN])?,
            _ if self.one_in(2)? => return self.value(1),
            _ => {
                return self.pick(&[
                    json!("1.234"),
                    json!(1.234),
                    json!("1e3"),
                    json!(1e300),
                    json!(" 1"),
                    json!(true),
                    Value::Null,
                ]);
            }
        };
        let minor = if reversal && kind == "accrual" && minor > 0 { -minor } else { minor };
        let text = format_minor(minor);
        Ok(match self.u.int_in_range(0..=3u8)? {
            0 => Value::String(text),
            1 if minor % 100 == 0 => json!(minor / 100),
            _ => serde_json::from_str(&text).unwrap_or(Value::Null),
        })
    }

    /// The user: a `user_id` or a `user_phone` field (sometimes both, sometimes neither).
    pub fn user(&mut self, object: &mut Map<String, Value>) -> Result<()> {
        match self.u.int_in_range(0..=15u8)? {
            0..=6 => {
                let id = self.pick(&USERS)?;
                let value = if self.one_in(4)? { json!(id.to_string()) } else { json!(id) };
                object.insert("user_id".into(), value);
            }
            7..=12 => {
                object.insert("user_phone".into(), self.phone()?);
            }
            13 => {
                object.insert("user_id".into(), self.value(1)?);
            }
            14 => {
                object.insert("user_id".into(), json!(self.pick(&USERS)?));
                object.insert("user_phone".into(), self.phone()?);
            }
            _ => {}
        }
        Ok(())
    }

    /// A phone of the pool in one of the ways people write it, or garbage.
    pub fn phone(&mut self) -> Result<Value> {
        let (phone, _) = self.pick(&PHONES)?;
        let national = &phone[1..];
        Ok(match self.u.int_in_range(0..=9u8)? {
            0 => json!(phone),
            1 => json!(format!("+{phone}")),
            2 => json!(format!("+7 ({}) {}-{}-{}", &national[..3], &national[3..6], &national[6..8], &national[8..])),
            3 => json!(format!("8 {} {} {} {}", &national[..3], &national[3..6], &national[6..8], &national[8..])),
            4 => json!(national),
            5 => json!(format!("007{national}")),
            6 if self.one_in(2)? => json!(phone.parse::<i64>().unwrap()),
            // What PHP hands over when the phone went through a float.
            6 => json!(phone.parse::<f64>().unwrap()),
            7 => json!(format!("\u{a0}8({national})\t")),
            8 => Value::String(self.text()?),
            _ => self.value(1)?,
        })
    }

    /// A plausible transaction object with occasional malformed or unknown fields.
    pub fn transaction(&mut self) -> Result<Value> {
        if self.one_in(24)? {
            return self.value(2);
        }
        let mut object = Map::new();
        let kind = self.pick(&["accrual", "accrual", "accrual", "debit", "debit", "release"])?;
        let reversal = kind == "accrual" && self.one_in(4)?;
        if !self.one_in(40)? {
            object.insert("external_id".into(), self.external_id()?);
        }
        let kind_value = if self.one_in(30)? { self.value(1)? } else { json!(kind) };
        object.insert("type".into(), kind_value);
        if !self.one_in(40)? {
            object.insert("amount".into(), self.amount(kind, reversal)?);
        }
        self.user(&mut object)?;
        let wants_original = match kind {
            "release" => !self.one_in(20)?,
            _ if reversal => !self.one_in(10)?,
            _ => self.one_in(30)?,
        };
        if wants_original {
            let original = if self.one_in(10)? { self.external_id()? } else { json!(self.pick(&EXTERNAL_IDS)?) };
            object.insert("original_external_id".into(), original);
        }
        let extras = self.u.int_in_range(0..=7u8)?;
        if extras & 1 != 0 {
            let value = if self.one_in(8)? {
                self.value(1)?
            } else {
                json!(self.pick(&["Store 1", "", "касса 2\nчек 5"])?)
            };
            object.insert("description".into(), value);
        }
        if extras & 2 != 0 {
            let value =
                if self.one_in(8)? { self.value(1)? } else { json!(self.pick(&["1c_retail", "web", "pos_2"])?) };
            object.insert("source".into(), value);
            let value = if self.one_in(8)? { self.value(1)? } else { json!(self.pick(&STORES)?) };
            object.insert("store_id".into(), value);
        }
        if extras & 4 != 0 {
            let value = match self.u.int_in_range(0..=7u8)? {
                0 | 1 => json!("2026-11-27T10:15:00"),
                2 => json!("2026-11-27 07:15:00.123Z"),
                3 => json!("2199-12-31T23:59:59-14:00"),
                4 => json!("1970-01-01T00:00"),
                5 => Value::Null,
                6 => Value::String(self.text()?),
                _ => self.value(1)?,
            };
            object.insert("created_at".into(), value);
        }
        if self.one_in(30)? {
            let key = self.field_name()?;
            let value = self.value(1)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    /// A batch of up to `max` transactions, fewer when the input runs out.
    pub fn batch(&mut self, max: usize) -> Result<Vec<Value>> {
        let len = self.u.int_in_range(0..=max)?;
        let mut items = Vec::with_capacity(len);
        while items.len() < len && !self.u.is_empty() {
            items.push(self.transaction()?);
        }
        Ok(items)
    }
}
