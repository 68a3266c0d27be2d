"""docs/openapi.yaml against the ledger's one vocabulary (CashbackLedger::codes(), from
crates/cashback-core/src/code.rs): every error code the contract names is a code of the
vocabulary, documented under its own HTTP status, and the enums list exactly their codes."""

from __future__ import annotations

import json
import subprocess

import pytest

from hosting import EXT_ARGS, PHP


@pytest.fixture(scope="module")
def codes() -> dict[str, dict]:
    out = subprocess.run([PHP, *EXT_ARGS, "-r", "echo json_encode(CashbackLedger::codes());"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def with_use(codes: dict[str, dict], *uses: str) -> list[str]:
    return [code for code, info in codes.items() if set(uses) & set(info["uses"])]


def transient(codes: dict[str, dict], names: list[str]) -> list[str]:
    return [code for code in names if codes[code]["transient"]]


def resolve(doc: dict, node: dict) -> dict:
    """The node a $ref names, following $refs."""
    for _ in range(20):
        ref = node.get("$ref")
        if ref is None:
            return node
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
    raise AssertionError("a $ref cycle")


def error_codes(doc: dict, schema: dict) -> list[str]:
    """The codes a schema's `error` property names (const or enum), through oneOf/anyOf/allOf."""
    schema = resolve(doc, schema)
    named = [code for key in ("oneOf", "anyOf", "allOf") for part in schema.get(key, []) for code in error_codes(doc, part)]
    error = schema.get("properties", {}).get("error")
    if error is not None:
        error = resolve(doc, error)
        named += [error["const"]] if "const" in error else []
        named += error.get("enum", [])
    return named


def documented_errors(doc: dict) -> list[tuple[str, str, dict[int, list[str]]]]:
    """(operation, operationId, {HTTP status: error codes}) of every operation."""
    operations = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            responses = {}
            for status, response in operation.get("responses", {}).items():
                schema = resolve(doc, response).get("content", {}).get("application/json", {}).get("schema", {})
                responses[int(status)] = error_codes(doc, schema)
            operations.append((f"{method.upper()} {path}", operation.get("operationId", ""), responses))
    return operations


def same_codes(enum: list[str], expected: list[str]) -> bool:
    """An enum lists each expected code once, in any order."""
    return sorted(enum) == sorted(expected)


def test_ledger_error_code_enum_is_the_item_errors(contract, codes):
    assert same_codes(contract.doc["components"]["schemas"]["LedgerErrorCode"]["enum"], with_use(codes, "item_error"))


def test_unavailable_lists_the_transient_call_and_api_errors(contract, codes):
    schemas = contract.doc["components"]["schemas"]
    unavailable = schemas["Unavailable"]["properties"]["error"]["enum"]
    assert same_codes(unavailable, transient(codes, with_use(codes, "call_error", "api_error")))
    health = schemas["HealthUnavailable"]["properties"]["error"]["enum"]
    # Health also answers a database setting the extension cannot use as the host's misconfiguration.
    assert same_codes(health, transient(codes, with_use(codes, "call_error")) + ["config_invalid"])


def test_every_named_error_is_an_error_of_the_vocabulary(contract, codes):
    doc = contract.doc
    errors = set(with_use(codes, "item_error", "call_error", "api_error"))
    for name, schema in doc["components"]["schemas"].items():
        named = error_codes(doc, {"$ref": f"#/components/schemas/{name}"})
        if name.endswith("ErrorCode"):
            named += schema.get("enum", [])
        assert set(named) <= errors, f"{name} names {sorted(set(named) - errors)}"


def test_batch_results_have_exactly_the_item_statuses(contract, codes):
    doc = contract.doc
    statuses = [resolve(doc, part)["properties"]["status"]["const"]
                for part in doc["components"]["schemas"]["BatchResult"]["oneOf"]]
    assert same_codes(statuses, with_use(codes, "item_status"))


def test_every_response_documents_only_codes_of_its_own_status(contract, codes):
    for operation, _, responses in documented_errors(contract.doc):
        for status, named in responses.items():
            for code in named:
                assert codes[code]["http_status"] == status, f"{operation} answers {code} under {status}"


def test_post_transactions_documents_every_item_error_under_its_status(contract, codes):
    [responses] = [responses for _, operation_id, responses in documented_errors(contract.doc)
                   if operation_id == "postTransaction"]
    for code in with_use(codes, "item_error"):
        assert code in responses.get(codes[code]["http_status"], []), code
