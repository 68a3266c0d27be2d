#!/usr/bin/env python3
"""Writes tests/onec/fixtures: for every request the 1C extension builds, the exact
bytes it sends (NN_name.http) and what it expects back (NN_name.json).

    var/test-venv/bin/python tests/onec/make_fixtures.py           # rewrite
    var/test-venv/bin/python tests/onec/make_fixtures.py --check   # exit 1 when stale

The fixtures are replayed in order against a fresh standalone host by
test_fixtures.py (customers seeded as in SEED below; host max_batch = 5).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onec_model as m  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATE = "2026-11-27T10:15:00"
DAY = "20261127"
STORE = "store-1"
# Seeded by test_fixtures.py: (user_id, phone, verified)
SEED = [(7001, "+7 916 111-00-01", True), (7002, "+7 916 111-00-02", True)]
ANNA = "8 (916) 111-00-01"   # as a cashier types it
BORIS = "8 916 111 00 02"
NOBODY = "8 916 999 99 99"
MAX_BATCH = 5


def ext_id(kind: str, number: str) -> str:
    """кб_КэшбэкКлиентHTTP.ВнешнийИД(): {OperationType}_{DocumentNumber}_{Date}."""
    return f"{kind}_{number}_{DAY}"


def op(op_type: str, amount: str, kind: str, number: str, phone: str, description: str, original: str = ""):
    return m.operation_body(op_type, Decimal(amount), ext_id(kind, number), phone, description, DATE, STORE, original)


def receipt(number: str) -> str:
    return f"Москва, Тверская 1, касса 2, чек {number}"


ACCRUAL = op("accrual", "150.50", "Accrual", "0000123", ANNA, receipt("0000123"))


def fixtures() -> list[dict]:
    """Each: name, builder, what, request (method, resource, body), expect."""
    batch = [
        op("accrual", "200", "Accrual", "0000126", ANNA, receipt("0000126")),
        op("debit", "50", "Debit", "0000127", ANNA, receipt("0000127")),
        ACCRUAL,  # already sent online: duplicate
        op("debit", "10", "Debit", "0000128", BORIS, receipt("0000128")),  # Boris has nothing: insufficient
        op("accrual", "5", "Accrual", "0000129", NOBODY, receipt("0000129")),  # nobody has this phone
    ]
    too_big = [op("accrual", "1", "Accrual", f"00002{i:02d}", ANNA, receipt(f"00002{i:02d}")) for i in range(MAX_BATCH + 1)]
    balance = ("GET", "balance?user_phone=" + m.url_encode(m.phone_for_api(ANNA)), None)
    return [
        dict(name="balance_new_customer", builder="ЗапросБаланса", request=balance,
             what="The register asks the balance of a customer with no transactions yet.",
             expect=dict(status=200, outcome="Доставлено", body={"user_id": 7001, "phone": "79161110001", "balance": 0})),
        dict(name="accrual", builder="ЗапросОперации", request=("POST", "transactions", ACCRUAL),
             what="Accrual of a posted receipt (the queue sends single operations only after a 400 on a batch).",
             expect=dict(status=200, outcome="Доставлено",
                         body={"status": "ok", "user_id": 7001, "balance": 150.5, "negative_balance": False})),
        dict(name="accrual_resend", builder="ЗапросОперации", request=("POST", "transactions", ACCRUAL),
             what="The same bytes again after a lost answer: already_exists, nothing credited twice.",
             expect=dict(status=200, outcome="Доставлено", body={"status": "already_exists", "idempotent": True})),
        dict(name="balance", builder="ЗапросБаланса", request=balance,
             what="Before a redemption: GET balance.",
             expect=dict(status=200, outcome="Доставлено", body={"user_id": 7001, "balance": 150.5})),
        dict(name="debit", builder="ЗапросОперации",
             request=("POST", "transactions", op("debit", "100", "Debit", "0000124", ANNA, receipt("0000124"))),
             what="Redemption at the register: СписатьКэшбэк() posts the debit.",
             expect=dict(status=200, outcome="Доставлено", body={"status": "ok", "balance": 50.5})),
        dict(name="debit_insufficient", builder="ЗапросОперации",
             request=("POST", "transactions", op("debit", "80", "Debit", "0000125", ANNA, receipt("0000125"))),
             what="A debit above the balance: the cashier voids the discount or takes payment.",
             expect=dict(status=422, outcome="НедостаточноСредств", body={"error": "insufficient_balance", "balance": 50.5})),
        dict(name="release", builder="ЗапросОперации",
             request=("POST", "transactions", op("release", "100", "Release", "0000124", ANNA, "Отмена чека 0000124",
                                                 ext_id("Debit", "0000124"))),
             what="The receipt with the debit is voided: Release_ names the debit.",
             expect=dict(status=200, outcome="Доставлено", body={"status": "ok", "balance": 150.5})),
        dict(name="accrual_reversal", builder="ЗапросОперации",
             request=("POST", "transactions", op("accrual", "-150.50", "AccrualReversal", "0000123", ANNA,
                                                 "Отмена чека 0000123", ext_id("Accrual", "0000123"))),
             what="The receipt with the accrual is voided: a negative accrual naming the original.",
             expect=dict(status=200, outcome="Доставлено",
                         body={"status": "ok", "balance": 0, "negative_balance": False})),
        dict(name="batch_offline_queue", builder="ЗапросПакета", request=("POST", "transactions/batch", batch),
             what="The offline queue uploaded as one batch: each item decided on its own, in order.",
             expect=dict(status=200, outcome="Доставлено", body={},
                         items=[dict(status="success", outcome="Доставлено", external_id=batch[0]["external_id"]),
                                dict(status="success", outcome="Доставлено", external_id=batch[1]["external_id"]),
                                dict(status="duplicate", outcome="Доставлено", external_id=batch[2]["external_id"]),
                                dict(status="error", error="insufficient_balance", outcome="НедостаточноСредств",
                                     external_id=batch[3]["external_id"]),
                                dict(status="error", error="user_not_found", outcome="ОшибкаДанных",
                                     external_id=batch[4]["external_id"])])),
        dict(name="history", builder="ЗапросИстории",
             request=("GET", "transactions?user_phone=" + m.url_encode(m.phone_for_api(ANNA)) + "&limit=500", None),
             what="The operator's check (ПроверитьВИстории): is the operation in the customer's history?",
             expect=dict(status=200, outcome="Доставлено", body={"user_id": 7001},
                         history_has=[batch[1]["external_id"], ext_id("Debit", "0000124")])),
        dict(name="external_id_conflict", builder="ЗапросОперации",
             request=("POST", "transactions", op("accrual", "999", "Accrual", "0000123", ANNA, receipt("0000123"))),
             what="The receipt was re-posted with another amount: same external_id, other values.",
             expect=dict(status=409, outcome="ОшибкаДанных", body={"error": "external_id_conflict", "fields": ["amount"]})),
        dict(name="user_not_found", builder="ЗапросОперации",
             request=("POST", "transactions", op("accrual", "5", "Accrual", "0000130", NOBODY, receipt("0000130"))),
             what="A phone no customer has: dead letter for the operator.",
             expect=dict(status=404, outcome="ОшибкаДанных", body={"error": "user_not_found"})),
        dict(name="balance_user_not_found", builder="ЗапросБаланса",
             request=("GET", "balance?user_phone=" + m.url_encode(m.phone_for_api(NOBODY)), None),
             what="Balance of an unknown phone: БалансПокупателя() says ПокупательНеНайден.",
             expect=dict(status=404, outcome="ОшибкаДанных", body={"error": "user_not_found"})),
        dict(name="unauthorized", builder="ЗапросОперации", api_key="invalid",
             request=("POST", "transactions", op("accrual", "5", "Accrual", "0000131", ANNA, receipt("0000131"))),
             what="A wrong key: the queue keeps the operation and alerts (ОшибкаНастройки).",
             expect=dict(status=401, outcome="ОшибкаНастройки", body={"error": "unauthorized"})),
        dict(name="batch_too_large", builder="ЗапросПакета", request=("POST", "transactions/batch", too_big),
             what=f"More items than the host's max_batch ({MAX_BATCH}): nothing applied, the queue halves the batch.",
             expect=dict(status=413, outcome="ПакетСлишкомБольшой", body={"error": "batch_too_large", "max_batch": MAX_BATCH})),
        dict(name="database_busy", builder="ЗапросОперации", setup="lock_database",
             request=("POST", "transactions", op("accrual", "5", "Accrual", "0000132", ANNA, receipt("0000132"))),
             what="The ledger database is locked: 503 with Retry-After, retried later with the same external_id.",
             expect=dict(status=503, outcome="ПовторитьПозже", body={"error": "database_busy"}, retry_after=True)),
        dict(name="database_busy_resend", builder="ЗапросОперации",
             request=("POST", "transactions", op("accrual", "5", "Accrual", "0000132", ANNA, receipt("0000132"))),
             what="The retry after the 503: applied once.",
             expect=dict(status=200, outcome="Доставлено", body={"status": "ok"})),
    ]


def rendered() -> dict[Path, bytes]:
    out = {}
    for index, fixture in enumerate(fixtures(), start=1):
        stem = f"{index:02d}_{fixture['name']}"
        method, resource, body = fixture.pop("request")
        out[FIXTURES / f"{stem}.http"] = m.request_bytes(method, resource, body)
        meta = {"name": fixture.pop("name"), **fixture, "method": method, "path": m.BASE_PATH + resource.split("?")[0],
                "api_key": fixture.get("api_key", "valid"), "bom": False,
                "json_keys": [list(item) for item in body] if isinstance(body, list) else (list(body) if body else None)}
        out[FIXTURES / f"{stem}.json"] = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    files = rendered()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    extra = [p for p in FIXTURES.glob("*.*") if p.suffix in (".http", ".json") and p not in files]
    if args.check:
        for p in stale + extra:
            print(f"stale: {p.name}")
        return 1 if stale or extra else 0
    FIXTURES.mkdir(exist_ok=True)
    for p in extra:
        p.unlink()
    for p, data in files.items():
        p.write_bytes(data)
    print(f"{len(files)} fixture files in {FIXTURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
