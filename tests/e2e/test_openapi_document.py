"""docs/openapi.yaml itself: complete, resolvable, and strict enough to catch regressions."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from contract import ContractViolation

SECURED = {"401", "503"}
REQUIRED_SCHEMAS = [
    "Balance", "TransactionRequest", "TransactionOk", "TransactionDuplicate", "BatchRequest", "BatchResult",
    "BatchResponse", "History", "HistoryItem", "Health", "HealthUnavailable", "Unauthorized", "ValidationFailed",
    "InvalidJson", "InvalidPhone", "UserNotFound", "PhoneAmbiguous", "ExternalIdConflict", "InsufficientBalance",
    "ExceedsOriginal", "LedgerRefused", "PayloadTooLarge", "BatchTooLarge", "NotFound", "MethodNotAllowed",
    "Unavailable",
]
BASE = "/local/api/cashback/v1/"


def test_header_servers_and_security(contract):
    doc = contract.doc
    assert re.fullmatch(r"3\.1\.\d+", doc["openapi"])
    assert doc["servers"][0]["url"] == "http://127.0.0.1:8080"
    scheme = doc["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert doc["security"] == [{"ApiKey": []}]


def test_every_endpoint_is_documented(contract):
    assert set(contract.operations()) == {
        (BASE + "balance", "get"),
        (BASE + "transactions", "get"),
        (BASE + "transactions", "post"),
        (BASE + "transactions/batch", "post"),
        (BASE + "health", "get"),
    }


def test_every_response_has_a_json_schema_and_secured_ones_have_401_503(contract):
    for path, method in contract.operations():
        operation = contract.doc["paths"][path][method]
        statuses = set(operation["responses"])
        if operation.get("security") == []:
            assert path.endswith("/health")
            assert statuses == {"200", "503"}
        else:
            assert SECURED <= statuses, f"{method} {path} lacks {SECURED - statuses}"
        for status, response in operation["responses"].items():
            node, _ = contract.resolve(response, "")
            assert "schema" in node["content"]["application/json"], f"{method} {path} {status}"
            if status == "503":
                assert node["headers"]["Retry-After"]
    for name in ("unknown-path", "method-not-allowed"):
        node, _ = contract.resolve(contract.doc["x-unmatched-responses"][name], "")
        assert "schema" in node["content"]["application/json"]


def test_schemas_are_valid_2020_12_and_every_ref_resolves(contract):
    schemas = contract.doc["components"]["schemas"]
    for name in REQUIRED_SCHEMAS:
        assert name in schemas, name
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        contract.validator(f"/components/schemas/{name}").is_valid({})  # resolves its $refs eagerly enough

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                contract.resolve(node, "")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(contract.doc)


def test_batch_request_accepts_array_and_object_forms(contract):
    item = {"type": "accrual", "amount": 150.0, "external_id": "A_1_20261127", "user_phone": "79001234567"}
    contract.validate("/components/schemas/BatchRequest", [item], "array form")
    contract.validate("/components/schemas/BatchRequest", {"transactions": [item]}, "object form")
    with pytest.raises(ContractViolation):
        contract.validate("/components/schemas/BatchRequest", [], "empty")
    with pytest.raises(ContractViolation):
        contract.validate("/components/schemas/BatchRequest", {"items": [item]}, "wrong key")


GOOD = {
    "Balance": {"user_id": 42, "phone": "79001234567", "balance": 1250.5, "updated_at": "2026-11-27T10:15:00+03:00"},
    "TransactionOk": {"status": "ok", "transaction_id": 7, "user_id": 42, "balance": 1400.5, "negative_balance": False},
    "TransactionDuplicate": {"status": "already_exists", "idempotent": True, "transaction_id": 7},
    "ExternalIdConflict": {"error": "external_id_conflict", "fields": ["amount"]},
    "InsufficientBalance": {"error": "insufficient_balance", "balance": 0.07},
}

# Regressions the schemas must catch: (schema, instance).
BAD = [
    ("Balance", {**GOOD["Balance"], "balance": 1250.505}),  # 3 decimals
    ("Balance", {**GOOD["Balance"], "balance": "1250.50"}),  # a string
    ("Balance", {**GOOD["Balance"], "phone": "+79001234567"}),  # not normalized
    ("Balance", {**GOOD["Balance"], "updated_at": "2026-11-27T10:15:00"}),  # no offset
    ("Balance", {**GOOD["Balance"], "extra": 1}),
    ("Balance", {k: v for k, v in GOOD["Balance"].items() if k != "user_id"}),
    ("TransactionOk", {**GOOD["TransactionOk"], "status": "success"}),
    ("TransactionOk", {k: v for k, v in GOOD["TransactionOk"].items() if k != "transaction_id"}),
    ("TransactionDuplicate", {**GOOD["TransactionDuplicate"], "idempotent": False}),
    ("ExternalIdConflict", {"error": "external_id_conflict", "fields": ["colour"]}),
    ("ExternalIdConflict", {"error": "external_id_conflict", "fields": []}),
    ("InsufficientBalance", {"error": "insufficient_balance"}),
    ("BatchResult", {"external_id": "x", "status": "ok", "transaction_id": 1}),
    ("BatchResult", {"external_id": "x", "status": "error", "error": "teapot"}),
    ("BatchResult", {"external_id": "x", "status": "error", "error": "insufficient_balance"}),  # no balance
    ("BatchResult", {"external_id": "x", "status": "error", "error": "validation_failed"}),  # no field
    ("Unavailable", {"error": "internal_error", "message": "x"}),
    ("TransactionRequest", {"type": "accrual", "amount": 1, "external_id": "x", "user_phone": "7900", "descripton": "x"}),
    ("TransactionRequest", {"type": "accrual", "amount": "1.234", "external_id": "x", "user_phone": "7900"}),
    ("TransactionRequest", {"type": "accrual", "amount": 1, "external_id": "x", "user_phone": "7900", "user_id": 4}),
]


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_examples_pass(contract, name):
    contract.validate(f"/components/schemas/{name}", GOOD[name], name)


@pytest.mark.parametrize("name,instance", BAD, ids=[f"{i}-{n}" for i, (n, _) in enumerate(BAD)])
def test_schemas_catch_regressions(contract, name, instance):
    with pytest.raises(ContractViolation):
        contract.validate(f"/components/schemas/{name}", instance, name)


def test_money_check_is_decimal_not_float(contract):
    # jsonschema's float multipleOf would refuse these; the decimal check must not.
    for value in (0.07, 0.29, 1.15, 1250.5, 1e9, -95, 92233720368547.75):
        contract.validate("/components/schemas/Money", value, "money")
    with pytest.raises(ContractViolation):
        contract.validate("/components/schemas/Money", 0.1 + 0.2, "float artefact 0.30000000000000004")
