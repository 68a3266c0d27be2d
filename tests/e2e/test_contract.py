"""The wire contract, endpoint by endpoint and status by status, against the
running standalone host. Every response is validated against
docs/openapi.yaml by the client; these tests add the exact values."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from decimal import Decimal

import pytest

from backends import BACKEND, MYSQL, TABLE_PREFIX, PrivateServer, corrupt_innodb_file, tables_of
from hosting import MAX_BATCH, MAX_BODY_BYTES, RETRY_AFTER, Host, php_config
from contract import API_BASE, BOM, ApiClient
from register_sim import fetch_history, money

AMBIGUOUS_PHONE = "79995550001"
UNKNOWN_PHONE = "79990000000"
_ids = itertools.count(1)


def xid(tag: str) -> str:
    return f"ct_{tag}_{next(_ids)}"


def accrual(customer, amount="100.00", **extra):
    return {"type": "accrual", "amount": amount, "external_id": xid("acc"), "user_phone": customer.phone(3), **extra}


@pytest.fixture
def customer(new_customers):
    return new_customers(1)[0]


def balance_of(api: ApiClient, phone: str) -> Decimal:
    reply = api.get("balance", user_phone=phone)
    assert reply.status == 200, reply
    return money(reply.body["balance"])


# ------------------------------------------------------------ store binding ----

def store_seen(site, store_id: str):
    return site.ledger.call(
        f"array_values(array_filter($ledger->storeActivity(), fn($s) => $s['store_id'] === {json.dumps(store_id)}))"
        "[0]['last_seen_at'] ?? null")


def test_a_stores_key_writes_for_its_store_only(site, api, customer):
    before = store_seen(site, "store-2")
    reply = api.post("transactions", accrual(customer, store_id="store-2"))
    assert (reply.status, reply.body["error"]) == (403, "store_not_allowed"), reply
    assert store_seen(site, "store-2") == before, "store-1's key refreshed store-2's last activity"
    rows = site.ledger.call("$ledger->syncLog(['status' => 'error'], 50)['items']")
    row = next(row for row in rows if row["error"] == "store_not_allowed")
    assert (row["store_id"], row["client"]) == ("store-1", "demo"), row
    assert api.post("transactions", accrual(customer, store_id="store-1")).status == 200


def test_unknown_stores_are_refused_and_refusals_register_nothing(site, contract, customer):
    central = ApiClient(site.base_url, contract, site.keys["bitrix-web"][1])
    stores = len(site.ledger.call("$ledger->storeActivity()"))
    reply = central.post("transactions", accrual(customer, store_id="store-404"))
    assert (reply.status, reply.body["error"]) == (422, "unknown_store"), reply
    batch = [accrual(customer, store_id=f"nowhere-{i}") for i in range(MAX_BATCH)]
    results = central.post("transactions/batch", batch).body["results"]
    assert {result["error"] for result in results} == {"unknown_store"}
    assert len(site.ledger.call("$ledger->storeActivity()")) == stores, "refused items registered stores"
    assert central.post("transactions", accrual(customer, store_id="store-2")).status == 200, "registered stores are open"


# ------------------------------------------------- code and contract agree ----

AMOUNT_TEXTS = ["150", "150.5", "150.50", "0000000001.50", "+1", "00000000000000000001.5", "1.", ".5", "1e2",
                " 1", "1,5", "1.234", "0x10", "١٥٠"]
CREATED_AT_TEXTS = ["2026-11-27T10:15:00", "2026-11-27t10:15:00z", "2026-11-27 10:15:00", "2026-11-27T10:15",
                    "2026-11-27T10:15:00.123+03:00", "2026-11-27T10:15:00+0300", "2026-11-27T10:15:00Z",
                    "2026-11-27T10:15:00 +03:00", "2026-11-27_10:15:00", "20261127T101500", "2026-11-27T10:15:00Z ",
                    "2026-11-27T10:15:00UTC"]


def request_pattern(contract, field: str) -> str:
    schema = contract.doc["components"]["schemas"]["TransactionRequest"]["properties"][field]
    if "$ref" in schema:
        schema = contract.doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return next(alternative for alternative in schema.get("oneOf", [schema]) if alternative["type"] == "string")["pattern"]


@pytest.mark.parametrize("field,texts", [("amount", AMOUNT_TEXTS), ("created_at", CREATED_AT_TEXTS)])
def test_the_ledger_accepts_exactly_the_text_forms_the_contract_allows(api, customer, contract, field, texts):
    pattern = re.compile(request_pattern(contract, field))
    disagree = []
    for text in texts:
        reply = api.post("transactions", accrual(customer, **{field: text}))
        assert reply.status in (200, 400), reply
        if (reply.status == 200) != bool(pattern.search(text)):
            disagree.append((text, reply.status))
    assert not disagree, f"the ledger and docs/openapi.yaml disagree on {field}: {disagree}"


# ---------------------------------------------------------------- auth ----

SECURED_CALLS = [
    ("GET", "balance", {"user_phone": "79001234567"}, None),
    ("GET", "transactions", {"user_phone": "79001234567"}, None),
    ("POST", "transactions", None, {"type": "accrual", "amount": 1, "external_id": "auth_probe", "user_id": 42}),
    ("POST", "transactions/batch", None, [{"type": "accrual", "amount": 1, "external_id": "auth_probe", "user_id": 42}]),
]


@pytest.mark.parametrize("method,path,query,body", SECURED_CALLS, ids=[f"{m} {p}" for m, p, _, _ in SECURED_CALLS])
@pytest.mark.parametrize("key", [None, "", "cbk_000000000000_" + "0" * 64, "not-a-key"], ids=["missing", "empty", "unknown", "garbage"])
def test_401_without_a_valid_key(anon, method, path, query, body, key):
    client = anon.with_key(key)
    reply = client.request(method, path, query=query, body=body)
    assert reply.status == 401
    assert reply.body == {"error": "unauthorized"}


def test_unauthorized_writes_nothing(anon, api):
    before = balance_of(api, "79001234567")
    anon.with_key("wrong").post("transactions", {"type": "accrual", "amount": 5, "external_id": "auth_probe", "user_id": 42})
    assert balance_of(api, "79001234567") == before
    # the probe's external_id was never recorded: using it now is a fresh transaction
    reply = api.post("transactions", {"type": "accrual", "amount": 5, "external_id": xid("probe"), "user_id": 42})
    assert reply.body["status"] == "ok"


def test_revoked_key_is_refused_at_once(site, anon, customer):
    key_id, key = site.ledger.create_key("store-revoked", "store-9")
    client = anon.with_key(key)
    assert client.get("balance", user_phone=customer.phone(1)).status == 200
    assert client.post("transactions", accrual(customer, "10")).status == 200
    assert site.ledger.revoke_key(key_id) is True
    # every worker of the host must see the revocation: several requests
    for _ in range(6):
        reply = client.get("balance", user_phone=customer.phone(1))
        assert reply.status == 401 and reply.body == {"error": "unauthorized"}
    body = accrual(customer, "20")
    assert client.post("transactions", body).status == 401
    assert client.post("transactions/batch", [body]).status == 401
    assert client.get("transactions", user_phone=customer.phone(0)).status == 401
    assert balance_of(anon.with_key(site.demo_key), customer.phone(0)) == Decimal("10.00")


def test_key_limited_to_other_networks_is_forbidden(site, anon, customer):
    _, key = site.ledger.create_key("store-branch", "store-8", ["10.8.0.0/16", "2001:db8:8::/48"])
    client = anon.with_key(key)
    before = balance_of(anon.with_key(site.demo_key), customer.phone(0))
    for method, path, query, body in SECURED_CALLS:
        reply = client.request(method, path, query=query, body=body)
        assert (reply.status, reply.body["error"]) == (403, "forbidden_network"), reply
    assert balance_of(anon.with_key(site.demo_key), customer.phone(0)) == before
    _, local = site.ledger.create_key("store-local", "store-8", ["127.0.0.0/8", "::1/128"])
    assert anon.with_key(local).get("balance", user_phone=customer.phone(0)).status == 200


def test_throttling_of_failed_authentication(site, contract, tmp_path, customer):
    # A second host on the same ledger, with throttling after 3 failures per address.
    config = tmp_path / "throttled.php"
    php_config(config, {"database": str(site.ledger.db), "auth_max_failures": 3, "retry_after_seconds": RETRY_AFTER})
    host = Host(tmp_path, config, workers=2)
    # Earlier tests failed from 127.0.0.1 too: let their counts reach the database, then forget them.
    time.sleep(1.5)
    tables = site.ledger.tables
    forget_failures = f"DELETE FROM {tables.prefix}auth_failures"
    tables.execute(forget_failures)
    try:
        guesser = ApiClient(host.base_url, contract, "cbk_000000000000_" + "1" * 48)
        assert [guesser.get("balance", user_phone=customer.phone(0)).status for _ in range(3)] == [401, 401, 401]
        # Each worker writes its counts within about a second; then every worker throttles the guesser's
        # failures...
        time.sleep(1.5)
        for method, path, query, body in SECURED_CALLS:
            reply = guesser.request(method, path, query=query, body=body)
            assert (reply.status, reply.body["error"]) == (429, "too_many_requests"), reply
            assert 1 <= int(reply.headers["Retry-After"]) <= 300
            # ...while the right key from the same address (a shared NAT) keeps working.
            reply = guesser.with_key(site.demo_key).request(method, path, query=query, body=body)
            assert reply.status not in (401, 429), reply
        time.sleep(1.5)  # the workers write their counts within about a second
        rows = site.ledger.call(
            "array_map(fn($r) => [$r['status'], $r['error'], $r['address'], $r['times']],"
            " array_values(array_filter($ledger->syncLog(null, 50)['items'], fn($r) => $r['address'] !== null)))")
        assert any(row[:3] == ["unauthorized", "unauthorized", "127.0.0.1"] and row[3] >= 3 for row in rows), rows
        assert any(row[:3] == ["throttled", "too_many_requests", "127.0.0.1"] for row in rows), rows
    finally:
        host.stop()
        # Later tests of this session use 127.0.0.1 too.
        tables.execute(forget_failures)


def test_keys_never_reach_logs_or_errors(site, anon, customer):
    wrong = "cbk_0123456789ab_" + "f" * 48
    replies = [
        anon.with_key(site.demo_key).get("balance", user_phone=customer.phone(0)),
        anon.with_key(wrong).get("balance", user_phone=customer.phone(0)),
        anon.with_key(site.demo_key).post("transactions", {"type": "bogus", "external_id": xid("k")}),
    ]
    secrets = [site.demo_key.rsplit("_", 1)[1], wrong.rsplit("_", 1)[1]]
    dumped = site.ledger.tables.dump("sync_log")
    for secret in secrets:
        assert secret not in dumped, "a key reached the sync log"
        assert secret not in site.host.log(), "a key reached the server log"
        assert all(secret.encode() not in reply.raw for reply in replies), "a key was echoed in a response"
    # the stored hashes are not the keys either
    stored = site.ledger.tables.dump("api_keys")
    assert "register-store-1" in stored, "the dump holds no key rows"
    assert all(secret not in stored for secret in secrets)


def test_health_needs_no_key(site, anon):
    reply = anon.get("health")
    assert reply.status == 200
    assert reply.body["status"] == "ok" and reply.body["database"]["writable"] is True
    # It names its backend, and, open to anyone, never where the database is: no path, server or user.
    database = reply.body["database"]
    assert database["backend"] == BACKEND, database
    assert "path" not in database and "location" not in database, database
    if MYSQL:
        assert database["checked"] == "server", database
        url = urllib.parse.urlsplit(str(site.ledger.db))
        hidden = [url.path.strip("/"), urllib.parse.unquote(url.username), f"{url.hostname}:{url.port}"]
    else:
        hidden = [str(site.ledger.db), str(site.vardir)]
    text = reply.raw.decode()
    assert not [part for part in hidden if part in text], text


# ---------------------------------------------------------------- balance --

def test_balance_of_the_demo_customer(api):
    reply = api.get("balance", user_phone="79120001122")
    assert reply.status == 200
    body = reply.body
    assert body["user_id"] == 43 and body["phone"] == "79120001122"
    assert body["balance"] == 300 and isinstance(body["balance"], (int, float))


@pytest.mark.parametrize("spelling", ["79120001122", "8 (912) 000-11-22", "+7 912 000 11 22", "9120001122", "8-912-000-11-22"])
def test_balance_by_any_phone_spelling(api, spelling):
    reply = api.get("balance", user_phone=spelling)
    assert reply.status == 200 and reply.body["user_id"] == 43 and reply.body["phone"] == "79120001122"


def test_balance_with_a_raw_plus_in_the_query(api):
    # 1C puts the phone into the URL as is: "+" arrives as a space and must still work
    reply = api.raw_exchange("GET", API_BASE + "balance?user_phone=+79120001122",
                             [("Host", "127.0.0.1"), ("X-API-Key", api.api_key)])
    assert reply.status == 200 and reply.body["user_id"] == 43


def test_balance_of_a_customer_without_transactions(api):
    reply = api.get("balance", user_phone="+375 29 123-45-67")
    assert reply.status == 200
    assert reply.body == {"user_id": 44, "phone": "375291234567", "balance": 0, "updated_at": None}


@pytest.mark.parametrize("path", ["balance", "transactions"])
def test_phone_errors(api, path):
    for phone in ("abc", "12", "+7 900 123 45 67 89 01 23"):
        reply = api.get(path, user_phone=phone)
        assert (reply.status, reply.body["error"]) == (400, "invalid_phone"), phone
    reply = api.get(path)
    assert (reply.status, reply.body["error"], reply.body["field"]) == (400, "validation_failed", "user_phone")
    reply = api.get(path, user_phone=UNKNOWN_PHONE)
    assert (reply.status, reply.body["error"]) == (404, "user_not_found")
    reply = api.get(path, user_phone="+7 999 555-00-01")
    assert (reply.status, reply.body["error"]) == (409, "phone_ambiguous")


def _read_rows(site, store: str) -> list[dict]:
    return site.ledger.call(f"$ledger->syncLog(['store_id' => {json.dumps(store)}], 100)['items']")


def test_read_rows_reach_the_sync_log_within_seconds(site, contract):
    # A read's row waits in the serving process (no commit of its own) and is written about a second later.
    _, key = site.ledger.create_key("read-log-probe", "store-read-log")
    client = ApiClient(site.base_url, contract, key)
    for spelling in ("79120001122", "8 (912) 000-11-22", "+7 912 000 11 22"):
        assert client.get("balance", user_phone=spelling).status == 200
    assert client.get("transactions", user_phone="79120001122").status == 200
    assert client.get("balance", user_phone=UNKNOWN_PHONE).status == 404
    deadline = time.monotonic() + 5
    while len(rows := _read_rows(site, "store-read-log")) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted((row["endpoint"], row["status"], row["error"]) for row in rows) == [
        ("balance", "error", "user_not_found"),
        *[("balance", "success", None)] * 3,
        ("transactions", "success", None),
    ]
    time.sleep(1.5)
    assert len(_read_rows(site, "store-read-log")) == 5, "a read was logged twice"


def test_queued_read_rows_are_written_by_the_next_write_and_at_exit(site):
    # In one PHP process: a queued row rides on the next write's commit (seen by another
    # process at once, long before the background thread would write it), and the module
    # writes what is still queued when the process ends.
    tables = site.ledger.tables
    count = tables.php_count(f"SELECT count(*) FROM {tables.prefix}sync_log WHERE store_id = 'store-queue'")
    script = f"$count = {count};\n" + """
        $row = ['endpoint' => 'balance', 'status' => 'success', 'store_id' => 'store-queue'];
        $ledger->logRead($row);
        $queued = $count();
        $ledger->apply(['type' => 'accrual', 'amount' => 1, 'external_id' => 'rq_' . uniqid(), 'user_id' => 990001]);
        $afterWrite = $count();
        $ledger->logRead($row);
        echo json_encode([$queued, $afterWrite]);
    """
    assert json.loads(site.ledger.php(script)) == [0, 1]
    assert len(_read_rows(site, "store-queue")) == 2, "the row queued last was lost when the process ended"


# ---------------------------------------------------------------- history --

def test_history_pages_newest_first(api, customer):
    sent = [accrual(customer, f"{i}.25", created_at=f"2026-11-2{i}T10:15:00") for i in range(1, 6)]
    for body in sent:
        assert api.post("transactions", body).status == 200
    reply = api.get("transactions", user_phone=customer.phone(1), limit="2")
    assert reply.status == 200
    assert reply.body["user_id"] == customer.user_id and reply.body["phone"] == "7" + customer.phone(2)
    items = fetch_history(api, customer.phone(0), limit=2)
    assert [i["external_id"] for i in items] == [b["external_id"] for b in reversed(sent)]
    ids = [i["transaction_id"] for i in items]
    assert ids == sorted(ids, reverse=True)
    newest = items[0]
    assert newest["amount"] == 5.25 and newest["effect"] == 5.25 and newest["type"] == "accrual"
    assert newest["source"] == "1c_retail"
    # created_at without an offset is Moscow time
    assert newest["created_at"] == "2026-11-25T10:15:00+03:00"


def test_history_parameter_errors(api):
    for name, value in [("limit", "0"), ("limit", "-1"), ("limit", "abc"), ("cursor", "x"), ("cursor", "0")]:
        reply = api.get("transactions", user_phone="79001234567", **{name: value})
        assert (reply.status, reply.body["error"], reply.body["field"]) == (400, "validation_failed", name)


# ------------------------------------------------------- POST transactions --

def test_transaction_ok_then_already_exists(api, customer):
    body = accrual(customer, 150.00, description="Москва, Тверская 1, касса 2", store_id="store-1",
                   created_at="2026-11-27T10:15:00")
    first = api.post("transactions", body, check_request=True)
    assert first.status == 200
    assert first.body == {"status": "ok", "transaction_id": first.body["transaction_id"], "user_id": customer.user_id,
                          "balance": 150, "negative_balance": False}
    again = api.post("transactions", body, bom=True, content_type="text/plain")
    assert again.status == 200
    assert again.body["status"] == "already_exists" and again.body["idempotent"] is True
    assert again.body["transaction_id"] == first.body["transaction_id"]
    assert balance_of(api, customer.phone(0)) == Decimal("150.00")


def test_external_id_conflict_names_the_fields(api, customer):
    body = accrual(customer, "10")
    assert api.post("transactions", body).status == 200
    reply = api.post("transactions", {**body, "amount": "11"})
    assert reply.status == 409 and reply.body["error"] == "external_id_conflict" and reply.body["fields"] == ["amount"]
    reply = api.post("transactions", {**body, "type": "debit", "user_phone": "79120001122"})
    assert reply.status == 409 and set(reply.body["fields"]) >= {"type"}
    # description, created_at and store_id are not identity: same external_id, same values -> duplicate
    reply = api.post("transactions", {**body, "description": "другое"})
    assert reply.status == 200 and reply.body["status"] == "already_exists"


def test_ledger_refusals_are_422(api, customer):
    base = accrual(customer, "100")
    assert api.post("transactions", base).status == 200
    debit = {"type": "debit", "amount": "40", "external_id": xid("deb"), "user_phone": customer.phone(1)}
    assert api.post("transactions", debit).status == 200

    reply = api.post("transactions", {**debit, "external_id": xid("deb"), "amount": "60.01"})
    assert (reply.status, reply.body["error"], reply.body["balance"]) == (422, "insufficient_balance", 60)

    release = {"type": "release", "amount": "40.01", "external_id": xid("rel"), "user_phone": customer.phone(2),
               "original_external_id": debit["external_id"]}
    reply = api.post("transactions", release)
    assert (reply.status, reply.body["error"], reply.body["remaining"]) == (422, "exceeds_original", 40)

    reply = api.post("transactions", {**release, "amount": "1", "original_external_id": "no_such_debit"})
    assert (reply.status, reply.body["error"]) == (422, "original_not_found")

    reply = api.post("transactions", {**release, "amount": "1", "original_external_id": base["external_id"]})
    assert (reply.status, reply.body["error"]) == (422, "original_type_mismatch")

    reply = api.post("transactions", {**release, "amount": "1", "user_phone": "79120001122"})
    assert (reply.status, reply.body["error"]) == (422, "original_user_mismatch")

    # refusals are not remembered: the same external_id decided afresh succeeds
    reply = api.post("transactions", {**release, "amount": "40"})
    assert reply.status == 200 and reply.body["balance"] == 100
    assert balance_of(api, customer.phone(0)) == Decimal("100.00")


def test_accrual_reversal_may_go_negative(api, customer):
    base = accrual(customer, "50")
    api.post("transactions", base)
    api.post("transactions", {"type": "debit", "amount": 45, "external_id": xid("deb"), "user_id": customer.user_id})
    reversal = {"type": "accrual", "amount": -50, "external_id": xid("rev"), "user_phone": customer.phone(0),
                "original_external_id": base["external_id"]}
    reply = api.post("transactions", reversal, check_request=True)
    assert reply.status == 200 and reply.body["balance"] == -45 and reply.body["negative_balance"] is True
    reply = api.post("transactions", {**reversal, "external_id": xid("rev"), "amount": -1})
    assert (reply.status, reply.body["error"], reply.body["remaining"]) == (422, "exceeds_original", 0)


@pytest.mark.parametrize("amount,expected", [
    (150, 150), (150.5, 150.5), ("150.50", 150.5), ("150", 150), ("0.07", 0.07), (0.29, 0.29), ("1000000000.00", 1e9),
])
def test_amounts_as_numbers_or_strings(api, customer, amount, expected):
    reply = api.post("transactions", accrual(customer, amount), check_request=True)
    assert reply.status == 200 and reply.body["balance"] == expected


@pytest.mark.parametrize("created_at,stored", [
    ("2026-11-27T10:15:00", "2026-11-27T10:15:00+03:00"),
    ("2026-11-27T07:15:00Z", "2026-11-27T10:15:00+03:00"),
    ("2026-11-27T12:15:00+05:00", "2026-11-27T10:15:00+03:00"),
])
def test_created_at_without_offset_is_moscow_time(api, customer, created_at, stored):
    body = accrual(customer, "1", created_at=created_at)
    assert api.post("transactions", body).status == 200
    item = next(i for i in fetch_history(api, customer.phone(0)) if i["external_id"] == body["external_id"])
    assert item["created_at"] == stored


WRONG_TYPES = [
    ("type", 5), ("type", "refund"), ("type", None),
    ("amount", True), ("amount", {"rub": 1}), ("amount", [1]), ("amount", "1.234"), ("amount", "150,50"),
    ("amount", "1e3"), ("amount", 0), ("amount", "abc"), ("amount", 1000000000.01), ("amount", None),
    ("external_id", 12345), ("external_id", ""), ("external_id", "x" * 129), ("external_id", ["a"]),
    ("user_id", "abc"), ("user_id", True), ("user_id", 1.5), ("user_id", 0),
    ("user_phone", True), ("user_phone", ["79001234567"]), ("user_phone", {"n": 1}),
    ("description", 5), ("description", ["x"]),
    ("store_id", 5), ("store_id", ""),
    ("created_at", 123), ("created_at", "garbage"), ("created_at", "27.11.2026 10:15:00"),
    ("source", 5), ("source", "Web Shop"),
    ("original_external_id", 5),
]


@pytest.mark.parametrize("field,value", WRONG_TYPES, ids=[f"{f}={json.dumps(v)[:20]}" for f, v in WRONG_TYPES])
def test_wrong_field_is_named(api, field, value):
    body = {"type": "release" if field == "original_external_id" else "accrual", "amount": "1",
            "external_id": xid("bad"), "user_phone": "79120001122"}
    if field == "user_id":
        del body["user_phone"]
    body[field] = value
    reply = api.post("transactions", body)
    assert reply.status == 400, reply
    assert reply.body["error"] == "validation_failed", reply
    assert reply.body["field"] == field, reply
    assert reply.body["message"]


def test_unknown_field_is_refused(api):
    reply = api.post("transactions", {"type": "accrual", "amount": 1, "external_id": xid("typo"),
                                      "user_phone": "79120001122", "descripton": "typo"})
    assert (reply.status, reply.body["error"]) == (400, "validation_failed")
    assert "descripton" in reply.body["message"]


def test_empty_object_names_the_missing_field(api):
    """`{}` is a JSON object without fields: the answer must name a missing field, as it does for
    `{"description": "x"}`, not claim that the body is not an object."""
    reply = api.post("transactions", {"description": "x"})
    assert (reply.status, reply.body["error"], reply.body["field"]) == (400, "validation_failed", "external_id")
    reply = api.post("transactions", raw=b"{}")
    assert (reply.status, reply.body["error"]) == (400, "validation_failed")
    assert reply.body["field"] == "external_id", reply
    (result,) = api.post("transactions/batch", raw=b"[{}]").body["results"]
    assert (result["status"], result["error"], result["field"]) == ("error", "validation_failed", "external_id"), result


# Optional whitespace around a header value is not part of it (RFC 9110 5.5); PHP's built-in server passes it on.
def test_key_with_surrounding_whitespace_is_the_same_key(api):
    reply = api.raw_exchange("GET", API_BASE + "balance?user_phone=79120001122",
                             [("Host", "127.0.0.1"), ("X-API-Key", api.api_key + " \t")])
    assert reply.status == 200, reply


def test_customer_errors_on_post(api):
    body = {"type": "accrual", "amount": 1, "external_id": xid("who")}
    reply = api.post("transactions", {**body, "user_phone": "12"})
    assert (reply.status, reply.body["error"]) == (400, "invalid_phone")
    reply = api.post("transactions", {**body, "user_phone": UNKNOWN_PHONE})
    assert (reply.status, reply.body["error"]) == (404, "user_not_found")
    reply = api.post("transactions", {**body, "user_phone": AMBIGUOUS_PHONE})
    assert (reply.status, reply.body["error"]) == (409, "phone_ambiguous")
    reply = api.post("transactions", {**body})
    assert (reply.status, reply.body["error"], reply.body["field"]) == (400, "validation_failed", "user_phone")


@pytest.mark.parametrize("raw", [
    b"not json", b"{\"type\": \"accrual\",", b"{'type': 'accrual'}", b"\xff\xfe{}", BOM + b"nope", b"",
    b'{"type":"accrual","amount":1,"external_id":"x\xc3","user_id":42}',
], ids=["text", "truncated", "single-quotes", "utf16-bom", "bom-then-text", "empty", "bad-utf8"])
def test_invalid_json(api, raw):
    for path in ("transactions", "transactions/batch"):
        reply = api.post(path, raw=raw)
        assert (reply.status, reply.body["error"]) == (400, "invalid_json"), (path, reply)


@pytest.mark.parametrize("raw", [b"[1, 2]", b"\"text\"", b"42", b"true", b"null"])
def test_single_transaction_body_must_be_an_object(api, raw):
    reply = api.post("transactions", raw=raw)
    assert (reply.status, reply.body["error"]) == (400, "validation_failed")
    assert reply.body["field"] in ("body", "transaction")


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8", "text/plain",
    "application/x-www-form-urlencoded", None,
])
@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_any_content_type_and_bom(api, customer, content_type, bom):
    body = accrual(customer, "2.50", created_at="2026-11-27T10:15:00")
    raw = (BOM if bom else b"") + json.dumps(body, ensure_ascii=False).encode()
    if content_type is None:
        headers = [("Host", "127.0.0.1"), ("X-API-Key", api.api_key), ("Content-Length", str(len(raw)))]
        reply = api.raw_exchange("POST", "transactions", headers, raw)
    else:
        reply = api.post("transactions", raw=raw, content_type=content_type)
    assert reply.status == 200 and reply.body["status"] == "ok", reply


def test_body_over_the_limit_is_413_and_not_applied(api, customer):
    body = accrual(customer, "3", description="ж" * (MAX_BODY_BYTES // 2 + 10))  # 2 bytes a letter
    reply = api.post("transactions", body)
    assert reply.status == 413
    assert reply.body["error"] == "payload_too_large" and reply.body["max_bytes"] == MAX_BODY_BYTES
    reply = api.post("transactions/batch", [body])
    assert reply.status == 413 and reply.body["error"] == "payload_too_large"
    # nothing was recorded: the same external_id with a short description is new
    reply = api.post("transactions", {**body, "description": "short"})
    assert reply.status == 200 and reply.body["status"] == "ok"


# ------------------------------------------------------------- batches ----

def test_batch_results_in_request_order(api, customer):
    phone = customer.phone(1)
    first = {"type": "accrual", "amount": "100", "external_id": xid("b"), "user_phone": phone}
    items = [
        first,
        {"type": "debit", "amount": "100", "external_id": xid("b"), "user_phone": phone},  # sees the accrual
        {"type": "debit", "amount": "0.01", "external_id": xid("b"), "user_phone": phone},  # balance is 0 now
        first,  # repeated inside the batch
        {**first, "amount": "101"},  # same id, other amount
        {"type": "accrual", "amount": "1.234", "external_id": xid("b"), "user_phone": phone},
        {"type": "accrual", "amount": 1, "external_id": xid("b"), "user_phone": UNKNOWN_PHONE},
        {"type": "accrual", "amount": 1, "external_id": xid("b"), "user_phone": "12"},
        {"type": "accrual", "amount": 1, "external_id": xid("b"), "user_phone": AMBIGUOUS_PHONE},
        {"type": "accrual", "amount": "5", "external_id": xid("b"), "user_id": customer.user_id, "source": "web"},
        "not an object",
    ]
    reply = api.post("transactions/batch", {"transactions": items})
    assert reply.status == 200
    results = reply.body["results"]
    assert [r["external_id"] for r in results] == [i["external_id"] if isinstance(i, dict) else None for i in items]
    outcome = [(r["status"], r.get("error")) for r in results]
    assert outcome == [
        ("success", None), ("success", None), ("error", "insufficient_balance"), ("duplicate", None),
        ("error", "external_id_conflict"), ("error", "validation_failed"), ("error", "user_not_found"),
        ("error", "invalid_phone"), ("error", "phone_ambiguous"), ("success", None), ("error", "validation_failed"),
    ]
    assert results[1]["balance"] == 0 and results[2]["balance"] == 0
    assert results[3]["transaction_id"] == results[0]["transaction_id"]
    assert results[4]["fields"] == ["amount"]
    assert results[5]["field"] == "amount"
    assert results[9]["balance"] == 5
    # resending the whole batch: what was applied is a duplicate, nothing is applied twice; the refused
    # debit is decided afresh and now succeeds (the 5.00 accrual of item 9 was committed meanwhile)
    again = api.post("transactions/batch", items, bom=True).body["results"]
    assert [r["status"] for r in again][:4] == ["duplicate", "duplicate", "success", "duplicate"]
    assert again[2]["balance"] == 4.99 and again[9]["status"] == "duplicate"
    assert balance_of(api, phone) == Decimal("4.99")


def test_batch_release_and_reversal_after_their_originals(api, customer):
    phone = customer.phone(0)
    acc = {"type": "accrual", "amount": 80, "external_id": xid("b"), "user_phone": phone}
    deb = {"type": "debit", "amount": 30, "external_id": xid("b"), "user_phone": phone}
    rel = {"type": "release", "amount": 30, "external_id": xid("b"), "user_phone": phone, "original_external_id": deb["external_id"]}
    rev = {"type": "accrual", "amount": -80, "external_id": xid("b"), "user_phone": phone, "original_external_id": acc["external_id"]}
    reply = api.post("transactions/batch", [acc, deb, rel, rev], check_request=True)
    assert [r["status"] for r in reply.body["results"]] == ["success"] * 4
    assert [r["balance"] for r in reply.body["results"]] == [80, 50, 80, 0]


def test_batch_over_max_batch_is_413_and_nothing_applied(api, customer):
    items = [accrual(customer, "1") for _ in range(MAX_BATCH + 1)]
    reply = api.post("transactions/batch", items)
    assert reply.status == 413
    assert reply.body["error"] == "batch_too_large" and reply.body["max_batch"] == MAX_BATCH
    assert balance_of(api, customer.phone(0)) == 0
    reply = api.post("transactions/batch", {"transactions": items[:MAX_BATCH]})
    assert [r["status"] for r in reply.body["results"]] == ["success"] * MAX_BATCH
    assert balance_of(api, customer.phone(0)) == MAX_BATCH


@pytest.mark.parametrize("raw", [b"[]", b"{\"transactions\": []}", b"{}"])
def test_empty_batch_is_400(api, raw):
    reply = api.post("transactions/batch", raw=raw)
    assert (reply.status, reply.body["error"]) == (400, "validation_failed")


@pytest.mark.parametrize("raw", [b"{\"type\": \"accrual\"}", b"{\"transactions\": \"x\"}", b"42", b"\"x\""])
def test_batch_must_be_a_list(api, raw):
    reply = api.post("transactions/batch", raw=raw)
    assert (reply.status, reply.body["error"], reply.body["field"]) == (400, "validation_failed", "transactions")


# ------------------------------------------------------------- routing ----

@pytest.mark.parametrize("path", [API_BASE + "nope", API_BASE + "transactions/batch/x", API_BASE + "Balance",
                                  "/local/api/cashback/v2/balance", "/", "/index.php"])
def test_unknown_path_is_404(api, path):
    reply = api.request("GET", path)
    assert (reply.status, reply.body["error"]) == (404, "not_found")


@pytest.mark.parametrize("method,path,allow", [
    ("DELETE", "balance", {"GET"}), ("POST", "balance", {"GET"}), ("PUT", "transactions", {"GET", "POST"}),
    ("PATCH", "transactions", {"GET", "POST"}), ("GET", "transactions/batch", {"POST"}), ("POST", "health", {"GET"}),
])
def test_wrong_method_is_405_with_allow(api, method, path, allow):
    reply = api.request(method, path, raw=b"{}" if method in ("POST", "PUT", "PATCH") else None)
    assert (reply.status, reply.body["error"]) == (405, "method_not_allowed")
    assert {m.strip() for m in reply.header("Allow").split(",")} == allow


# ----------------------------------------------------------- 503s ----------

@pytest.fixture(scope="module")
def impatient_host(site, tmp_path_factory):
    """A second host on the same database with a short busy timeout."""
    vardir = tmp_path_factory.mktemp("impatient")
    config = vardir / "config.php"
    php_config(config, {"database": str(site.ledger.db), "busy_timeout_ms": 300, "retry_after_seconds": RETRY_AFTER})
    host = Host(vardir, config, workers=2)
    yield host
    host.stop()
    assert not host.php_problems(), host.php_problems()


def test_locked_database_is_503_with_retry_after_then_works(site, contract, impatient_host, customer):
    client = ApiClient(impatient_host.base_url, contract, site.demo_key)
    body = accrual(customer, "7")
    # SQLite's write lock, or on MySQL the writers' lock row, held as a long writer would.
    with site.ledger.tables.write_lock():
        for path, payload in (("transactions", body), ("transactions/batch", [body])):
            reply = client.post(path, payload)
            assert reply.status == 503, reply
            assert reply.body["error"] == "database_busy"
            assert reply.header("Retry-After") == str(RETRY_AFTER)
            assert "Stack trace" not in reply.raw.decode() and "#0" not in reply.raw.decode()
        for path in ("balance", "transactions"):  # reads may be answered or refused, never 500
            reply = client.get(path, user_phone=customer.phone(0))
            assert reply.status in (200, 503)
        health = client.get("health")
        assert health.status in (200, 503)
    # the same request once the writer is gone: applied once
    reply = client.post("transactions", body)
    assert reply.status == 200 and reply.body["status"] == "ok"
    assert balance_of(client, customer.phone(0)) == Decimal("7.00")


def _chattr(flag: str, path) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def private_mariadb():
    """A MariaDB server of this module's own, started on first use (MySQL only): the faults of a whole
    server (its global read_only, its files damaged on disk) must not touch the shared test server."""
    started: list[PrivateServer] = []

    def server() -> PrivateServer:
        if not started:
            started.append(PrivateServer())
        return started[0]
    yield server
    for private in started:
        private.stop()


def broken_sqlite_database(kind: str, site, vardir):
    """The ledger file of a broken host, and whether it was made immutable."""
    db = vardir / "cashback.db"
    if kind == "missing":
        return vardir / "missing-dir" / "cashback.db", False
    if kind == "garbage":
        db.write_bytes(b"this is not an SQLite database\n" * 700)
        return db, False
    source = sqlite3.connect(site.ledger.db)
    copy = sqlite3.connect(db)
    source.backup(copy)
    source.close()
    if kind == "too_new":
        copy.execute("PRAGMA user_version = 999")
        copy.commit()
    copy.close()
    if kind == "readonly":
        if not _chattr("+i", db):  # root ignores file modes; the immutable flag stops it
            pytest.skip("chattr +i is not available here")
        return db, True
    return db, False


def broken_mysql_database(kind: str, site, private_mariadb) -> str:
    """The URL of a broken host's database on MySQL: a database without the ledger's tables, a copy of the
    session's ledger with its lock and key tables damaged on disk (InnoDB reports them corrupted), a copy
    whose schema version is 99, a copy on a server in read_only mode (as a replica or a failed-over
    primary is; the ledger's user has no privilege to bypass it)."""
    if kind == "missing":
        return site.ledger.tables.server.url(site.ledger.tables.server.new_database("missing"))
    if kind == "too_new":
        server = site.ledger.tables.server
        database = server.new_database("too_new")
        site.ledger.tables.copy_to(server, database)
        tables_of(server.url(database)).execute(f"UPDATE {TABLE_PREFIX}schema SET version = 99")
        return server.url(database)
    private = private_mariadb()
    database = f"cb_{kind}"
    private.server.sql(f"CREATE DATABASE {database}")
    site.ledger.tables.copy_to(private.server, database)
    copy = tables_of(private.server.url(database))
    if kind == "garbage":
        private.stop_server()  # nothing of the copy stays in the buffer pool...
        for table in ("writer", "api_keys"):  # ...every write and every key check reads one of them
            corrupt_innodb_file(copy.data_file(table))
        private.start_server()
    else:
        private.server.sql("SET GLOBAL read_only = 1")
    return private.server.url(database)


@pytest.fixture(scope="module", params=["missing", "garbage", "too_new", "readonly"])
def broken_host(request, site, tmp_path_factory, private_mariadb):
    """A host whose database cannot be used. SQLite: its directory is missing, the file is not a database,
    its schema is newer than the extension, or the file cannot be written (immutable). MySQL: see
    broken_mysql_database()."""
    kind = request.param
    vardir = tmp_path_factory.mktemp(f"broken-{kind}")
    immutable = False
    if MYSQL:
        db = broken_mysql_database(kind, site, private_mariadb)
    else:
        db, immutable = broken_sqlite_database(kind, site, vardir)
    config = vardir / "config.php"
    php_config(config, {"database": str(db), "busy_timeout_ms": 300, "retry_after_seconds": RETRY_AFTER})
    try:
        host = Host(vardir, config, workers=2)
        yield kind, host
        host.stop()
        assert not host.php_problems(), host.php_problems()
    finally:
        if immutable:
            _chattr("-i", db)
        if MYSQL and kind == "readonly":
            private_mariadb().server.sql("SET GLOBAL read_only = 0")


EXPECTED_FAULT = {"missing": "database_unavailable", "garbage": "database_corrupt", "too_new": "schema_too_new",
                  "readonly": "database_readonly"}


def test_unusable_database_is_503_everywhere(site, contract, broken_host):
    kind, host = broken_host
    client = ApiClient(host.base_url, contract, site.demo_key)
    reply = client.get("health")
    assert reply.status == 503 and reply.body["status"] == "unavailable"
    assert reply.body["error"] == EXPECTED_FAULT[kind]
    assert reply.header("Retry-After") == str(RETRY_AFTER)
    for method, path, query, body in SECURED_CALLS:
        reply = client.request(method, path, query=query, body=body)
        if kind == "readonly" and method == "GET" and reply.status == 200:
            continue  # reading a read-only ledger may work
        assert reply.status == 503, (method, path, reply)
        assert reply.body["error"] == EXPECTED_FAULT[kind]
        assert reply.header("Retry-After") == str(RETRY_AFTER)


def test_money_has_two_decimals_whatever_serialize_precision(site, contract, tmp_path_factory, customer):
    """A PHP host configured with serialize_precision = 17 (the pre-7.1 default, still found in old
    php.ini files) must still write money with at most 2 decimals."""
    host = Host(tmp_path_factory.mktemp("precision"), site.host.config, workers=1,
                php_args=("-d", "serialize_precision=17"))
    try:
        client = ApiClient(host.base_url, contract, site.demo_key)
        body = {"type": "accrual", "amount": "0.07", "external_id": xid("prec"), "user_id": customer.user_id}
        reply = client.post("transactions", body)  # the contract check fails on 0.070000000000000007
        assert reply.status == 200 and b"0.07" in reply.raw
        reply = client.get("balance", user_phone=customer.phone(0))
        assert reply.body["balance"] == 0.07
    finally:
        host.stop()


# ------------------------------------------------ every documented status --

# Not reachable over HTTP: the balance is i64 kopecks and one amount is at most 1e9 rubles,
# so an overflow needs ~9.2e7 maximal accruals.
UNREACHABLE_CODES = {"balance_overflow"}
CONTRACT_CODES = {
    ("GET", "balance"): {"unauthorized", "invalid_phone", "user_not_found", "phone_ambiguous", "validation_failed"},
    ("POST", "transactions"): {
        "unauthorized", "validation_failed", "invalid_json", "invalid_phone", "user_not_found", "phone_ambiguous",
        "external_id_conflict", "insufficient_balance", "original_not_found", "original_type_mismatch",
        "original_user_mismatch", "exceeds_original", "payload_too_large", "database_busy", "database_unavailable",
    },
    ("POST", "transactions/batch"): {"unauthorized", "validation_failed", "invalid_json", "payload_too_large",
                                     "batch_too_large", "database_busy", "database_unavailable", "database_corrupt",
                                     "schema_too_new"},
    ("GET", "transactions"): {"unauthorized", "validation_failed", "invalid_phone", "user_not_found", "phone_ambiguous"},
}


def test_every_documented_response_was_exercised(request, contract):
    """Runs last in this module: every (path, method, status) of docs/openapi.yaml, and every error code
    of the contract, came back at least once in this session."""
    module = sys.modules[__name__]
    wanted = {name for name in dir(module) if name.startswith("test_") and name != request.node.originalname}
    ran = {item.originalname for item in request.session.items if item.module is module}
    if not wanted <= ran or request.config.option.keyword or request.config.option.markexpr:
        pytest.skip("only meaningful when the whole module runs")
    seen_status = {(path, method, status) for path, method, status, _ in contract.seen}
    missing = contract.documented() - seen_status
    assert not missing, f"documented but never seen: {sorted(missing)}"
    assert {p for p, *_ in contract.seen} >= {"(unknown path)", "(method not allowed)"}
    for (method, path), codes in CONTRACT_CODES.items():
        seen = {code for p, m, _, code in contract.seen if p == API_BASE + path and m == method.lower()}
        assert codes <= seen, f"{method} {path}: never saw {sorted(codes - seen)}"
    ledger_codes = set(contract.doc["components"]["schemas"]["LedgerErrorCode"]["enum"])
    seen_codes = {code for *_, code in contract.seen}
    assert ledger_codes - UNREACHABLE_CODES <= seen_codes
