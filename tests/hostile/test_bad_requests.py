"""Bad requests, one table row each: (method, path, headers, raw body bytes) ->
expected status and error code (and `field` for validation_failed), and what
the ledger must look like afterwards.

For every row the ledger is snapshotted before and after (entries: count,
max id, sum of amounts; accounts: count, sum of balances), read from outside
the extension (/usr/bin/sqlite3 -readonly on the file; on MySQL the admin's
client on the host's own database):
  - a refused row leaves the snapshot equal;
  - an accepted row (`applies`) adds exactly one entry per applied amount,
    the max id grows by as much, and the sums grow by exactly those amounts.
Every answer is also checked against docs/openapi.yaml (tests/e2e/contract.py),
and no row may leave a PHP warning/notice/fatal in the server log.

The host runs with max_body_bytes = 32 KiB and max_batch = 5 (conftest.py).

    var/test-venv/bin/python -m pytest -q tests/hostile/test_bad_requests.py
"""

from __future__ import annotations

import http.client
import itertools
import json
import urllib.parse
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

import pytest

from contract import API_BASE, BOM
from hosting import PHP_PROBLEM
from hostile_site import MAX_BATCH, MAX_BODY_BYTES

PHONE = "79160007001"  # the table's customer (user 7001), linked by the `customer` fixture
USER_ID = 7001
OTHER_PHONE = "79160007002"  # user 7002: the verbatim-strings customer
OTHER_USER_ID = 7002

MISSING = object()  # tx(field=MISSING) leaves the field out
_ids = itertools.count(1)


def next_id() -> str:
    return f"hostile_{next(_ids):04d}"


def tx(**fields: Any) -> dict:
    """A valid accrual of 10.00 for PHONE with a fresh external_id, with fields overridden."""
    body = {"type": "accrual", "amount": "10.00", "external_id": next_id(), "user_phone": PHONE}
    for name, value in fields.items():
        if value is MISSING:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def js(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def tx_raw(fragment: str, **fields: Any) -> bytes:
    """A valid transaction whose JSON text gets `fragment` (raw JSON text, e.g. '"amount": 1.5e2') appended."""
    text = js(tx(**fields)).decode("utf-8")
    return (text[:-1] + ", " + fragment + "}").encode("utf-8")


def amount_raw(number_text: str, **fields: Any) -> bytes:
    """A valid transaction with `amount` written as this raw JSON text."""
    return tx_raw(f'"amount": {number_text}', amount=MISSING, **fields)


def padded(value: Any, size: int) -> bytes:
    """The JSON of value, padded with insignificant whitespace to exactly size bytes."""
    raw = js(value)
    assert len(raw) <= size
    return raw[:-1] + b" " * (size - len(raw)) + raw[-1:]


@dataclass
class Row:
    id: str
    body: bytes | None
    status: int
    error: str | None = None
    field: str | None = None
    method: str = "POST"
    path: str = "transactions"  # below the API base, or absolute when it starts with "/"
    headers: dict[str, str | None] = dc_field(default_factory=dict)  # None removes a default header
    key: bool = True  # send the demo X-API-Key
    applies: tuple[str, ...] = ()  # amounts (rubles) entered into the ledger by an accepted row
    items: tuple[tuple, ...] = ()  # batch results: ("success",) | ("error", code, field)
    allow: str | None = None  # expected Allow header of a 405
    limit: tuple[str, int] | None = None  # ("max_bytes" | "max_batch", value) of a 413


def refused(id: str, body: bytes | None, status: int, error: str, field: str | None = None, **kw: Any) -> Row:
    return Row(id, body, status, error, field, **kw)


def invalid(id: str, body: bytes | None, field: str, **kw: Any) -> Row:
    return Row(id, body, 400, "validation_failed", field, **kw)


def accepted(id: str, body: bytes | None, *amounts: str, **kw: Any) -> Row:
    return Row(id, body, 200, applies=amounts or ("10.00",), **kw)


def batch_of(count: int) -> list[dict]:
    return [tx(amount="1.00") for _ in range(count)]


NESTED_10K = b"[" * 10_000 + b"]" * 10_000
NESTED_OBJECTS_5K = b'{"a":' * 5_000 + b"1" + b"}" * 5_000

ROWS: list[Row] = [
    # ---- not JSON --------------------------------------------------------------------------
    refused("json-truncated", b'{"type": "accrual", "amount": 10', 400, "invalid_json"),
    refused("json-trailing-comma", js(tx())[:-1] + b",}", 400, "invalid_json"),
    refused("json-single-quotes", b"{'type': 'accrual', 'amount': 10}", 400, "invalid_json"),
    refused("json-bare-NaN", amount_raw("NaN"), 400, "invalid_json"),
    refused("json-bare-Infinity", amount_raw("Infinity"), 400, "invalid_json"),
    refused("json-two-documents", js(tx()) + js(tx()), 400, "invalid_json"),
    refused("json-empty-body", b"", 400, "invalid_json"),
    refused("json-whitespace-only", b" \r\n\t ", 400, "invalid_json"),
    refused("json-raw-control-char-in-string", js(tx(description="a\tb")).replace(b"\\t", b"\t"), 400, "invalid_json"),
    refused("json-raw-nul-in-string", js(tx(description="a\u0000b")).replace(b"\\u0000", b"\x00"), 400, "invalid_json"),
    refused("json-comment", b"/* 1C */" + js(tx()), 400, "invalid_json"),
    # ---- byte-order marks and encodings ----------------------------------------------------
    accepted("utf8-bom", BOM + js(tx())),  # 1C's ЗаписатьJSON writes one: the only body-level quirk accepted
    refused("utf8-double-bom", BOM + BOM + js(tx()), 400, "invalid_json"),
    refused("utf8-bom-only", BOM, 400, "invalid_json"),
    refused("utf16le-with-bom", b"\xff\xfe" + json.dumps(tx()).encode("utf-16-le"), 400, "invalid_json"),
    refused("invalid-utf8-0xff", js(tx(description="caf_")).replace(b"caf_", b"caf\xff"), 400, "invalid_json"),
    refused("invalid-utf8-latin1", js(tx(description="caf_")).replace(b"caf_", b"caf\xe9"), 400, "invalid_json"),
    refused("invalid-utf8-overlong-slash", js(tx(description="a_b")).replace(b"a_b", b"a\xc0\xafb"), 400, "invalid_json"),
    refused("invalid-utf8-surrogate-bytes", js(tx(description="a_b")).replace(b"a_b", b"a\xed\xa0\x80b"), 400, "invalid_json"),
    refused("invalid-utf8-truncated", js(tx(description="a_b")).replace(b"a_b", b"a\xe2\x82"), 400, "invalid_json"),
    refused("invalid-utf8-in-external-id", js(tx(external_id="x_y")).replace(b"x_y", b"x\xfey"), 400, "invalid_json"),
    refused("json-lone-surrogate-escape", js(tx(description="_S_")).replace(b"_S_", b"\\ud800"), 400, "invalid_json"),
    refused("cp1251-body-declared-as-such", json.dumps(tx(description="Касса 2"), ensure_ascii=False).encode("cp1251"),
            400, "invalid_json", headers={"Content-Type": "application/json; charset=windows-1251"}),
    # ---- nesting ---------------------------------------------------------------------------
    refused("nesting-10000-arrays", NESTED_10K, 400, "invalid_json"),
    refused("nesting-10000-arrays-batch", NESTED_10K, 400, "invalid_json", path="transactions/batch"),
    refused("nesting-10000-arrays-in-amount", tx_raw('"amount": ' + NESTED_10K.decode(), amount=MISSING), 400, "invalid_json"),
    refused("nesting-5000-objects", NESTED_OBJECTS_5K, 400, "invalid_json"),
    invalid("nesting-12-arrays-in-amount", tx_raw('"amount": ' + "[" * 12 + "]" * 12, amount=MISSING), "amount"),
    invalid("nesting-12-objects-in-description", tx_raw('"description": ' + '{"a":' * 12 + "1" + "}" * 12), "description"),
    # ---- huge and odd numbers ----------------------------------------------------------------
    invalid("amount-1e400", amount_raw("1e400"), "amount"),
    invalid("amount-minus-1e400", amount_raw("-1e400"), "amount"),
    invalid("amount-1e-400-underflows-to-zero", amount_raw("1e-400"), "amount"),
    invalid("amount-30-digit-integer", amount_raw("123456789012345678901234567890"), "amount"),
    invalid("amount-minus-30-digit-integer", amount_raw("-123456789012345678901234567890"), "amount"),
    invalid("amount-2^53+1", amount_raw("9007199254740993"), "amount"),
    invalid("amount-1000000000.01", amount_raw("1000000000.01"), "amount"),
    # ---- decimal strings exactly as the contract's pattern has them ----
    invalid("amount-string-plus-sign", js(tx(amount="+1")), "amount"),
    invalid("amount-string-20-digits-leading-zeros", js(tx(amount="00000000000000000001.5")), "amount"),
    accepted("amount-string-10-digits-leading-zeros", js(tx(amount="0000000001.50")), "1.50"),
    invalid("amount-string-1000000000.01", js(tx(amount="1000000000.01")), "amount"),
    invalid("amount-string-30-digits", js(tx(amount="123456789012345678901234567890")), "amount"),
    invalid("user_id-30-digit-integer", tx_raw('"user_id": 123456789012345678901234567890', user_phone=MISSING), "user_id"),
    # Exponents. A JSON number with an exponent is valid JSON and the contract's Amount is
    # `type: number, multipleOf: 0.01`, so 1.5e2 (= 150) is a valid amount; the API agrees
    # (it reads the number's value). Decimal *strings* follow ^-?[0-9]{1,10}(\.[0-9]{1,2})?$:
    # "1.5e2" is refused. Both match the contract.
    accepted("amount-1.5e2-is-150", amount_raw("1.5e2"), "150.00"),
    accepted("amount-1E2-is-100", amount_raw("1E2"), "100.00"),
    accepted("amount-15e-1-is-1.50", amount_raw("15e-1"), "1.50"),
    invalid("amount-1.2345e1-has-3-decimals", amount_raw("1.2345e1"), "amount"),
    invalid("amount-string-1.5e2", js(tx(amount="1.5e2")), "amount"),
    invalid("amount-string-1e3", js(tx(amount="1e3")), "amount"),
    # FINDING candidate: more digits than a double holds. 150.0000000000000001 is not a multiple of 0.01
    # (contract) and "anything else is refused, never rounded" (README); PHP's json_decode turns it
    # into the double 150.0 before the ledger sees it.
    invalid("amount-150.0000000000000001-not-rounded", amount_raw("150.0000000000000001"), "amount"),
    invalid("amount-10.009999999999999999-not-rounded-up", amount_raw("10.009999999999999999"), "amount"),
    # ---- zero and negative -------------------------------------------------------------------
    invalid("amount-0", amount_raw("0"), "amount"),
    invalid("amount-0.0", amount_raw("0.0"), "amount"),
    invalid("amount-minus-0", amount_raw("-0"), "amount"),
    invalid("amount-string-0", js(tx(amount="0")), "amount"),
    invalid("amount-string-0.00", js(tx(amount="0.00")), "amount"),
    invalid("amount-string-minus-0.00", js(tx(amount="-0.00")), "amount"),
    invalid("debit-negative", js(tx(type="debit", amount=-10)), "amount"),
    invalid("debit-negative-string", js(tx(type="debit", amount="-10.00")), "amount"),
    invalid("release-negative", js(tx(type="release", amount=-10, original_external_id="hostile_debit")), "amount"),
    # ---- more than two decimals and other malformed amounts -----------------------------------
    invalid("amount-10.123", amount_raw("10.123"), "amount"),
    invalid("amount-string-10.123", js(tx(amount="10.123")), "amount"),
    invalid("amount-0.001", amount_raw("0.001"), "amount"),
    invalid("amount-0.285", amount_raw("0.285"), "amount"),
    invalid("amount-string-10.120", js(tx(amount="10.120")), "amount"),  # the string pattern allows 1-2 decimals
    accepted("amount-number-10.120-is-10.12", amount_raw("10.120"), "10.12"),  # as a number it is 10.12 (multipleOf 0.01)
    invalid("amount-comma-decimal", js(tx(amount="150,50")), "amount"),
    invalid("amount-leading-space", js(tx(amount=" 150")), "amount"),
    invalid("amount-thousands-space", js(tx(amount="1 000")), "amount"),
    invalid("amount-string-NaN", js(tx(amount="NaN")), "amount"),
    invalid("amount-string-Infinity", js(tx(amount="Infinity")), "amount"),
    invalid("amount-empty-string", js(tx(amount="")), "amount"),
    invalid("amount-trailing-dot", js(tx(amount="150.")), "amount"),
    invalid("amount-hex", js(tx(amount="0x10")), "amount"),
    # ---- unknown types -------------------------------------------------------------------------
    invalid("type-refund", js(tx(type="refund")), "type"),
    invalid("type-upper-case", js(tx(type="ACCRUAL")), "type"),
    invalid("type-trailing-space", js(tx(type="accrual ")), "type"),
    invalid("type-empty", js(tx(type="")), "type"),
    invalid("type-null", js(tx(type=None)), "type"),
    invalid("type-number", js(tx(type=1)), "type"),
    invalid("type-array", js(tx(type=["accrual"])), "type"),
    # ---- missing fields ----------------------------------------------------------------------
    invalid("missing-external_id", js(tx(external_id=MISSING)), "external_id"),
    invalid("missing-type", js(tx(type=MISSING)), "type"),
    invalid("missing-amount", js(tx(amount=MISSING)), "amount"),
    invalid("missing-user_phone-and-user_id", js(tx(user_phone=MISSING)), "user_phone"),
    invalid("null-amount-counts-as-missing", js(tx(amount=None)), "amount"),
    invalid("null-external_id-counts-as-missing", js(tx(external_id=None)), "external_id"),
    invalid("empty-object", b"{}", "external_id"),
    invalid("empty-array-as-transaction", b"[]", "body"),  # a list is not an object, even an empty one
    invalid("release-without-original", js(tx(type="release")), "original_external_id"),
    invalid("both-user_id-and-user_phone", js(tx(user_id=USER_ID)), "user_id"),
    invalid("body-is-a-number", b"42", "body"),
    invalid("body-is-a-string", b'"accrual"', "body"),
    invalid("body-is-null", b"null", "body"),
    invalid("body-is-true", b"true", "body"),
    invalid("body-is-a-list-of-one-transaction", js([tx()]), "body"),
    # ---- extra fields (refused: a typo must not pass silently) --------------------------------
    invalid("extra-descripton-typo", js(tx(descripton="Moscow")), "transaction"),
    invalid("extra-Amount-capitalized", js(tx(Amount="10.00")), "transaction"),
    invalid("extra-empty-key", js(tx(**{"": 1})), "transaction"),
    invalid("extra-__proto__", js(tx(__proto__={"admin": True})), "transaction"),
    invalid("extra-transaction_id", js(tx(transaction_id=1)), "transaction"),
    invalid("extra-balance", js(tx(balance=1000000)), "transaction"),
    invalid("extra-nul-key", js(tx(**{"\u0000amount": 1})), "transaction"),
    # ---- wrong types -------------------------------------------------------------------------
    invalid("amount-empty-object", js(tx(amount={})), "amount"),
    invalid("amount-object", js(tx(amount={"value": 10})), "amount"),
    invalid("amount-true", js(tx(amount=True)), "amount"),
    invalid("amount-false", js(tx(amount=False)), "amount"),
    invalid("amount-array", js(tx(amount=[10])), "amount"),
    invalid("amount-empty-array", js(tx(amount=[])), "amount"),
    invalid("external_id-number", js(tx(external_id=12345)), "external_id"),
    invalid("external_id-float", js(tx(external_id=1.5)), "external_id"),
    invalid("external_id-true", js(tx(external_id=True)), "external_id"),
    invalid("external_id-object", js(tx(external_id={"id": "x"})), "external_id"),
    invalid("user_phone-array", js(tx(user_phone=[PHONE])), "user_phone"),
    invalid("user_phone-object", js(tx(user_phone={"phone": PHONE})), "user_phone"),
    invalid("user_phone-true", js(tx(user_phone=True)), "user_phone"),
    invalid("created_at-number", js(tx(created_at=1764227700)), "created_at"),
    invalid("created_at-true", js(tx(created_at=True)), "created_at"),
    invalid("created_at-array", js(tx(created_at=["2026-11-27T10:15:00"])), "created_at"),
    invalid("created_at-yesterday", js(tx(created_at="yesterday")), "created_at"),
    invalid("created_at-feb-30", js(tx(created_at="2026-02-30T10:15:00")), "created_at"),
    invalid("description-number", js(tx(description=5)), "description"),
    invalid("description-array", js(tx(description=["a"])), "description"),
    invalid("store_id-number", js(tx(store_id=1)), "store_id"),
    invalid("source-number", js(tx(source=1)), "source"),
    invalid("source-upper-case", js(tx(source="Web")), "source"),
    invalid("user_id-true", js(tx(user_phone=MISSING, user_id=True)), "user_id"),
    invalid("user_id-float", js(tx(user_phone=MISSING, user_id=1.5)), "user_id"),
    invalid("user_id-zero", js(tx(user_phone=MISSING, user_id=0)), "user_id"),
    invalid("user_id-negative", js(tx(user_phone=MISSING, user_id=-1)), "user_id"),
    invalid("user_id-digits-and-letters", js(tx(user_phone=MISSING, user_id="42abc")), "user_id"),
    invalid("original_external_id-number", js(tx(amount="-1.00", original_external_id=5)), "original_external_id"),
    # ---- lengths -------------------------------------------------------------------------------
    invalid("external_id-129-chars", js(tx(external_id="E" * 129)), "external_id"),
    accepted("external_id-128-chars", js(tx(external_id="E" * 128))),
    invalid("external_id-129-cyrillic", js(tx(external_id="Ж" * 129)), "external_id"),
    invalid("external_id-empty", js(tx(external_id="")), "external_id"),
    invalid("external_id-leading-space", js(tx(external_id=" hostile_space")), "external_id"),
    invalid("description-1001-chars", js(tx(description="d" * 1001)), "description"),
    accepted("description-1000-chars", js(tx(description="d" * 1000))),
    invalid("description-1001-cyrillic", js(tx(description="д" * 1001)), "description"),
    accepted("description-1000-cyrillic", js(tx(description="д" * 1000))),  # characters, not bytes
    invalid("store_id-65-chars", js(tx(store_id="s" * 65)), "store_id"),
    invalid("original_external_id-129-chars", js(tx(amount="-1.00", original_external_id="o" * 129)), "original_external_id"),
    # ---- control characters (free text allows \n \r \t only) -----------------------------------
    invalid("external_id-NUL", js(tx(external_id="Accrual_\u0000_1")), "external_id"),
    invalid("external_id-BEL", js(tx(external_id="Accrual_\u0007_1")), "external_id"),
    invalid("external_id-newline", js(tx(external_id="Accrual_\n_1")), "external_id"),
    invalid("external_id-tab", js(tx(external_id="Accrual_\t_1")), "external_id"),
    invalid("external_id-DEL", js(tx(external_id="Accrual_\u007f_1")), "external_id"),
    invalid("external_id-C1-NEL", js(tx(external_id="Accrual_\u0085_1")), "external_id"),
    invalid("description-NUL", js(tx(description="Moscow\u0000register 2")), "description"),
    invalid("description-BEL", js(tx(description="Moscow\u0007register 2")), "description"),
    invalid("description-ESC", js(tx(description="\u001b[31mred")), "description"),
    invalid("description-DEL", js(tx(description="Moscow\u007f")), "description"),
    accepted("description-newline-cr-tab", js(tx(description="Moscow,\r\nTverskaya 1\tregister 2\n"))),
    invalid("store_id-SOH", js(tx(store_id="store\u0001")), "store_id"),
    # ---- invisible characters make distinct ids: a resend that picked one up would apply twice ----
    *(invalid(f"{field}-U+{ord(c):04X}", js(tx(**{field: "Accrual_0001" + c}, **extra)), field)
      for c in "\u200b\u200d\ufeff\u202e\u2066\u00ad\u2028"
      for field, extra in (("external_id", {}), ("store_id", {}),
                           ("original_external_id", {"amount": "-1.00"}))),
    accepted("description-zero-width-joiner", js(tx(description="family \U0001F468\u200d\U0001F469"))),
    invalid("store_id-newline", js(tx(store_id="store\n1")), "store_id"),
    refused("user_phone-NUL", js(tx(user_phone=PHONE + "\u0000")), 400, "invalid_phone"),
    # ---- injection-looking values where they are not valid --------------------------------------
    refused("user_phone-sql", js(tx(user_phone="1'; DROP TABLE entries; --")), 400, "invalid_phone"),
    refused("user_phone-sql-or", js(tx(user_phone=PHONE + "' OR '1'='1")), 400, "invalid_phone"),
    refused("user_phone-html", js(tx(user_phone="<script>alert(1)</script>")), 400, "invalid_phone"),
    invalid("source-sql", js(tx(source="web'; DROP TABLE entries; --")), "source"),
    invalid("type-sql", js(tx(type="accrual' OR '1'='1")), "type"),
    invalid("amount-sql", js(tx(amount="10; DROP TABLE entries")), "amount"),
    # ---- size limits (max_body_bytes 32 KiB, max_batch 5) ---------------------------------------
    refused("body-over-max_body_bytes", padded(tx(), MAX_BODY_BYTES + 1), 413, "payload_too_large",
            limit=("max_bytes", MAX_BODY_BYTES)),
    accepted("body-exactly-max_body_bytes", padded(tx(), MAX_BODY_BYTES)),
    refused("batch-body-over-max_body_bytes", padded(batch_of(1), MAX_BODY_BYTES + 1), 413, "payload_too_large",
            path="transactions/batch", limit=("max_bytes", MAX_BODY_BYTES)),
    refused("garbage-over-max_body_bytes", b"\xff" * (MAX_BODY_BYTES + 100), 413, "payload_too_large",
            limit=("max_bytes", MAX_BODY_BYTES)),
    refused("batch-over-max_batch", js(batch_of(MAX_BATCH + 1)), 413, "batch_too_large",
            path="transactions/batch", limit=("max_batch", MAX_BATCH)),
    refused("batch-object-over-max_batch", js({"transactions": batch_of(MAX_BATCH + 1)}), 413, "batch_too_large",
            path="transactions/batch", limit=("max_batch", MAX_BATCH)),
    refused("batch-over-max_batch-of-garbage", js([1] * (MAX_BATCH + 1)), 413, "batch_too_large",
            path="transactions/batch", limit=("max_batch", MAX_BATCH)),
    Row("batch-exactly-max_batch", js(batch_of(MAX_BATCH)), 200, path="transactions/batch",
        applies=("1.00",) * MAX_BATCH, items=(("success",),) * MAX_BATCH),
    # ---- batches: empty, not a list, items that are not objects ---------------------------------
    invalid("batch-empty-array", b"[]", "transactions", path="transactions/batch"),
    invalid("batch-empty-transactions", b'{"transactions": []}', "transactions", path="transactions/batch"),
    invalid("batch-empty-object", b"{}", "transactions", path="transactions/batch"),
    invalid("batch-transactions-empty-object", b'{"transactions": {}}', "transactions", path="transactions/batch"),
    invalid("batch-transactions-string", b'{"transactions": "[]"}', "transactions", path="transactions/batch"),
    invalid("batch-transactions-null", b'{"transactions": null}', "transactions", path="transactions/batch"),
    invalid("batch-single-transaction-object", js(tx()), "transactions", path="transactions/batch"),
    invalid("batch-wrong-wrapper-key", js({"items": batch_of(1)}), "transactions", path="transactions/batch"),
    invalid("batch-body-number", b"5", "transactions", path="transactions/batch"),
    invalid("batch-body-null", b"null", "transactions", path="transactions/batch"),
    refused("batch-invalid-json", b"[{]", 400, "invalid_json", path="transactions/batch"),
    # ---- one reading of the document: a repeated key would be read differently by a proxy or an audit ----
    invalid("duplicate-key-amount", tx_raw('"amount": 1, "amount": 1000', amount=MISSING), "body.amount"),
    invalid("duplicate-key-unknown-field", tx_raw('"note": 1, "note": 2'), "body.note"),
    invalid("duplicate-key-escaped", tx_raw('"amount": 1, "am\\u006funt": 1000', amount=MISSING), "body.amount"),
    invalid("duplicate-key-in-batch-item", b"[" + tx_raw('"amount": 1, "amount": 1000', amount=MISSING) + b"]",
            "transactions[0].amount", path="transactions/batch"),
    invalid("duplicate-key-transactions", b'{"transactions": [], "transactions": []}', "transactions",
            path="transactions/batch"),
    invalid("batch-wrapper-extra-key", b'{"transactions": [' + js(tx()) + b'], "extra": 1}', "body",
            path="transactions/batch"),
    Row("batch-item-number", b"[5]", 200, path="transactions/batch", items=(("error", "validation_failed", "transaction"),)),
    Row("batch-item-string", b'["accrual"]', 200, path="transactions/batch", items=(("error", "validation_failed", "transaction"),)),
    Row("batch-item-null", b"[null]", 200, path="transactions/batch", items=(("error", "validation_failed", "transaction"),)),
    Row("batch-item-true", b"[true]", 200, path="transactions/batch", items=(("error", "validation_failed", "transaction"),)),
    Row("batch-item-list", b"[[1, 2]]", 200, path="transactions/batch", items=(("error", "validation_failed", "transaction"),)),
    Row("batch-items-unknown-field-and-bad-amount", js([tx(descripton="x"), tx(amount="1.234")]), 200,
        path="transactions/batch",
        items=(("error", "validation_failed", "transaction"), ("error", "validation_failed", "amount"))),
    Row("batch-good-item-then-number", js([tx(amount="2.00")])[:-1] + b", 7]", 200, path="transactions/batch",
        applies=("2.00",), items=(("success",), ("error", "validation_failed", "transaction"))),
    # ---- headers: the key ------------------------------------------------------------------------
    refused("key-missing", js(tx()), 401, "unauthorized", key=False),
    refused("key-empty", js(tx()), 401, "unauthorized", key=False, headers={"X-API-Key": ""}),
    refused("key-wrong", js(tx()), 401, "unauthorized", key=False,
            headers={"X-API-Key": "cbk_000000000000_" + "0" * 48}),
    refused("key-missing-batch", js(batch_of(1)), 401, "unauthorized", key=False, path="transactions/batch"),
    # ---- methods and paths (no key needed for 404/405) --------------------------------------------
    Row("GET-balance-with-a-body", js(tx()), 200, method="GET", path=f"balance?user_phone={PHONE}"),
    Row("GET-history-with-a-body", js(tx()), 200, method="GET", path=f"transactions?user_phone={PHONE}&limit=1"),
    refused("PUT-transactions", js(tx()), 405, "method_not_allowed", method="PUT", key=False, allow="GET, POST"),
    refused("DELETE-transactions", None, 405, "method_not_allowed", method="DELETE", key=False, allow="GET, POST"),
    refused("PATCH-transactions", js(tx()), 405, "method_not_allowed", method="PATCH", allow="GET, POST"),
    refused("GET-batch", None, 405, "method_not_allowed", method="GET", path="transactions/batch", allow="POST"),
    refused("PUT-batch", js(batch_of(1)), 405, "method_not_allowed", method="PUT", path="transactions/batch", allow="POST"),
    refused("POST-balance", js(tx()), 405, "method_not_allowed", path="balance", allow="GET"),
    refused("POST-health", js(tx()), 405, "method_not_allowed", path="health", key=False, allow="GET"),
    refused("OPTIONS-balance", None, 405, "method_not_allowed", method="OPTIONS", path="balance", key=False, allow="GET"),
    refused("TRACE-balance", None, 405, "method_not_allowed", method="TRACE", path="balance", key=False, allow="GET"),
    # A method PHP's built-in server does not know (QUERY) never reaches the front controller there:
    # tests/fpm/run.sh checks the 405 through nginx + php-fpm, the production host.
    refused("unknown-path", js(tx()), 404, "not_found", path="credit"),
    refused("unknown-path-no-key", None, 404, "not_found", method="GET", path="nope", key=False),
    refused("api-base-itself", None, 404, "not_found", method="GET", path=""),
    refused("path-below-batch", js(batch_of(1)), 404, "not_found", path="transactions/batch/1"),
    refused("path-upper-case", js(tx()), 404, "not_found", path="TRANSACTIONS"),
    refused("path-with-extension", js(tx()), 404, "not_found", path="transactions.php"),
    refused("path-encoded-dot-dot", None, 404, "not_found", method="GET", path="%2e%2e/%2e%2e/admin/"),
    refused("other-api-version", js(tx()), 404, "not_found", path="/local/api/cashback/v2/transactions"),
    # ---- Content-Type is not checked ---------------------------------------------------------------
    accepted("content-type-text-plain", js(tx()), headers={"Content-Type": "text/plain"}),
    accepted("content-type-missing", js(tx()), headers={"Content-Type": None}),
    accepted("content-type-form-urlencoded", js(tx()), headers={"Content-Type": "application/x-www-form-urlencoded"}),
    accepted("content-type-json-charset-1251-utf8-body", js(tx(description="Касса 2")),
             headers={"Content-Type": "application/json; charset=windows-1251"}),
    accepted("content-type-json-upper-case", js(tx()), headers={"Content-Type": "APPLICATION/JSON; CHARSET=UTF-8"}),
    # The hosts run with enable_post_data_reading=0: PHP leaves every body to the API, unparsed and unwarned.
    accepted("content-type-multipart-with-boundary", js(tx()), headers={"Content-Type": "multipart/form-data; boundary=x"}),
    accepted("content-type-multipart-without-boundary", js(tx()), headers={"Content-Type": "multipart/form-data"}),
    # ---- query-string injection in user_phone (and limit/cursor) -------------------------------------
    refused("query-phone-sql-or", None, 400, "invalid_phone", method="GET",
            path="balance?user_phone=" + urllib.parse.quote("' OR '1'='1")),
    refused("query-phone-valid-then-sql", None, 400, "invalid_phone", method="GET",
            path="transactions?user_phone=" + urllib.parse.quote(PHONE + "' OR '1'='1")),
    refused("query-phone-drop-table", None, 400, "invalid_phone", method="GET",
            path="transactions?user_phone=" + urllib.parse.quote("1'; DROP TABLE entries; --")),
    refused("query-phone-html", None, 400, "invalid_phone", method="GET",
            path="balance?user_phone=" + urllib.parse.quote("<script>alert(1)</script>")),
    refused("query-phone-NUL", None, 400, "invalid_phone", method="GET", path=f"balance?user_phone={PHONE}%00"),
    refused("query-phone-CRLF-header-injection", None, 400, "invalid_phone", method="GET",
            path=f"balance?user_phone={PHONE}%0d%0aSet-Cookie:%20x=1"),
    refused("query-phone-encoded-ampersand", None, 400, "invalid_phone", method="GET",
            path=f"transactions?user_phone={PHONE}%26limit%3D1"),
    refused("query-phone-duplicated-last-wins", None, 400, "invalid_phone", method="GET",
            path=f"balance?user_phone={PHONE}&user_phone=" + urllib.parse.quote("' OR 1=1 --")),
    invalid("query-phone-as-array", None, "user_phone", method="GET", path=f"balance?user_phone[]={PHONE}"),
    invalid("query-phone-as-map", None, "user_phone", method="GET", path=f"transactions?user_phone[a]={PHONE}"),
    invalid("query-phone-empty", None, "user_phone", method="GET", path="balance?user_phone="),
    invalid("query-limit-sql", None, "limit", method="GET",
            path=f"transactions?user_phone={PHONE}&limit=" + urllib.parse.quote("1; DROP TABLE entries")),
    invalid("query-limit-zero", None, "limit", method="GET", path=f"transactions?user_phone={PHONE}&limit=0"),
    invalid("query-limit-20-digits", None, "limit", method="GET",
            path=f"transactions?user_phone={PHONE}&limit=99999999999999999999"),
    invalid("query-cursor-or", None, "cursor", method="GET",
            path=f"transactions?user_phone={PHONE}&cursor=" + urllib.parse.quote("1 OR 1=1")),
    invalid("query-cursor-negative", None, "cursor", method="GET", path=f"transactions?user_phone={PHONE}&cursor=-1"),
]

_duplicates = {row.id for row in ROWS if [r.id for r in ROWS].count(row.id) > 1}
assert not _duplicates, f"duplicate row ids: {_duplicates}"


# ------------------------------------------------------------------------------------------------

@dataclass
class Exchange:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw.decode("utf-8"))


def send(site, method: str, path: str, body: bytes | None, headers: dict[str, str | None], key: bool) -> Exchange:
    """Exactly these bytes with http.client (no client-side normalization of the body)."""
    target = path if path.startswith("/") else API_BASE + path
    merged: dict[str, str | None] = {"Host": f"127.0.0.1:{site.host.port}", "Accept": "application/json"}
    if key:
        merged["X-API-Key"] = site.demo_key
    if body is not None:
        merged["Content-Type"] = "application/json"
        merged["Content-Length"] = str(len(body))
    merged.update(headers)
    connection = http.client.HTTPConnection("127.0.0.1", site.host.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in merged.items():
            if value is not None:
                connection.putheader(name, value)
        connection.endheaders(body if body else None)
        response = connection.getresponse()
        return Exchange(response.status, response.headers, response.read())
    finally:
        connection.close()


REPORTED_LOG_LINES: set[str] = set()  # PHP problems already blamed on a row


def kopecks(amount: str) -> int:
    return int(Decimal(amount) * 100)


@pytest.fixture(scope="module")
def customer(hostile_host):
    hostile_host.ledger.link_phones([(USER_ID, PHONE, True), (OTHER_USER_ID, OTHER_PHONE, True)])
    return USER_ID, PHONE


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_request(row: Row, hostile_host, hostile_contract, customer):
    site, contract = hostile_host, hostile_contract
    before = site.db.snapshot()
    log_offset = site.host.log_path.stat().st_size
    reply = send(site, row.method, row.path, row.body, row.headers, row.key)
    after = site.db.snapshot()
    shown = f"{row.method} {row.path} -> {reply.status} {reply.raw[:400]!r}"

    status, expected_status = reply.status, row.status
    assert status == expected_status, f"expected {row.status} {row.error or ''} {row.field or ''}; got {shown}"
    # The answer matches the contract (status documented for the operation, schema, Content-Type, headers).
    url_path = urllib.parse.urlsplit(row.path if row.path.startswith("/") else API_BASE + row.path).path
    contract.check_response(row.method, url_path, reply.status, reply.headers, reply.raw)
    body = reply.json()
    if row.error is not None:
        assert body.get("error") == row.error, shown
    if row.field is not None:
        assert body.get("field") == row.field, shown
    if row.allow is not None:
        assert reply.headers.get("Allow") == row.allow, shown
    if row.limit is not None:
        assert body.get(row.limit[0]) == row.limit[1], shown
    if row.items:
        results = body["results"]
        assert len(results) == len(row.items), shown
        for result, expected in zip(results, row.items):
            assert result["status"] == expected[0], shown
            if expected[0] == "error":
                assert (result["error"], result.get("field")) == expected[1:], shown
    assert "Set-Cookie" not in reply.headers, shown

    # The ledger: untouched, or exactly the applied amounts.
    if row.applies:
        added = sum(kopecks(a) for a in row.applies)
        got = (after.entries, after.max_id, after.sum_amount, after.sum_balance)
        want = (before.entries + len(row.applies), before.max_id + len(row.applies),
                before.sum_amount + added, before.sum_balance + added)
        assert got == want, f"ledger after an accepted row: {after}; expected {want} from {before} ({shown})"
        assert after.accounts in (before.accounts, before.accounts + 1), f"{before} -> {after}"
    else:
        assert after == before, f"a refused row changed the ledger: before {before}, after {after} ({shown})"

    # No PHP warning, notice or fatal error in the server log because of this request.
    with open(site.host.log_path, "rb") as log:
        log.seek(log_offset)
        new_lines = log.read().decode("utf-8", "replace").splitlines()
    problems = [line for line in new_lines if PHP_PROBLEM.search(line)]
    REPORTED_LOG_LINES.update(problems)
    assert not problems, f"PHP problems in the server log after {row.method} {row.path}:\n" + "\n".join(problems)


# ---- valid strings that look like attacks: stored and returned verbatim ----------------------------

INJECTION_STRINGS = [
    "1'; DROP TABLE entries; --",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"; DELETE FROM accounts; --",
    "Robert'); DROP TABLE phones;--",
    "${jndi:ldap://x/a} {{7*7}} %s%n",
    "Касса №2 — «Тверская» 😀",
]


@pytest.mark.parametrize("text", INJECTION_STRINGS, ids=[f"s{i}" for i in range(len(INJECTION_STRINGS))])
def test_injection_looking_strings_are_stored_verbatim(text, hostile_host, hostile_api, customer):
    site, api = hostile_host, hostile_api
    before = site.db.snapshot()
    # The same text as external_id, description and store_id (each within its length limit).
    sent = {"type": "accrual", "amount": "1.00", "external_id": text, "user_phone": OTHER_PHONE,
            "description": text, "store_id": text}
    # The store's own key: creating it registers the store, and a key writes for its store only.
    _, store_key = site.ledger.create_key("injection-store", text)
    api = api.with_key(store_key)
    reply = api.post("transactions", sent)
    assert reply.status == 200 and reply.body["status"] == "ok", reply
    transaction_id = reply.body["transaction_id"]
    after = site.db.snapshot()
    assert (after.entries, after.max_id, after.sum_amount) == (before.entries + 1, before.max_id + 1, before.sum_amount + 100)

    history = api.get("transactions", user_phone=OTHER_PHONE, limit="500")
    assert history.status == 200, history
    items = [item for item in history.body["items"] if item["transaction_id"] == transaction_id]
    assert len(items) == 1, history
    item = items[0]
    assert item["external_id"] == text and item["description"] == text and item["store_id"] == text, item
    # The exact bytes are on the wire: JSON with unescaped Unicode and slashes, nothing HTML-escaped.
    assert json.dumps(text, ensure_ascii=False).encode("utf-8") in history.raw, history.raw[:2000]
    assert history.header("X-Content-Type-Options") == "nosniff"
    assert history.header("Content-Type") == "application/json; charset=utf-8"

    # The database holds the same bytes, and nothing was dropped.
    hexed = text.encode("utf-8").hex().upper()
    stored = site.db.query(
        f"SELECT hex(external_id) AS e, hex(description) AS d, hex(store_id) AS s FROM {site.db.prefix}entries"
        f" WHERE id = {int(transaction_id)}"
    )
    assert stored == [{"e": hexed, "d": hexed, "s": hexed}]
    assert {"entries", "accounts", "phones", "sync_log", "stores", "api_keys"} <= site.db.tables()

    # A resend is recognized as the same transaction (the text is an exact key, not a pattern).
    again = api.post("transactions", sent)
    assert again.status == 200 and again.body["status"] == "already_exists" and again.body["transaction_id"] == transaction_id


def test_ledger_is_consistent_after_the_table(hostile_host, hostile_api, customer):
    """After every row above: the tables exist, verify() is clean, the balance is what the rows applied."""
    site, api = hostile_host, hostile_api
    assert {"entries", "accounts", "phones", "sync_log", "stores", "api_keys"} <= site.db.tables()
    report = site.ledger.verify()
    assert report["ok"] is True, report
    rows = site.db.query(
        f"SELECT coalesce(sum(amount), 0) AS total, count(*) AS n FROM {site.db.prefix}entries WHERE user_id = {USER_ID}")
    balance = api.get("balance", user_phone=PHONE)
    assert balance.status == 200
    assert kopecks(str(balance.body["balance"])) == int(rows[0]["total"])


def test_server_log_has_no_other_php_problems(hostile_host):
    """PHP warnings/notices/fatals that no table row was blamed for (those fail their row)."""
    problems = [line for line in hostile_host.host.php_problems() if line not in REPORTED_LOG_LINES]
    assert not problems, "PHP problems in the server log:\n" + "\n".join(problems[:20])
