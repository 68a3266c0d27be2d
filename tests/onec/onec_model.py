"""What the 1C extension (1c/extension) sends and how it judges answers, for the
tests: a Python model of the request builders of кб_КэшбэкКлиентHTTP, and
readers that take the facts the tests compare with straight from the BSL text
(JSON field names and their order, endpoint paths and methods, the maps from
status / error code to outcome).

Nothing here runs BSL. The model writes JSON the way the module asks
ЗаписатьJSON to (ПараметрыЗаписиJSON(ПереносСтрокJSON.Windows, Символы.Таб,
..., ЭкранированиеСимволовJSON.Нет, ...)): CRLF line breaks, one tab per
level, `"name": value` (a space after the colon: the platform's help says line
breaks other than Нет add it; assumed, not observed), Cyrillic as is, numbers
in their shortest decimal form (150.50 -> 150.5: a 1C Число has no scale).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "1c" / "extension"
HTTP_MODULE = EXTENSION / "CommonModules" / "кб_КэшбэкКлиентHTTP" / "Ext" / "Module.bsl"
BASE_PATH = "/local/api/cashback/v1/"
USER_AGENT = "1C+Enterprise/8.3"  # what the platform is assumed to add; not set by the module


def bsl_text(path: Path = HTTP_MODULE) -> str:
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def bsl_function(name: str, text: str | None = None) -> str:
    """The text of one Функция/Процедура of the HTTP module."""
    text = bsl_text() if text is None else text
    match = re.search(rf"^(Функция|Процедура) {name}\(.*?^Конец(Функции|Процедуры)", text, re.M | re.S)
    if not match:
        raise AssertionError(f"{name} not found in {HTTP_MODULE}")
    return match.group(0)


# ---- facts read from the BSL ---------------------------------------------------------------

def body_fields() -> list[str]:
    """The JSON field names ТелоОперации() puts into the Структура, in order."""
    return re.findall(r'Тело\.Вставить\("([a-z_]+)"', bsl_function("ТелоОперации"))


def required_body_fields() -> list[str]:
    """Fields ТелоОперации() always writes (not under an Если)."""
    required = []
    depth = 0
    for line in bsl_function("ТелоОперации").splitlines():
        stripped = line.strip()
        if stripped.startswith("Если "):
            depth += 1
        elif stripped.startswith("КонецЕсли"):
            depth -= 1
        found = re.search(r'Тело\.Вставить\("([a-z_]+)"', stripped)
        if found and depth == 0:
            required.append(found.group(1))
    return required


def endpoints() -> dict[str, tuple[str, str]]:
    """Builder -> (HTTP method, resource under the base path up to '?') from the НовыйЗапрос calls."""
    found = {}
    for builder in ("ЗапросБаланса", "ЗапросИстории", "ЗапросОперации", "ЗапросПакета"):
        calls = re.findall(r'НовыйЗапрос\("(GET|POST)",\s*Настройки,\s*(?:Ресурс|"([^"]*)")', bsl_function(builder))
        assert len(calls) == 1, f"{builder}: expected one НовыйЗапрос call, found {calls}"
        method, literal = calls[0]
        if not literal:  # ЗапросИстории builds Ресурс first
            literal = re.search(r'Ресурс = "([^"]*)"', bsl_function(builder)).group(1)
        found[builder] = (method, literal.split("?")[0])
    return found


def query_parameters() -> dict[str, list[str]]:
    """Builder -> query parameter names it writes."""
    out = {}
    for builder in ("ЗапросБаланса", "ЗапросИстории"):
        out[builder] = re.findall(r'[?&]([a-z_]+)=', bsl_function(builder))
    return out


def header_names() -> list[str]:
    return re.findall(r'Запрос\.Заголовки\.Вставить\("([^"]+)"', bsl_function("НовыйЗапрос"))


def default_base_path() -> str:
    return re.search(r'Путь = "(/[^"]*)"', bsl_function("БазовыйПуть")).group(1)


def outcome_names() -> dict[str, str]:
    """ИтогX() function name -> the outcome string it returns."""
    text = bsl_text()
    return dict(re.findall(r'Функция (Итог[А-Яа-яЁё]+)\(\) Экспорт\s*\n\s*Возврат "([^"]+)";', text))


def _map(function: str, key: str) -> dict[Any, str]:
    names = outcome_names()
    pairs = re.findall(rf'Итоги\.Вставить\({key},\s*(Итог[А-Яа-яЁё]+)\(\)\)', bsl_function(function))
    return {(int(k) if k.isdigit() else k.strip('"')): names[v] for k, v in pairs}


def status_outcomes() -> dict[str, str]:
    return _map("ИтогиСтатусов", r'("[a-z_]+")')


def error_outcomes() -> dict[str, str]:
    return _map("ИтогиКодовОшибок", r'("[a-z_]+")')


def http_outcomes() -> dict[int, str]:
    return _map("ИтогиКодовСостояния", r"(\d{3})")


# ---- the model of the module's decisions (same rules, tables from the BSL) ------------------

def outcome_of(status: int, body: dict[str, Any]) -> str:
    """РазобратьОтвет(): the outcome of a whole answer."""
    names = outcome_names()
    statuses, errors, codes = status_outcomes(), error_outcomes(), http_outcomes()
    if status == 200:
        if body.get("status") in statuses or (
                "error" not in body and ("user_id" in body or "results" in body)):
            return names["ИтогДоставлено"]
        if not body.get("status"):
            return names["ИтогПовторитьПозже"]
        return names["ИтогОшибкаДанных"]
    code = body.get("error") if isinstance(body.get("error"), str) else ""
    outcome = codes.get(status)
    if outcome is None and status >= 500:
        return names["ИтогПовторитьПозже"]
    if outcome is None:
        return errors.get(code, names["ИтогОшибкаДанных"])
    return errors.get(code, outcome)


def item_outcome(item: dict[str, Any]) -> str:
    """РазобратьЭлементПакета(): the outcome of one batch result."""
    names = outcome_names()
    statuses, errors = status_outcomes(), error_outcomes()
    if item.get("status") in statuses:
        return statuses[item["status"]]
    return errors.get(item.get("error", ""), names["ИтогОшибкаДанных"])


# ---- the model of the request builders -----------------------------------------------------

def phone_for_api(phone: str) -> str:
    """ТелефонДляAPI(): digits only, a leading + kept."""
    phone = phone.strip()
    digits = "".join(c for c in phone if c in "0123456789")
    return "+" + digits if phone.startswith("+") else digits


def url_encode(value: str) -> str:
    """КодироватьСтроку(..., КодировкаURL) for the characters a phone can hold after phone_for_api()."""
    return value.replace("%", "%25").replace("+", "%2B")


def operation_body(op_type: str, amount: Decimal, external_id: str, phone: str, description: str,
                   created_at: str, store_id: str = "", original: str = "") -> dict[str, Any]:
    """ТелоОперации(): the same fields in the same order and under the same conditions."""
    body: dict[str, Any] = {"type": op_type, "amount": Decimal(amount).quantize(Decimal("0.01")),
                            "external_id": external_id, "user_phone": phone_for_api(phone)}
    if description:
        body["description"] = description.strip()[:1000]
    body["created_at"] = created_at
    if store_id:
        body["store_id"] = store_id.strip()[:64]
    if original:
        body["original_external_id"] = original
    return body


def number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _escape(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or char in "\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_json(value: Any, depth: int = 0) -> str:
    """ЗаписатьJSON with the module's ПараметрыЗаписиJSON (CRLF, tab)."""
    nl, ind = "\r\n", "\t"
    if isinstance(value, dict):
        inner = ("," + nl).join(f"{ind * (depth + 1)}{_escape(k)}: {write_json(v, depth + 1)}" for k, v in value.items())
        return "{" + nl + inner + nl + ind * depth + "}" if value else "{}"
    if isinstance(value, list):
        inner = ("," + nl).join(ind * (depth + 1) + write_json(v, depth + 1) for v in value)
        return "[" + nl + inner + nl + ind * depth + "]" if value else "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _escape(value)
    raise TypeError(type(value))


def request_bytes(method: str, resource: str, body: Any = None, *, bom: bool = False) -> bytes:
    """The request as HTTPСоединение sends what НовыйЗапрос() built. {{HOST}} and {{API_KEY}}
    are placeholders the replay fills in; Host and User-Agent are the platform's own headers
    (assumed), the rest are the module's, in its order, then Content-Length."""
    raw = b""
    if body is not None:
        raw = (b"\xef\xbb\xbf" if bom else b"") + write_json(body).encode("utf-8")
    lines = [f"{method} {BASE_PATH}{resource} HTTP/1.1", "Host: {{HOST}}", f"User-Agent: {USER_AGENT}",
             "X-API-Key: {{API_KEY}}", "Accept: application/json"]
    if body is not None:
        lines.append("Content-Type: application/json; charset=utf-8")
        lines.append(f"Content-Length: {len(raw)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + raw


def split_request(data: bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """(method, target, headers, body) of a fixture's bytes."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("utf-8").split("\r\n")
    method, target, _version = lines[0].split(" ")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    return method, target, headers, body
