"""The brief's request from 1C, byte for byte as its HTTP client sends it:

    Запрос = Новый HTTPЗапрос("/local/api/cashback/v1/transactions");
    Запрос.Заголовки.Вставить("Content-Type", "application/json");
    Запрос.Заголовки.Вставить("X-API-Key", Константы.КешбекAPIКлюч.Получить());
    Запрос.УстановитьТелоИзСтроки(ЗаписатьJSON(ТелоЗапроса));
    Ответ = Соединение.ОтправитьДляОбработки(Запрос);

УстановитьТелоИзСтроки writes UTF-8 with a byte-order mark; ЗаписатьJSON
writes line breaks and indents, Cyrillic as is, numbers without trailing
zeros (150.00 -> 150) and dates without an offset.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract import API_BASE, BOM
from register_sim import fetch_history, money, write_json

BRIEF_PHONE = "79001234567"


def one_c_headers(site, body: bytes | None) -> list[tuple[str, str]]:
    """What 1C's HTTPСоединение sends: Host, its User-Agent, the two headers the brief sets, the length."""
    headers = [("Host", f"127.0.0.1:{site.host.port}"), ("User-Agent", "1C+Enterprise/8.3"), ("Accept", "*/*")]
    if body is not None:
        headers.append(("Content-Type", "application/json"))
    headers.append(("X-API-Key", site.demo_key))
    if body is not None:
        headers.append(("Content-Length", str(len(body))))
    return headers


def one_c_body(value) -> bytes:
    return BOM + write_json(value, pretty=True).encode("utf-8")


def get_balance_like_1c(api, site, phone: str):
    # Новый HTTPЗапрос("/local/api/cashback/v1/balance?user_phone=79001234567"), only X-API-Key set
    return api.raw_exchange("GET", f"{API_BASE}balance?user_phone={phone}", one_c_headers(site, None))


def post_like_1c(api, site, path: str, value):
    raw = one_c_body(value)
    return api.raw_exchange("POST", API_BASE + path, one_c_headers(site, raw), raw)


@pytest.fixture
def brief_balance(api, site):
    reply = get_balance_like_1c(api, site, BRIEF_PHONE)
    assert reply.status == 200, reply
    assert reply.body["user_id"] == 42 and reply.body["phone"] == BRIEF_PHONE
    return money(reply.body["balance"])


def test_body_looks_like_zapisatjson():
    raw = one_c_body({"type": "accrual", "amount": Decimal("150.00"), "description": "Касса 2"})
    assert raw.startswith(BOM)
    assert raw[3:].decode() == '{\r\n\t"type": "accrual",\r\n\t"amount": 150,\r\n\t"description": "Касса 2"\r\n}'


def test_brief_accrual_request_unmodified(api, site, brief_balance):
    body = {
        "type": "accrual",
        "amount": Decimal("150.00"),
        "external_id": "Accrual_ЧК00-000101_20261127",
        "user_phone": BRIEF_PHONE,
        "description": "Москва, Тверская 1, касса 2",
        "created_at": "2026-11-27T10:15:00",
    }
    api.contract.check_request_body("POST", API_BASE + "transactions", body)
    reply = post_like_1c(api, site, "transactions", body)
    assert reply.status == 200, reply
    assert reply.body["status"] == "ok" and reply.body["user_id"] == 42
    assert money(reply.body["balance"]) == brief_balance + 150

    # the network dropped the answer; 1C sends the same document again
    again = post_like_1c(api, site, "transactions", body)
    assert again.status == 200
    assert again.body == {"status": "already_exists", "idempotent": True,
                          "transaction_id": reply.body["transaction_id"], "user_id": 42}

    balance = get_balance_like_1c(api, site, BRIEF_PHONE)
    assert money(balance.body["balance"]) == brief_balance + 150

    item = next(i for i in fetch_history(api, BRIEF_PHONE) if i["external_id"] == body["external_id"])
    assert item["description"] == "Москва, Тверская 1, касса 2"
    assert item["created_at"] == "2026-11-27T10:15:00+03:00"
    assert item["source"] == "1c_retail" and item["amount"] == 150


def test_brief_redemption_and_void_like_1c(api, site, brief_balance):
    """Redemption: GET balance, then POST debit; void: release of the debit and a negative accrual."""
    assert brief_balance >= 100
    debit = {"type": "debit", "amount": Decimal("100.00"), "external_id": "Debit_ЧК00-000102_20261127",
             "user_phone": "8 (900) 123-45-67", "description": "Оплата баллами, касса 2",
             "created_at": "2026-11-27T10:20:00", "store_id": "store-1"}
    accrual = {"type": "accrual", "amount": Decimal("7.5"), "external_id": "Accrual_ЧК00-000102_20261127",
               "user_phone": "8 (900) 123-45-67", "description": "Москва, Тверская 1, касса 2",
               "created_at": "2026-11-27T10:20:00", "store_id": "store-1"}
    for body in (debit, accrual):
        reply = post_like_1c(api, site, "transactions", body)
        assert reply.status == 200 and reply.body["status"] == "ok", reply
    assert money(get_balance_like_1c(api, site, BRIEF_PHONE).body["balance"]) == brief_balance - 100 + Decimal("7.5")

    release = {"type": "release", "amount": Decimal("100"), "external_id": "Release_ЧК00-000103_20261127",
               "user_phone": "8 (900) 123-45-67", "original_external_id": debit["external_id"],
               "created_at": "2026-11-27T10:40:00", "store_id": "store-1"}
    reversal = {"type": "accrual", "amount": Decimal("-7.5"), "external_id": "Accrual_ЧК00-000103_20261127",
                "user_phone": "8 (900) 123-45-67", "original_external_id": accrual["external_id"],
                "created_at": "2026-11-27T10:40:00", "store_id": "store-1"}
    for body in (release, reversal):
        reply = post_like_1c(api, site, "transactions", body)
        assert reply.status == 200 and reply.body["status"] == "ok", reply
    assert money(get_balance_like_1c(api, site, BRIEF_PHONE).body["balance"]) == brief_balance


def test_brief_offline_batch_like_1c(api, site, brief_balance):
    """The offline queue as one POST /transactions/batch, written by ЗаписатьJSON (an array)."""
    items = [
        {"type": "accrual", "amount": Decimal("12.30"), "external_id": f"Accrual_ЧК00-00020{n}_20261127",
         "user_phone": BRIEF_PHONE, "description": "Офлайн, касса 2", "created_at": f"2026-11-27T11:0{n}:00",
         "store_id": "store-1"}
        for n in range(3)
    ]
    reply = post_like_1c(api, site, "transactions/batch", items)
    assert reply.status == 200
    assert [r["status"] for r in reply.body["results"]] == ["success"] * 3
    reply = post_like_1c(api, site, "transactions/batch", {"transactions": items})
    assert [r["status"] for r in reply.body["results"]] == ["duplicate"] * 3
    assert money(get_balance_like_1c(api, site, BRIEF_PHONE).body["balance"]) == brief_balance + Decimal("36.90")
