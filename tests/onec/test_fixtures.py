"""Replays every fixture (tests/onec/fixtures/NN_*.http, in order) byte for byte
against the standalone host and checks the answer: status, the expected body
fields, the outcome the 1C module assigns to that answer (its maps read from the
BSL), and the answer against docs/openapi.yaml."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

import make_fixtures
import onec_model as m

FIXTURES = sorted(Path(make_fixtures.FIXTURES).glob("*.http"))


def load(path: Path) -> tuple[bytes, dict]:
    return path.read_bytes(), json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


@contextlib.contextmanager
def write_lock(db):
    """Holds SQLite's write lock on the ledger, as a long writer would."""
    connection = sqlite3.connect(db, isolation_level=None, timeout=5)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def exchange(host, raw: bytes, api_key: str):
    """Sends the fixture's bytes with the placeholders filled; returns (status, headers, body bytes)."""
    raw = raw.replace(b"{{HOST}}", f"127.0.0.1:{host.port}".encode()).replace(b"{{API_KEY}}", api_key.encode())
    with socket.create_connection(("127.0.0.1", host.port), timeout=15) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.headers, response.read()


def subset(expected, actual, where=""):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing in {actual!r}"
            subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, float) or isinstance(actual, Decimal):
        assert Decimal(str(actual)) == Decimal(str(expected)), f"{where}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_there_are_fixtures_for_every_builder():
    builders = {load(p)[1]["builder"] for p in FIXTURES}
    assert builders == set(m.endpoints()), builders


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_replay(host, contract, path):
    raw, meta = load(path)
    key = host.api_key if meta["api_key"] == "valid" else "cbk_wrong_key_for_the_test"
    if meta.get("setup") == "lock_database":
        with write_lock(host.ledger.db):
            status, headers, body = exchange(host, raw, key)
    else:
        status, headers, body = exchange(host, raw, key)
    expect = meta["expect"]
    assert status == expect["status"], body.decode("utf-8", "replace")
    method, target, _, _ = m.split_request(raw)
    reply = contract.check_response(method, target.split("?")[0], status, headers, body)
    data = json.loads(body.decode("utf-8"))
    subset(expect["body"], data, "body")
    assert m.outcome_of(status, data) == expect["outcome"], data
    if expect.get("retry_after"):
        assert reply.header("Retry-After") and int(reply.header("Retry-After")) > 0
    for i, item in enumerate(expect.get("items", [])):
        result = data["results"][i]
        assert result["external_id"] == item["external_id"], "results are not in request order"
        assert result["status"] == item["status"], result
        if "error" in item:
            assert result["error"] == item["error"], result
        assert m.item_outcome(result) == item["outcome"], result
    if "items" in expect:
        assert len(data["results"]) == len(expect["items"])
    for external_id in expect.get("history_has", []):
        assert external_id in [i["external_id"] for i in data["items"]], external_id


def test_the_ledger_is_consistent_after_the_replay(host):
    assert host.ledger.verify()["ok"], host.ledger.verify()
