"""Clients that accrue and debit the same customers through two web nodes,
retrying every transient answer with the same external_ids, and the audit of
one node's ledger against what the clients were told.

A client sends single transactions (POST transactions) and small batches (POST
transactions/batch). A 503 or a lost connection is retried with the very same
body, after two failures in a row through the other web node; every operation
ends acknowledged (success / duplicate), refused (a 4xx or an item error), or
unknown (no final answer within OP_DEADLINE). Some acknowledged operations are
resent at once through the other web node, which must answer that it already
has them, under the same transaction_id.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from harness import Client, kopecks, rubles

# Three customers for every client: the same balances are fought over through both web nodes.
CUSTOMERS = {101: "79001230101", 102: "79001230102", 103: "79001230103"}
STORES = ["store-1", "store-2", "store-3"]
KIND = {"accrual": 1, "debit": 2}
# How long one operation is retried (503, lost connection) before it counts as unknown.
OP_DEADLINE = 90.0
# The clients' own HTTP timeout: above a Galera stall while a dead node is evicted (~3.5 s) and
# above the extension's socket timeout (20 s).
HTTP_TIMEOUT = 45.0


@dataclass
class Op:
    external_id: str
    user_id: int
    kind: str
    amount: int  # kopecks
    store: str
    created_at: str
    client: str
    status: str = "pending"  # success | duplicate | refused | unknown
    transaction_id: int | None = None
    told_balance: int | None = None  # kopecks, told with a success
    error: str | None = None
    refusal_balance: int | None = None
    attempts: int = 0
    answered_at: float | None = None  # time.monotonic() of the final answer
    history: list[str] = field(default_factory=list)  # each attempt's answer: "A 503 database_busy", "B lost", ...

    def payload(self) -> dict[str, Any]:
        return {"type": self.kind, "amount": rubles(self.amount), "external_id": self.external_id,
                "user_phone": CUSTOMERS[self.user_id], "store_id": self.store,
                "description": f"galera test {self.client}", "created_at": self.created_at}

    @property
    def acknowledged(self) -> bool:
        return self.status in ("success", "duplicate")


@dataclass
class Stats:
    """Counts of every client's requests, answers and retries (under a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter = field(default_factory=Counter)  # by web node name
    statuses: Counter = field(default_factory=Counter)  # "A 200", "B 503 database_busy", ...
    connection_errors: int = 0
    retries: int = 0
    failovers: int = 0
    resends: int = 0
    slowest: float = 0.0
    problems: list[str] = field(default_factory=list)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def answer(self, node: str, status: int | None, error: str | None, seconds: float) -> None:
        with self.lock:
            self.requests[node] += 1
            self.statuses[f"{node} {status if status is not None else 'lost'}{' ' + error if error else ''}"] += 1
            self.slowest = max(self.slowest, seconds)

    def problem(self, text: str) -> None:
        with self.lock:
            if len(self.problems) < 200:
                self.problems.append(text)

    def count(self, status: int) -> int:
        return sum(n for key, n in self.statuses.items() if key.split()[1] == str(status))


class Knowledge:
    """The last balance any client was told per customer: debits are sized to it, so they race."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.balance = {user: 0 for user in CUSTOMERS}

    def tell(self, user: int, balance: int) -> None:
        with self.lock:
            self.balance[user] = balance

    def get(self, user: int) -> int:
        with self.lock:
            return self.balance[user]


class Worker(threading.Thread):
    """One client: its home web node first, the other one after two transient failures in a row."""

    def __init__(self, name: str, bases: list[str], home: int, api_key: str, seed: int, stop: threading.Event,
                 stats: Stats, knowledge: Knowledge, *, batch_share: float = 0.3, batch_sizes: tuple[int, int] = (2, 60)):
        super().__init__(name=name, daemon=True)
        self.batch_share = batch_share
        self.batch_sizes = batch_sizes
        self.bases = bases
        self.home = home
        self.clients = [Client(base, api_key, timeout=HTTP_TIMEOUT) for base in bases]
        self.rng = random.Random(seed)
        self.stop_event = stop
        self.stats = stats
        self.knowledge = knowledge
        self.ops: list[Op] = []
        self.seq = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop_event.is_set():
                count = self.rng.randint(*self.batch_sizes) if self.rng.random() < self.batch_share else 1
                items = [self.new_op() for _ in range(count)]
                self.ops.extend(items)
                self.send(items, batch=count > 1)
                for op in items:
                    if op.status == "success" and self.rng.random() < 0.05:
                        self.resend(op)
        except BaseException as error:  # reported by the test
            self.failure = error
        finally:
            for client in self.clients:
                client.close()

    def new_op(self) -> Op:
        self.seq += 1
        user = self.rng.choice(list(CUSTOMERS))
        known = self.knowledge.get(user)
        if known > 10_000 and self.rng.random() < 0.45:
            kind = "debit"
            # Mostly what the customer was last known to have, now and then more: concurrent debits race.
            amount = self.rng.randint(known // 4, known) if self.rng.random() < 0.9 else known + self.rng.randint(1, 5000)
        else:
            kind, amount = "accrual", self.rng.randint(50, 500) * 100 + self.rng.randint(0, 99)
        return Op(f"galera-{self.name}-{self.seq}", user, kind, max(amount, 1), self.rng.choice(STORES),
                  time.strftime("%Y-%m-%dT%H:%M:%S"), self.name)

    def post(self, target: int, path: str, body: Any):
        started = time.monotonic()
        node = "AB"[target]
        try:
            reply = self.clients[target].post(path, body)
        except ConnectionError:
            self.stats.add(connection_errors=1)
            self.stats.answer(node, None, None, time.monotonic() - started)
            return None
        self.stats.answer(node, reply.status, reply.error if reply.status >= 400 else None, time.monotonic() - started)
        return reply

    def send(self, items: list[Op], *, batch: bool) -> None:
        path = "transactions/batch" if batch else "transactions"
        body = [op.payload() for op in items] if batch else items[0].payload()
        target, failures_here = self.home, 0
        deadline = time.monotonic() + OP_DEADLINE
        while True:
            for op in items:
                op.attempts += 1
            reply = self.post(target, path, body)
            answer = f"{'AB'[target]} {reply.status if reply is not None else 'lost'}"
            if reply is not None and reply.status >= 400:
                answer += f" {reply.error}"
            for op in items:
                op.history.append(answer)
            if reply is not None and reply.status == 200 and isinstance(reply.body, dict):
                answered = time.monotonic()
                if batch:
                    results = reply.body.get("results")
                    if not isinstance(results, list) or len(results) != len(items):
                        self.stats.problem(f"bad batch answer {reply!r}")
                        results = [{}] * len(items)
                    for op, result in zip(items, results):
                        self.settle(op, result, answered)
                else:
                    self.settle(items[0], reply.body, answered)
                return
            if reply is not None and 400 <= reply.status < 500 and not batch:
                op = items[0]
                op.status, op.error, op.answered_at = "refused", reply.error, time.monotonic()
                if isinstance(reply.body, dict) and "balance" in reply.body:
                    op.refusal_balance = kopecks(reply.body["balance"])
                if reply.error != "insufficient_balance":
                    self.stats.problem(f"{op.external_id}: unexpected refusal {reply!r}")
                return
            if reply is not None and reply.status != 503:
                self.stats.problem(f"{[op.external_id for op in items]}: unexpected answer {reply!r}")
                for op in items:
                    op.status = "unknown"
                return
            if reply is not None and not reply.header("Retry-After"):
                self.stats.problem(f"503 without Retry-After: {reply!r}")
            if time.monotonic() > deadline:
                for op in items:
                    op.status = "unknown"
                return
            self.stats.add(retries=1)
            failures_here += 1
            if failures_here >= 2:
                target, failures_here = 1 - target, 0
                self.stats.add(failovers=1)
            time.sleep(self.rng.uniform(0.1, 0.4))

    def settle(self, op: Op, result: dict, answered: float) -> None:
        status = result.get("status")
        op.answered_at = answered
        if status in ("ok", "success"):
            op.status, op.transaction_id = "success", result.get("transaction_id")
            op.told_balance = kopecks(result["balance"])
            self.knowledge.tell(op.user_id, op.told_balance)
        elif status in ("already_exists", "duplicate"):
            op.status, op.transaction_id = "duplicate", result.get("transaction_id")
        elif status == "error":
            op.status, op.error = "refused", result.get("error")
            if "balance" in result:
                op.refusal_balance = kopecks(result["balance"])
            if op.error != "insufficient_balance":
                self.stats.problem(f"{op.external_id}: unexpected item error {result}")
        else:
            op.status = "unknown"
            self.stats.problem(f"{op.external_id}: unexpected result {result}")

    def resend(self, op: Op) -> None:
        """The same operation again through the other web node: it must be known there, same id."""
        self.stats.add(resends=1)
        target = 1 - self.home
        deadline = time.monotonic() + OP_DEADLINE
        while time.monotonic() < deadline:
            reply = self.post(target, "transactions", op.payload())
            if reply is not None and reply.status == 200 and isinstance(reply.body, dict):
                if reply.body.get("status") != "already_exists" or reply.body.get("transaction_id") != op.transaction_id:
                    self.stats.problem(f"{op.external_id} (transaction {op.transaction_id}) resent through "
                                       f"{'AB'[target]}: {reply!r}")
                return
            if reply is not None and reply.status != 503:
                self.stats.problem(f"{op.external_id} resent through {'AB'[target]}: {reply!r}")
                return
            self.stats.add(retries=1)
            time.sleep(self.rng.uniform(0.1, 0.4))
        self.stats.problem(f"{op.external_id}: resend not answered within {OP_DEADLINE}s")


# --------------------------------------------------------------------------- the audit

@dataclass
class NodeAudit:
    node: int
    entries: int = 0
    lost: int = 0
    doubled: int = 0
    overdrawn: int = 0
    mismatched: int = 0
    extra: int = 0
    refused_present: int = 0
    unknown_present: int = 0
    wrong_told_balance: int = 0
    balance_differences: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)


def audit(node: int, ops: list[Op], entries: list[tuple[int, str, int, int, int]], accounts: dict[int, int]) -> NodeAudit:
    """One node's entries (id, external_id, user_id, kind, amount) and cached balances against the clients' record.

    The independent model is the operations the clients were told are in the ledger (plus those whose
    outcome they never learned, if present), applied in transaction_id order by the rules: an accrual adds,
    a debit needs the whole amount."""
    result = NodeAudit(node, entries=len(entries))
    by_id = {op.external_id: op for op in ops}
    count = Counter(external_id for _, external_id, *_ in entries)
    entry_of = {external_id: (entry_id, user, kind, amount) for entry_id, external_id, user, kind, amount in entries}
    for external_id, n in count.items():
        if n > 1:
            result.doubled += n - 1
            result.problem(f"{external_id} is in the ledger {n} times")
        if external_id not in by_id:
            result.extra += 1
            result.problem(f"{external_id} is in the ledger but no client sent it")
    for op in ops:
        present = count.get(op.external_id, 0)
        if op.acknowledged:
            if present == 0:
                result.lost += 1
                result.problem(f"{op.external_id} was acknowledged ({op.status}, transaction {op.transaction_id}) but is missing")
                continue
            entry_id, user, kind, amount = entry_of[op.external_id]
            if (entry_id, user, kind, amount) != (op.transaction_id, op.user_id, KIND[op.kind], op.amount):
                result.mismatched += 1
                result.problem(f"{op.external_id}: told transaction {op.transaction_id} {op.kind} {op.amount} "
                               f"for {op.user_id}, ledger has {(entry_id, user, kind, amount)}")
        elif op.status == "refused" and present:
            result.refused_present += 1
            result.problem(f"{op.external_id} was refused ({op.error}) but is in the ledger")
        elif op.status in ("unknown", "pending") and present:
            result.unknown_present += 1

    # The ledger replayed in id order: no debit below zero, and each success told the running balance.
    running: dict[int, int] = defaultdict(int)
    for entry_id, external_id, user, kind, amount in sorted(entries):
        running[user] += amount if kind == 1 else -amount
        if kind == 2 and running[user] < 0:
            result.overdrawn += 1
            result.problem(f"debit {external_id} (entry {entry_id}) took {user} to {running[user]}")
        op = by_id.get(external_id)
        if op is not None and op.status == "success" and op.told_balance != running[user]:
            result.wrong_told_balance += 1
            result.problem(f"{external_id}: told balance {op.told_balance}, running balance {running[user]}")

    # The model: what the clients know landed (and what landed without their knowing), in transaction_id order.
    model: dict[int, int] = defaultdict(int)
    landed = [op for op in ops if op.acknowledged and op.transaction_id is not None]
    landed += [op for op in ops if not op.acknowledged and op.status != "refused" and op.external_id in entry_of]
    for op in sorted(landed, key=lambda op: op.transaction_id if op.acknowledged else entry_of[op.external_id][0]):
        if op.kind == "debit" and model[op.user_id] < op.amount:
            result.overdrawn += 1
            result.problem(f"model: debit {op.external_id} of {op.amount} accepted on a balance of {model[op.user_id]}")
        model[op.user_id] += op.amount if op.kind == "accrual" else -op.amount
    for user in set(model) | set(accounts) | set(running):
        if not (model.get(user, 0) == accounts.get(user, 0) == running.get(user, 0)):
            result.balance_differences += 1
            result.problem(f"user {user}: model {model.get(user, 0)}, cached {accounts.get(user, 0)}, "
                           f"entries {running.get(user, 0)}")
        if accounts.get(user, 0) < 0:
            result.overdrawn += 1
            result.problem(f"user {user}: cached balance {accounts[user]} below zero")
    return result


# Answers after which a write may have landed: the store lost the connection at COMMIT, or the client
# lost the answer. After any other 503 nothing was written (docs/scale-out.md).
MAY_HAVE_LANDED = ("503 database_outcome_unknown", "lost")


def unexplained_duplicates(ops: list[Op]) -> list[str]:
    """An operation answered `duplicate` must have landed in an earlier attempt that may have landed."""
    return [f"{op.external_id} was answered duplicate (transaction {op.transaction_id}) after {op.history}: "
            "no earlier attempt may have written it"
            for op in ops if op.status == "duplicate"
            and not any(answer.split(" ", 1)[1] in MAY_HAVE_LANDED for answer in op.history[:-1])]


def refusals_plausible(ops: list[Op]) -> list[str]:
    """An insufficient_balance refusal must name a balance below the amount asked."""
    return [f"{op.external_id}: refused a debit of {op.amount} on a reported balance of {op.refusal_balance}"
            for op in ops if op.error == "insufficient_balance"
            and (op.refusal_balance is None or op.refusal_balance >= op.amount)]
