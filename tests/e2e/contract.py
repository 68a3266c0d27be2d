"""The wire contract (docs/openapi.yaml) as a checker, and a small HTTP client
(urllib) that checks every response it gets against it.

Every response is matched to its operation (path + method) and status, its
body validated against the documented schema (JSON Schema 2020-12, $refs
resolved inside the document), its Content-Type and documented headers
checked. An undocumented status (a 500, say) is a failure. The checker also
records which (path, method, status, error code) combinations were seen, so a
test can prove that every documented response was exercised.
"""

from __future__ import annotations

import decimal
import http.client
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

API_BASE = "/local/api/cashback/v1/"
DOC_URI = "urn:cashback:openapi"
BOM = b"\xef\xbb\xbf"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class ContractViolation(AssertionError):
    """A response that does not match docs/openapi.yaml."""


def _money_multiple_of(validator, divisor, instance, schema):
    """multipleOf decided on decimal text, not floats.

    jsonschema's float check misfires (0.07 / 0.01 is 7.000000000000001 in
    binary). Responses are validated as parsed with parse_float=Decimal, so
    the check sees the exact text the server wrote: "0.07" passes, while
    "0.070000000000000007" (the same double!) fails. Plain floats (schema
    tests) are checked through their shortest repr.
    """
    if not validator.is_type(instance, "number"):
        return
    value = decimal.Decimal(repr(instance)) if isinstance(instance, float) else decimal.Decimal(instance)
    step = decimal.Decimal(repr(divisor)) if isinstance(divisor, float) else decimal.Decimal(divisor)
    if value % step != 0:
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {divisor} (more than 2 decimals?)")


ContractValidator = jsonschema.validators.extend(
    Draft202012Validator, {"multipleOf": _money_multiple_of}
)


def _pointer_escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-JSON number {name} in a response")


def parse_json_strictly(raw: bytes, *, exact: bool = False) -> Any:
    """UTF-8 JSON without BOM, without NaN/Infinity; exact: fractions as Decimal (the wire text)."""
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    if text.startswith("\ufeff"):
        raise ValueError("response body starts with a BOM")
    if exact:
        return json.loads(text, parse_constant=_reject_constant, parse_float=decimal.Decimal)
    return json.loads(text, parse_constant=_reject_constant)


@dataclass
class Reply:
    """One HTTP response, already checked against the contract."""

    method: str
    path: str
    status: int
    headers: Message
    raw: bytes
    body: Any
    schema_pointer: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def __repr__(self) -> str:  # shows up in assertion messages
        return f"<{self.method} {self.path} -> {self.status} {self.raw[:300]!r}>"


class Contract:
    """docs/openapi.yaml, loaded once, as a response checker."""

    def __init__(self, path: Path):
        self.path = path
        self.doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.registry = Registry().with_resource(
            DOC_URI, Resource.from_contents(self.doc, default_specification=DRAFT202012)
        )
        self._validators: dict[str, Draft202012Validator] = {}
        self._lock = threading.Lock()
        self.seen: set[tuple[str, str, str, str | None]] = set()

    # ---- the document --------------------------------------------------
    def resolve(self, node: dict, pointer: str) -> tuple[dict, str]:
        """Follows a local $ref (responses, headers); returns (node, its pointer)."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), f"only local refs are used: {ref}"
            pointer = ref[1:]
            node = self.doc
            for token in ref[2:].split("/"):
                node = node[token.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def operations(self) -> list[tuple[str, str]]:
        return [
            (path, method)
            for path, item in self.doc["paths"].items()
            for method in item
            if method in METHODS
        ]

    def documented(self) -> set[tuple[str, str, str]]:
        """Every (path, method, status) the document promises."""
        return {
            (path, method, status)
            for path, method in self.operations()
            for status in self.doc["paths"][path][method]["responses"]
        }

    def validator(self, pointer: str) -> Draft202012Validator:
        with self._lock:
            found = self._validators.get(pointer)
            if found is None:
                found = ContractValidator({"$ref": f"{DOC_URI}#{pointer}"}, registry=self.registry)
                self._validators[pointer] = found
            return found

    def validate(self, pointer: str, instance: Any, what: str) -> None:
        errors = sorted(self.validator(pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            def describe(error: jsonschema.ValidationError) -> str:
                line = f"  at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
                for sub in (error.context or [])[:6]:  # oneOf/anyOf: why each alternative failed
                    where = "/".join(map(str, sub.absolute_path)) or "(root)"
                    line += f"\n    alternative {sub.relative_schema_path[0]}: at {where}: {sub.message}"
                return line
            details = "\n".join(describe(e) for e in errors[:8])
            raise ContractViolation(f"{what} does not match {pointer}:\n{details}\ninstance: {json.dumps(instance, default=str, ensure_ascii=False)[:1500]}")

    def schema_pointer(self, name: str) -> str:
        return f"/components/schemas/{name}"

    # ---- matching a response ------------------------------------------
    def _response_object(self, method: str, url_path: str, status: int) -> tuple[dict, str, str]:
        """(response object, its pointer, the path key) for a response."""
        method = method.lower()
        paths = self.doc["paths"]
        if url_path in paths:
            item = paths[url_path]
            if method in item:
                responses = item[method]["responses"]
                key = str(status)
                if key not in responses:
                    raise ContractViolation(
                        f"{method.upper()} {url_path}: status {status} is not documented (documented: {sorted(responses)})"
                    )
                pointer = f"/paths/{_pointer_escape(url_path)}/{method}/responses/{key}"
                node, pointer = self.resolve(responses[key], pointer)
                return node, pointer, url_path
            if status != 405:
                raise ContractViolation(f"{method.upper()} {url_path}: expected 405 for an undocumented method, got {status}")
            node, pointer = self.resolve(self.doc["x-unmatched-responses"]["method-not-allowed"], "")
            return node, pointer, "(method not allowed)"
        if status != 404:
            raise ContractViolation(f"{method.upper()} {url_path}: expected 404 for an unknown path, got {status}")
        node, pointer = self.resolve(self.doc["x-unmatched-responses"]["unknown-path"], "")
        return node, pointer, "(unknown path)"

    def check_response(self, method: str, url_path: str, status: int, headers: Message, raw: bytes) -> Reply:
        response, pointer, path_key = self._response_object(method, url_path, status)
        where = f"{method.upper()} {url_path} -> {status}"
        content_type = headers.get("Content-Type")
        if content_type is None:
            raise ContractViolation(f"{where}: no Content-Type")
        media, *params = [part.strip().lower() for part in content_type.split(";")]
        if media != "application/json" or params != ["charset=utf-8"]:
            raise ContractViolation(f"{where}: Content-Type {content_type!r}, expected 'application/json; charset=utf-8'")
        for name, header in (response.get("headers") or {}).items():
            header, header_pointer = self.resolve(header, "")
            value = headers.get(name)
            if value is None:
                if header.get("required"):
                    raise ContractViolation(f"{where}: required header {name} missing")
                continue
            errors = list(ContractValidator(header["schema"]).iter_errors(value))
            if errors:
                raise ContractViolation(f"{where}: header {name}: {value!r}: {errors[0].message}")
        if method.upper() == "HEAD":
            return Reply(method, url_path, status, headers, raw, None)
        try:
            body = parse_json_strictly(raw)
        except ValueError as e:
            raise ContractViolation(f"{where}: body is not strict JSON ({e}): {raw[:500]!r}") from None
        if "application/json" not in response.get("content", {}):
            raise ContractViolation(f"{where}: the document has no application/json schema for it")
        schema_pointer = f"{pointer}/content/application~1json/schema"
        self.validate(schema_pointer, parse_json_strictly(raw, exact=True), where)
        code = body.get("error") if isinstance(body, dict) else None
        with self._lock:
            self.seen.add((path_key, method.lower(), str(status), code))
        return Reply(method, url_path, status, headers, raw, body, schema_pointer)

    def check_request_body(self, method: str, url_path: str, body: Any) -> None:
        """A request body the sender believes valid must match the documented requestBody."""
        operation = self.doc["paths"][url_path][method.lower()]
        pointer = f"/paths/{_pointer_escape(url_path)}/{method.lower()}/requestBody/content/application~1json/schema"
        assert "requestBody" in operation, f"{method} {url_path} has no requestBody"
        self.validate(pointer, body, f"request body of {method} {url_path}")


class LostResponse(ConnectionError):
    """The connection was dropped after the request was sent: the answer is unknown."""


@dataclass
class ApiClient:
    """A urllib client for one API key; every answer is checked by the contract."""

    base_url: str  # http://127.0.0.1:PORT
    contract: Contract
    api_key: str | None = None
    timeout: float = 15.0
    default_headers: dict[str, str] = field(default_factory=dict)

    def with_key(self, api_key: str | None) -> "ApiClient":
        return ApiClient(self.base_url, self.contract, api_key, self.timeout, dict(self.default_headers))

    def url_path(self, path: str) -> str:
        return path if path.startswith("/") else API_BASE + path

    def encode(self, body: Any, *, bom: bool = False) -> bytes:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return BOM + raw if bom else raw

    def _headers(self, content_type: str | None, extra: dict[str, str] | None, has_body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json", **self.default_headers}
        if self.api_key is not None:
            headers["X-API-Key"] = self.api_key
        if has_body and content_type is not None:
            headers["Content-Type"] = content_type
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        body: Any = None,
        raw: bytes | None = None,
        bom: bool = False,
        content_type: str | None = "application/json",
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        check_request: bool = False,
    ) -> Reply:
        url_path = self.url_path(path)
        if body is not None and check_request:
            self.contract.check_request_body(method, url_path, body)
        data = raw if raw is not None else (self.encode(body, bom=bom) if body is not None else None)
        url = self.base_url + url_path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(
            url, data=data, method=method, headers=self._headers(content_type, headers, data is not None)
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                status, response_headers, payload = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, response_headers, payload = error.code, error.headers, error.read()
            error.close()
        return self.contract.check_response(method, url_path, status, response_headers, payload)

    def get(self, path: str, **params: str) -> Reply:
        return self.request("GET", path, query=params or None)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body=body, **kwargs)

    def raw_exchange(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b"") -> Reply:
        """Sends exactly these headers (in order) with http.client; checks the answer."""
        url_path = path if path.startswith("/") else self.url_path(path)
        host, port = urllib.parse.urlsplit(self.base_url).netloc.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
        try:
            connection.putrequest(method, url_path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.endheaders(body if body else None)
            response = connection.getresponse()
            payload = response.read()
            return self.contract.check_response(
                method, urllib.parse.urlsplit(url_path).path, response.status, response.headers, payload
            )
        finally:
            connection.close()

    def post_and_drop(self, path: str, raw: bytes, content_type: str = "application/json") -> None:
        """Sends a complete POST, then closes the socket without reading the answer:
        the server still processes (and commits) it, the client never learns the result."""
        host, port = urllib.parse.urlsplit(self.base_url).netloc.split(":")
        head = [
            f"POST {self.url_path(path)} HTTP/1.1",
            f"Host: {host}:{port}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(raw)}",
            "Connection: close",
        ]
        if self.api_key is not None:
            head.append(f"X-API-Key: {self.api_key}")
        with socket.create_connection((host, int(port)), timeout=self.timeout) as sock:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("ascii") + raw)
            sock.shutdown(socket.SHUT_WR)
        raise LostResponse(f"POST {path}: connection dropped after sending {len(raw)} bytes")
