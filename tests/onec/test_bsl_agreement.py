"""Keeps the fixtures, the Python model and the BSL in agreement: what the
fixtures send (endpoints, methods, query parameters, headers, JSON field names
and order, external_id shapes) must be what the request builders of
кб_КэшбэкКлиентHTTP build, and every error code of docs/openapi.yaml must have
an outcome in the module's maps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import make_fixtures
import onec_model as m

FIXTURES = sorted(Path(make_fixtures.FIXTURES).glob("*.http"))
PLATFORM_HEADERS = {"Host", "User-Agent", "Content-Length"}
OUTCOMES = {"Доставлено", "НедостаточноСредств", "ПовторитьПозже", "ОшибкаНастройки", "ОшибкаДанных",
            "ПакетСлишкомБольшой"}


def load(path: Path):
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return m.split_request(path.read_bytes()), meta


def is_ordered_subsequence(keys: list[str], order: list[str]) -> bool:
    positions = [order.index(k) for k in keys if k in order]
    return len(positions) == len(keys) and positions == sorted(positions)


def test_fixtures_are_what_the_model_writes():
    done = subprocess.run([sys.executable, str(Path(make_fixtures.__file__)), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_bsl_facts_are_readable():
    assert m.body_fields() == ["type", "amount", "external_id", "user_phone", "description", "created_at",
                               "store_id", "original_external_id"]
    assert m.required_body_fields() == ["type", "amount", "external_id", "user_phone", "created_at"]
    assert m.default_base_path() == m.BASE_PATH
    assert set(m.outcome_names().values()) == OUTCOMES


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_matches_its_builder(path):
    (method, target, headers, body), meta = load(path)
    builder_method, resource = m.endpoints()[meta["builder"]]
    assert method == builder_method == meta["method"]
    assert target.split("?")[0] == m.default_base_path() + resource == meta["path"]
    query = re.findall(r"[?&]([a-z_]+)=", target)
    assert query == m.query_parameters().get(meta["builder"], []), (query, meta["builder"])
    module_headers = [name for name, _ in headers if name not in PLATFORM_HEADERS]
    expected = [h for h in m.header_names() if h != "Content-Type" or body]
    assert module_headers == expected
    if body:
        assert dict(headers)["Content-Length"] == str(len(body))
        assert body.startswith(b"\xef\xbb\xbf") == meta["bom"]  # the module sends no BOM
        payload = json.loads(body.decode("utf-8"))
        items = payload if isinstance(payload, list) else [payload]
        assert (resource == "transactions/batch") == isinstance(payload, list)
        for item in items:
            keys = list(item)
            assert is_ordered_subsequence(keys, m.body_fields()), (keys, m.body_fields())
            assert set(m.required_body_fields()) <= set(keys)
            assert re.fullmatch(r"(Accrual|Debit|Release|AccrualReversal)_[^_]+_\d{8}", item["external_id"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", item["created_at"])
            if item["external_id"].startswith(("Release_", "AccrualReversal_")):
                assert "original_external_id" in item
        assert meta["json_keys"] == ([list(i) for i in payload] if isinstance(payload, list) else list(payload))
    assert meta["expect"]["outcome"] in OUTCOMES


def test_every_documented_error_code_has_an_outcome():
    spec = yaml.safe_load(m.REPO.joinpath("docs", "openapi.yaml").read_text(encoding="utf-8"))
    codes = set()

    def walk(node, under_error=False):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "error" and isinstance(value, dict):
                    codes.update([value["const"]] if "const" in value else value.get("enum", []))
                    if "$ref" in value:
                        walk(spec["components"]["schemas"][value["$ref"].split("/")[-1]], True)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    codes.update(spec["components"]["schemas"]["LedgerErrorCode"]["enum"])
    missing = codes - set(m.error_outcomes())
    assert not missing, f"error codes without an outcome in ИтогиКодовОшибок(): {sorted(missing)}"
    statuses = {"ok", "already_exists", "success", "duplicate"}
    assert set(m.status_outcomes()) == statuses and set(m.status_outcomes().values()) == {"Доставлено"}


def test_outcome_rules_match_the_brief():
    errors, codes = m.error_outcomes(), m.http_outcomes()
    assert errors["insufficient_balance"] == "НедостаточноСредств"
    for code in ("validation_failed", "user_not_found", "external_id_conflict", "phone_ambiguous", "exceeds_original"):
        assert errors[code] == "ОшибкаДанных", code
    assert codes[401] == "ОшибкаНастройки" and codes[503] == "ПовторитьПозже" and codes[413] == "ПакетСлишкомБольшой"
    assert m.outcome_of(502, {}) == "ПовторитьПозже"
    assert m.outcome_of(404, {"error": "not_found"}) == "ОшибкаНастройки"
    assert m.outcome_of(404, {"error": "user_not_found"}) == "ОшибкаДанных"
    assert m.outcome_of(200, {"error": "invalid_response"}) == "ПовторитьПозже"  # a proxy's page is no delivery


def test_model_assumptions_are_written_in_the_bsl():
    text = m.bsl_text()
    assert "ПереносСтрокJSON.Windows, Символы.Таб, Истина,\n\t\tЭкранированиеСимволовJSON.Нет" in text
    assert "ИспользованиеByteOrderMark.НеИспользовать" in text
    assert 'Формат(ДатаДокумента, "ДФ=yyyyMMdd")' in m.bsl_function("ВнешнийИД")
    assert 'СтрШаблон("%1_%2_%3"' in m.bsl_function("ВнешнийИД")
    assert 'Формат(Значение, "ДФ=yyyy-MM-ddTHH:mm:ss")' in m.bsl_function("ДатаJSON")
    assert "Окр(Параметры.Сумма, 2)" in m.bsl_function("ТелоОперации")
    queue = (m.EXTENSION / "CommonModules" / "кб_КэшбэкОчередь" / "Ext" / "Module.bsl").read_bytes().decode("utf-8-sig")
    kinds = re.findall(r'Функция Вид[А-Яа-я]+\(\) Экспорт\s*\n\s*Возврат "([A-Za-z]+)";', queue)
    assert sorted(kinds) == ["Accrual", "AccrualReversal", "Debit", "Release", "ReturnRelease", "ReturnReversal"]


def test_every_http_connection_has_a_timeout():
    for module in m.EXTENSION.rglob("*.bsl"):
        text = module.read_bytes().decode("utf-8-sig")
        for call in re.findall(r"Новый HTTPСоединение\(([^;]*)\);", text):
            args = [a.strip() for a in call.split(",")]
            assert len(args) >= 6 and args[5], f"{module}: HTTPСоединение({call}) has no timeout"
