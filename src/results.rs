//! The ledger's typed results as PHP sees them: amounts in rubles, times in
//! the ledger's zone, keys in wire order (the API's JSON is these arrays).

use cashback_core::{
    code::{Code, Retry},
    config,
    copy::TableCopy,
    keys::{Auth, Client, StoredKey},
    ledger::{Balance, CreatedKey, Page},
    money,
    store::{HistoryEntry, StoreHealth},
    synclog::{LogRow, StoreActivity},
    time::{self, Zone},
    verify::Report,
    wire,
};
use ipnet::IpNet;
use serde_json::{Map, Value, json};

/// An amount as the JSON number a wire client expects (`1250.5`).
fn rubles(minor: i64) -> Value {
    serde_json::Number::from_f64(money::minor_to_float(minor)).map_or(Value::Null, Value::Number)
}

fn moment(millis: Option<i64>, zone: &Zone) -> Value {
    millis.map_or(Value::Null, |ms| Value::String(time::format_millis(ms, zone)))
}

fn networks(networks: &[IpNet]) -> Value {
    Value::from(networks.iter().map(ToString::to_string).collect::<Vec<_>>())
}

fn page<T>(page: &Page<T>, item: impl Fn(&T) -> Value) -> Value {
    json!({"items": page.items.iter().map(item).collect::<Vec<_>>(), "next_cursor": page.next_cursor})
}

/// `{user_id, balance, updated_at}`, and `phone` for a lookup by phone.
pub fn balance(balance: &Balance, zone: &Zone) -> Value {
    let mut fields = json!({
        "user_id": balance.user_id,
        "balance": rubles(balance.balance),
        "updated_at": moment(balance.updated_at, zone),
    });
    if let Some(phone) = &balance.phone {
        fields["phone"] = Value::String(phone.clone());
    }
    fields
}

/// `{items, next_cursor}` of a user's history.
pub fn history(history: &Page<HistoryEntry>, zone: &Zone) -> Value {
    page(history, |entry| {
        json!({
            "transaction_id": entry.id,
            "external_id": entry.external_id,
            "type": entry.kind.name(),
            "amount": rubles(entry.amount),
            "effect": rubles(entry.effect()),
            "source": entry.source,
            "store_id": entry.store_id,
            "description": entry.description,
            "created_at": time::format_timestamp(entry.created_at, zone),
            "recorded_at": time::format_millis(entry.recorded_at, zone),
            "original_external_id": entry.original_external_id,
        })
    })
}

/// A request body refused as a whole: `error`, `message`, and `field` for validation_failed
/// or `max_batch` for batch_too_large, as the contract has them. No `status`: nothing was
/// applied, or logged.
pub fn body_error(refused: &wire::BodyError, max_batch: Option<usize>) -> Value {
    let mut answer = json!({ "error": refused.code.name(), "message": refused.message });
    match refused.code {
        Code::ValidationFailed => answer["field"] = json!(refused.field),
        Code::BatchTooLarge => answer["max_batch"] = json!(max_batch),
        _ => {}
    }
    answer
}

/// `{items, next_cursor}` of the sync log.
pub fn sync_log(log: &Page<LogRow>, zone: &Zone) -> Value {
    page(log, |row| {
        let entry = &row.entry;
        json!({
            "id": row.id,
            "at": time::format_millis(entry.at, zone),
            "client": entry.client,
            "store_id": entry.store_id,
            "endpoint": entry.endpoint,
            "external_id": entry.external_id,
            "status": entry.status,
            "error": entry.error,
            "duration_ms": entry.duration_ms,
            "address": entry.address,
            "times": entry.times,
        })
    })
}

/// The stores with their last activity.
pub fn stores(stores: &[StoreActivity], zone: &Zone) -> Value {
    stores
        .iter()
        .map(|store| {
            json!({
                "store_id": store.store_id,
                "name": store.name,
                "silence_hours": store.silence_hours,
                "last_seen_at": moment(store.last_seen_at, zone),
                "silent_for_seconds": store.silent_for_seconds,
            })
        })
        .collect()
}

/// A key just created, with its secret.
pub fn created_key(created: &CreatedKey) -> Value {
    json!({
        "id": created.stored.id,
        "name": created.stored.name,
        "store_id": created.stored.store_id,
        "key": created.key,
        "allowed_networks": networks(&created.stored.networks),
    })
}

/// Every key, without secrets or hashes.
pub fn keys(keys: &[StoredKey], zone: &Zone) -> Value {
    keys.iter()
        .map(|key| {
            json!({
                "id": key.id,
                "name": key.name,
                "store_id": key.store_id,
                "prefix": key.prefix(),
                "created_at": time::format_millis(key.created_at, zone),
                "revoked_at": moment(key.revoked_at, zone),
                "active": key.revoked_at.is_none(),
                "allowed_networks": networks(&key.networks),
            })
        })
        .collect()
}

/// An authenticated client.
pub fn client(client: &Client) -> Value {
    json!({
        "id": client.id,
        "name": client.name,
        "store_id": client.store_id,
        "allowed_networks": networks(&client.networks),
    })
}

/// `{status}`, with `client` when allowed or `retry_after` when throttled.
pub fn auth(auth: &Auth) -> Value {
    let mut result = json!({"status": auth.status()});
    match auth {
        Auth::Allowed(allowed) => result["client"] = client(allowed),
        Auth::Throttled { retry_after } => result["retry_after"] = (*retry_after).into(),
        Auth::Unauthorized | Auth::ForbiddenNetwork => {}
    }
    result
}

/// `{ok, accounts, entries, problems: [{check, user_id, entry_id, message}]}`.
pub fn verify(report: &Report) -> Value {
    json!({
        "ok": report.ok(),
        "accounts": report.accounts,
        "entries": report.entries,
        "problems": report.problems.iter().map(|problem| json!({
            "check": problem.check.name(),
            "user_id": problem.user_id,
            "entry_id": problem.entry_id,
            "message": problem.message,
        })).collect::<Vec<_>>(),
    })
}

/// `{agrees, tables: {name: {rows, agrees}}, verify}` of a ledger copied to another database.
pub fn migration(tables: &[TableCopy], copy_verified: &Report) -> Value {
    let listed: Map<String, Value> = tables
        .iter()
        .map(|table| (table.table.name().to_owned(), json!({"rows": table.rows, "agrees": table.agrees()})))
        .collect();
    json!({
        "agrees": tables.iter().all(TableCopy::agrees),
        "tables": listed,
        "verify": verify(copy_verified),
    })
}

/// `{backend, schema_version, entries, path, writable, readable, checked}`: only a database that a
/// write and a read would succeed on now gets here (else the probe's fault is thrown).
pub fn health(health: &StoreHealth) -> Value {
    json!({
        "backend": health.backend,
        "schema_version": health.schema_version,
        "entries": health.entries,
        "path": health.location,
        "writable": true,
        "readable": true,
        "checked": health.checked,
    })
}

/// The vocabulary: `code => {number, http_status, transient, uses, meaning}`, in numeric order.
pub fn codes() -> Value {
    let entries = Code::ALL.iter().map(|code| {
        let info = json!({
            "number": *code as u16,
            "http_status": code.http_status(),
            "transient": code.retry() == Retry::Transient,
            "uses": code.uses().names().collect::<Vec<_>>(),
            "meaning": code.meaning(),
        });
        (code.name().to_owned(), info)
    });
    Value::Object(entries.collect::<Map<_, _>>())
}

/// The defaults of every setting (ini and constructor options).
pub fn defaults() -> Value {
    json!({
        "timezone": config::DEFAULT_TIMEZONE,
        "default_region": config::DEFAULT_REGION,
        "busy_timeout_ms": config::DEFAULT_BUSY_TIMEOUT_MS,
        "max_batch": config::DEFAULT_MAX_BATCH,
        "auth_max_failures": config::DEFAULT_AUTH_MAX_FAILURES,
        "auto_register_stores": config::DEFAULT_AUTO_REGISTER_STORES,
    })
}

#[cfg(test)]
mod tests {
    use cashback_core::code::Uses;

    use super::*;

    #[test]
    fn codes_list_every_code_with_its_uses() {
        let codes = codes();
        let object = codes.as_object().unwrap();
        assert_eq!(object.len(), Code::ALL.len());
        assert_eq!(object["insufficient_balance"]["http_status"], json!(422));
        assert_eq!(object["database_busy"]["transient"], json!(true));
        assert_eq!(object["error"]["http_status"], Value::Null);
        let names: Vec<&str> = Uses::NAMED.iter().map(|(_, name)| *name).collect();
        for info in object.values() {
            assert!(info["uses"].as_array().unwrap().iter().all(|used| names.contains(&used.as_str().unwrap())));
        }
    }
}
