"""A 1C:Retail register simulator and an online-shop client, as the brief's
1C handler and the 1C-Bitrix shop would talk to the API.

A register, for each receipt:
  - on redemption first GETs the balance, then POSTs a `debit`;
  - POSTs an `accrual` of the receipt's cashback;
  - on a voided receipt (a return document) sends a `release` for the debit
    and a negative `accrual` naming the original accrual;
  - external ids are `{OperationType}_{DocumentNumber}_{Date}`;
  - bodies are written like 1C's ЗаписатьJSON + УстановитьТелоИзСтроки:
    a UTF-8 BOM, CRLF line breaks, tab indents, Cyrillic unescaped, dates
    without an offset (`2026-11-27T10:15:00`, Moscow time);
  - while offline it queues operations locally (redemptions are checked
    against the last balance it saw) and uploads the queue in batches of at
    most `max_batch` on reconnect;
  - after a timeout or a dropped connection it resends the same request
    (same external ids): the server may have committed the first one, so the
    answer to the resend may be `already_exists` / `duplicate`;
  - a 401 keeps the operations queued (1C keeps its documents until the key
    is fixed); a 503 is retried after Retry-After (capped for tests).

Every channel records what it believes was accepted (`ok`, `already_exists`,
`success`, `duplicate`) and what was refused; `effects()` sums the accepted
operations per customer, which the tests compare with the ledger.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import socket
import time
import urllib.error
from collections import deque
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any, Callable

from contract import ApiClient, LostResponse, Reply

KOPECK = Decimal("0.01")
ACCEPTED = {"ok", "already_exists", "success", "duplicate"}
TRANSPORT_ERRORS = (LostResponse, TimeoutError, socket.timeout, ConnectionError, http.client.HTTPException, urllib.error.URLError)


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(KOPECK)


def number_text(amount: Decimal) -> str:
    """How 1C writes a Number: 150.00 -> 150, 7.50 -> 7.5."""
    text = format(amount.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _escape(text: str) -> str:
    out = []
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)  # Cyrillic as is, like ЭкранированиеСимволовJSON.Нет
    return '"' + "".join(out) + '"'


def write_json(value: Any, *, pretty: bool = True, depth: int = 0) -> str:
    """JSON as ЗаписатьJSON writes it (pretty: CRLF + tabs), or compact.
    Decimals are written as JSON numbers in their exact decimal text."""
    nl, ind, sep = ("\r\n", "\t", ": ") if pretty else ("", "", ":")
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ("," + nl).join(
            ind * (depth + 1) + _escape(str(k)) + sep + write_json(v, pretty=pretty, depth=depth + 1) for k, v in value.items()
        )
        return "{" + nl + inner + nl + ind * depth + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = ("," + nl).join(ind * (depth + 1) + write_json(v, pretty=pretty, depth=depth + 1) for v in value)
        return "[" + nl + inner + nl + ind * depth + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _escape(value)
    raise TypeError(f"cannot write {type(value)}")


@dataclass(frozen=True)
class Customer:
    """A customer as the tests set it up: a Bitrix user id and phone spellings that all normalize to one number."""

    user_id: int
    phones: tuple[str, ...]

    def phone(self, style: int = 0) -> str:
        return self.phones[style % len(self.phones)]


@dataclass
class Op:
    """One operation as a channel sent (or queued) it."""

    channel: str
    kind: str  # accrual | debit | release | reversal
    customer: Customer
    body: dict[str, Any]
    effect: Decimal  # signed change of the balance if accepted
    state: str = "new"  # queued | accepted | refused | unsent
    outcome: str | None = None  # ok | already_exists | success | duplicate | <error code>
    response: dict[str, Any] | None = None
    attempts: int = 0
    via: str | None = None  # single | batch
    notes: list[str] = field(default_factory=list)

    @property
    def external_id(self) -> str:
        return self.body["external_id"]

    @property
    def amount(self) -> Decimal:
        return money(self.body["amount"])

    @property
    def accepted(self) -> bool:
        return self.state == "accepted"


@dataclass
class Receipt:
    doc: str
    date: str
    customer: Customer
    total: Decimal
    redeem_requested: Decimal
    debit: Op | None = None
    accrual: Op | None = None
    void_doc: str | None = None
    extra_payment: Decimal = Decimal("0.00")  # asked from the customer when a debit came back refused


def external_ids(payload: Any) -> list[str]:
    """The external ids a request body carries (one transaction, an array, or {"transactions": [...]})."""
    if isinstance(payload, dict) and "transactions" in payload:
        payload = payload["transactions"]
    if isinstance(payload, dict):
        payload = [payload]
    if isinstance(payload, list):
        return [item["external_id"] for item in payload if isinstance(item, dict) and "external_id" in item]
    return []


class GaveUp(RuntimeError):
    """A request failed on every attempt."""


class Channel:
    """Sending, retrying and bookkeeping shared by registers and the shop."""

    def __init__(
        self,
        name: str,
        client: ApiClient,
        *,
        bom: bool,
        pretty: bool,
        content_type: str,
        retries: int = 5,
        backoff: float = 0.05,
        attempt_timeout: float = 15.0,
        lost_timeout: float = 0.4,
        max_retry_wait: float = 0.2,
        check_requests: bool = True,
    ):
        self.name = name
        self.client = client
        self.bom = bom
        self.pretty = pretty
        self.content_type = content_type
        self.retries = retries
        self.backoff = backoff
        self.attempt_timeout = attempt_timeout
        self.lost_timeout = lost_timeout
        self.max_retry_wait = max_retry_wait
        self.check_requests = check_requests
        self.ops: dict[str, Op] = {}
        self.faults: deque[str] = deque()  # 'drop' | 'timeout', applied to the next attempts
        # called after a lost attempt, before the resend: (channel, attempt, error, external ids sent)
        self.on_retry: Callable[[Channel, int, Exception, list[str]], None] | None = None
        self.events: list[str] = []
        self.unauthorized = 0

    # ---- the wire --------------------------------------------------------
    def encode(self, payload: Any) -> bytes:
        raw = write_json(payload, pretty=self.pretty).encode("utf-8")
        return (b"\xef\xbb\xbf" + raw) if self.bom else raw

    def send(self, method: str, path: str, *, payload: Any = None, query: dict[str, str] | None = None, what: str = "") -> Reply:
        """One logical request, resent on transport failures and 503s (bounded)."""
        raw = self.encode(payload) if payload is not None else None
        if payload is not None and self.check_requests:
            self.client.contract.check_request_body(method, self.client.url_path(path), payload)
        last: Exception | None = None
        for attempt in range(1, self.retries + 1):
            fault = self.faults.popleft() if self.faults and raw is not None else None  # faults hit writes
            try:
                if fault == "drop":
                    self.client.post_and_drop(path, raw, self.content_type)
                reply = self.client.request(
                    method,
                    path,
                    query=query,
                    raw=raw,
                    content_type=self.content_type,
                    timeout=self.lost_timeout if fault == "timeout" else self.attempt_timeout,
                )
            except TRANSPORT_ERRORS as error:
                last = error
                self.events.append(f"{what}: attempt {attempt} lost ({type(error).__name__}: {error})")
                if self.on_retry is not None:
                    self.on_retry(self, attempt, error, external_ids(payload))
                else:
                    time.sleep(self.backoff * attempt)
                continue
            if reply.status == 503:
                self.events.append(f"{what}: attempt {attempt} got 503 {reply.body.get('error')}")
                time.sleep(min(float(reply.header("Retry-After") or 1), self.max_retry_wait))
                last = GaveUp(f"503 {reply.body}")
                continue
            return reply
        raise GaveUp(f"{self.name}: {what} failed {self.retries} times; last: {last!r}")

    # ---- bookkeeping -----------------------------------------------------
    def new_op(self, kind: str, customer: Customer, body: dict[str, Any], effect: Decimal) -> Op:
        op = Op(self.name, kind, customer, body, effect)
        assert op.external_id not in self.ops, f"{self.name} reused {op.external_id}"
        self.ops[op.external_id] = op
        return op

    def settle(self, op: Op, outcome: str, response: dict[str, Any], via: str) -> None:
        op.outcome, op.response, op.via = outcome, response, via
        op.state = "accepted" if outcome in ACCEPTED else "refused"
        if op.accepted and "user_id" in response:
            assert response["user_id"] == op.customer.user_id, f"{op.external_id} went to user {response['user_id']}"

    def submit_single(self, op: Op) -> Reply:
        """POSTs one transaction and records the outcome."""
        op.attempts += 1
        reply = self.send("POST", "transactions", payload=op.body, what=op.external_id)
        if reply.status == 401:
            self.unauthorized += 1
            op.state = "unsent"
            return reply
        body = reply.body
        if reply.status == 200:
            self.settle(op, body["status"], body, "single")
        else:
            self.settle(op, body["error"], body, "single")
        return reply

    def accepted_ops(self) -> list[Op]:
        return [op for op in self.ops.values() if op.accepted]

    def effects(self) -> dict[int, Decimal]:
        """Sum of accepted effects per user id."""
        totals: dict[int, Decimal] = {}
        for op in self.accepted_ops():
            totals[op.customer.user_id] = totals.get(op.customer.user_id, Decimal("0.00")) + op.effect
        return totals


class RegisterSim(Channel):
    """One 1C:Retail register of one store."""

    def __init__(
        self,
        name: str,
        client: ApiClient,
        *,
        store_id: str,
        doc_prefix: str,
        start: str = "2026-11-27T09:00:00",
        max_batch: int = 10000,
        batch_form: str = "array",  # array | object
        amount_style: str = "number",  # number | string
        phone_style: int = 0,
        cashback_rate: Decimal = Decimal("0.05"),
        **kwargs: Any,
    ):
        super().__init__(name, client, bom=True, pretty=True, content_type="application/json", **kwargs)
        self.store_id = store_id
        self.doc_prefix = doc_prefix
        self.clock = dt.datetime.fromisoformat(start)
        self.max_batch = max_batch
        self.batch_form = batch_form
        self.amount_style = amount_style
        self.phone_style = phone_style
        self.cashback_rate = cashback_rate
        self.online = True
        self.queue: list[Op] = []
        self.known_balance: dict[int, Decimal] = {}
        self.receipts: list[Receipt] = []
        self.batches: list[list[dict[str, Any]]] = []  # results of every uploaded batch
        self._numbers = itertools.count(1)

    # ---- documents -------------------------------------------------------
    def _next_doc(self) -> tuple[str, str, str]:
        self.clock += dt.timedelta(minutes=1, seconds=17)
        number = f"{self.doc_prefix}-{next(self._numbers):06d}"
        return number, self.clock.strftime("%Y%m%d"), self.clock.strftime("%Y-%m-%dT%H:%M:%S")

    def _amount(self, amount: Decimal) -> Any:
        return f"{amount:.2f}" if self.amount_style == "string" else amount

    def _body(self, op_type: str, wire_type: str, doc: str, date: str, created_at: str, customer: Customer,
              amount: Decimal, original: str | None = None, description: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": wire_type,
            "amount": self._amount(amount),
            "external_id": f"{op_type}_{doc}_{date}",
            "user_phone": customer.phone(self.phone_style),
            "description": description or f"{self.store_id}, касса {self.name}, чек {doc}",
            "created_at": created_at,
            "store_id": self.store_id,
        }
        if original is not None:
            body["original_external_id"] = original
        return body

    def _submit(self, op: Op) -> None:
        if not self.online or self.queue:
            # offline, or earlier documents still wait: keep the order
            op.state = "queued"
            self.queue.append(op)
            return
        reply = self.submit_single(op)
        if op.state == "unsent":  # 401: keep it for later, like 1C keeps its documents
            op.state = "queued"
            self.queue.append(op)
            return
        if op.accepted and reply.body.get("status") == "ok":
            self.known_balance[op.customer.user_id] = money(reply.body["balance"])

    def check_balance(self, customer: Customer) -> Decimal | None:
        reply = self.send("GET", "balance", query={"user_phone": customer.phone(self.phone_style)}, what="balance")
        if reply.status == 200:
            balance = money(reply.body["balance"])
            self.known_balance[customer.user_id] = balance
            return balance
        if reply.status == 401:
            self.unauthorized += 1
        return None

    # ---- what the cashier does --------------------------------------------
    def sell(self, customer: Customer, total: Any, redeem: Any = 0) -> Receipt:
        doc, date, created_at = self._next_doc()
        total, wanted = money(total), money(redeem)
        receipt = Receipt(doc, date, customer, total, wanted)
        self.receipts.append(receipt)
        redeem_now = Decimal("0.00")
        if wanted > 0:
            if self.online:
                balance = self.check_balance(customer)  # the brief: first GET /balance
            else:
                balance = self.known_balance.get(customer.user_id)  # offline: the last balance seen
            if balance is not None and balance > 0:
                redeem_now = min(wanted, balance, total)
        if redeem_now > 0:
            receipt.debit = self.new_op(
                "debit", customer, self._body("Debit", "debit", doc, date, created_at, customer, redeem_now), -redeem_now
            )
            if not self.online:
                self.known_balance[customer.user_id] = self.known_balance[customer.user_id] - redeem_now
            self._submit(receipt.debit)
            if receipt.debit.state == "refused":
                # the brief: void the discount or request an additional payment
                receipt.extra_payment = redeem_now
        cashback = ((total - redeem_now) * self.cashback_rate).quantize(KOPECK, rounding=ROUND_DOWN)
        if cashback > 0:
            receipt.accrual = self.new_op(
                "accrual", customer, self._body("Accrual", "accrual", doc, date, created_at, customer, cashback), cashback
            )
            self._submit(receipt.accrual)
        return receipt

    def void(self, receipt: Receipt) -> list[Op]:
        """A return document for the whole receipt: release the debit, reverse the accrual."""
        if receipt.void_doc is not None:
            return []  # already returned
        doc, date, created_at = self._next_doc()
        receipt.void_doc = doc
        sent: list[Op] = []
        customer = receipt.customer
        if receipt.debit is not None and receipt.debit.state in ("accepted", "queued"):
            amount = receipt.debit.amount
            op = self.new_op("release", customer, self._body(
                "Release", "release", doc, date, created_at, customer, amount, receipt.debit.external_id,
                f"возврат по чеку {receipt.doc}"), amount)
            self._submit(op)
            sent.append(op)
        if receipt.accrual is not None and receipt.accrual.state in ("accepted", "queued"):
            amount = receipt.accrual.amount
            op = self.new_op("reversal", customer, self._body(
                "Accrual", "accrual", doc, date, created_at, customer, -amount, receipt.accrual.external_id,
                f"возврат по чеку {receipt.doc}"), -amount)
            self._submit(op)
            sent.append(op)
        return sent

    # ---- connectivity ------------------------------------------------------
    def go_offline(self) -> None:
        self.online = False

    def reconnect(self) -> list[list[dict[str, Any]]]:
        """Back online: uploads the queue in batches, oldest first. Returns the results of each batch."""
        self.online = True
        uploaded: list[list[dict[str, Any]]] = []
        while self.queue:
            chunk = self.queue[: self.max_batch]
            items = [op.body for op in chunk]
            payload: Any = items if self.batch_form == "array" else {"transactions": items}
            for op in chunk:
                op.attempts += 1
            reply = self.send("POST", "transactions/batch", payload=payload, what=f"batch of {len(chunk)}")
            if reply.status == 401:
                self.unauthorized += 1
                break  # keep the queue for a fixed key
            assert reply.status == 200, f"{self.name}: batch answered {reply!r}"
            results = reply.body["results"]
            assert len(results) == len(chunk), f"{len(results)} results for {len(chunk)} items"
            for op, result in zip(chunk, results):
                assert result["external_id"] == op.external_id, "results are not in request order"
                self.settle(op, result["status"] if result["status"] != "error" else result["error"], result, "batch")
                if result["status"] == "success":
                    self.known_balance[op.customer.user_id] = money(result["balance"])
            for receipt in self.receipts:
                if receipt.debit in chunk and receipt.debit.state == "refused":
                    receipt.extra_payment = receipt.debit.amount
            uploaded.append(results)
            del self.queue[: len(chunk)]
        self.batches.extend(uploaded)
        return uploaded

    def use_key(self, api_key: str) -> None:
        self.client = self.client.with_key(api_key)


class WebShop(Channel):
    """The 1C-Bitrix shop: redemptions and accruals of online orders, source "web"."""

    def __init__(self, name: str, client: ApiClient, *, order_prefix: str, **kwargs: Any):
        super().__init__(name, client, bom=False, pretty=False, content_type="application/json; charset=utf-8", **kwargs)
        self.order_prefix = order_prefix
        self._numbers = itertools.count(1)

    def _body(self, wire_type: str, suffix: str, customer: Customer, amount: Decimal, by: str, order: int,
              original: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": wire_type,
            "amount": amount,
            "external_id": f"web_{self.order_prefix}_{order}_{suffix}",
            "source": "web",
            "description": f"Заказ №{order} на сайте",
        }
        if by == "user_id":
            body["user_id"] = customer.user_id if order % 2 else str(customer.user_id)  # Bitrix ids come as both
        else:
            body["user_phone"] = customer.phone(0)
        if original is not None:
            body["original_external_id"] = original
        return body

    def balance(self, customer: Customer) -> Decimal | None:
        reply = self.send("GET", "balance", query={"user_phone": customer.phone(0)}, what="balance")
        return money(reply.body["balance"]) if reply.status == 200 else None

    def redeem(self, customer: Customer, amount: Any, *, by: str = "user_id", check_first: bool = True) -> Op | None:
        """Pays part of an order with cashback."""
        amount = money(amount)
        order = next(self._numbers)
        if check_first:
            balance = self.balance(customer)
            if balance is None or balance <= 0:
                return None
            amount = min(amount, balance)
        op = self.new_op("debit", customer, self._body("debit", "debit", customer, amount, by, order), -amount)
        self.submit_single(op)
        return op

    def accrue(self, customer: Customer, amount: Any, *, by: str = "user_id") -> Op:
        amount = money(amount)
        order = next(self._numbers)
        op = self.new_op("accrual", customer, self._body("accrual", "accrual", customer, amount, by, order), amount)
        self.submit_single(op)
        return op

    def cancel(self, debit: Op, *, by: str = "user_id") -> Op:
        """The order was cancelled: give the redeemed cashback back."""
        order = next(self._numbers)
        op = self.new_op("release", debit.customer, self._body(
            "release", "release", debit.customer, debit.amount, by, order, debit.external_id), debit.amount)
        self.submit_single(op)
        return op


def expected_balances(channels: list[Channel], customers: list[Customer],
                      initial: dict[int, Decimal] | None = None) -> dict[int, Decimal]:
    """What the channels together believe every balance is."""
    totals = {c.user_id: (initial or {}).get(c.user_id, Decimal("0.00")) for c in customers}
    for channel in channels:
        for user_id, effect in channel.effects().items():
            if user_id in totals:
                totals[user_id] += effect
    return totals


def fetch_history(client: ApiClient, phone: str, *, limit: int = 50, max_pages: int = 100) -> list[dict[str, Any]]:
    """Every history item of a customer, newest first, following next_cursor (bounded)."""
    items: list[dict[str, Any]] = []
    query = {"user_phone": phone, "limit": str(limit)}
    for _ in range(max_pages):
        reply = client.request("GET", "transactions", query=query)
        assert reply.status == 200, reply
        page = reply.body
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        query = {**query, "cursor": str(page["next_cursor"])}
    raise AssertionError(f"history of {phone} has more than {max_pages} pages")
