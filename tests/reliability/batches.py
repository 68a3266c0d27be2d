"""Large batches for the crash tests, and the crash-free reference they are
judged against.

A plan is a sequence of batches over 20 customers, generated from a seed with a
small model of the balances so that most items are accepted: accruals,
debits within the balance (often spending accruals of the same batch),
releases and reversals of earlier items, exact duplicates (inside the batch
and of earlier batches), and refusals whose outcome cannot change on a resend
(a debit far beyond any balance, a release of an unknown debit or of more than
the debit itself, an unknown phone, a malformed amount, an external_id reused
with other values). So a resend after a crash must give, item by item, exactly
what the crash-free reference run gave: `success` where nothing was committed,
`duplicate` (same transaction_id) where the killed attempt had committed, and
the same error codes.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from harness import PHP_SCRIPTS, REPO, STORES, php_cmd
from workload import Customer, customers

PEOPLE = customers(20, first_user=201)


def money(minor: int) -> str:
    return f"{'-' if minor < 0 else ''}{abs(minor) // 100}.{abs(minor) % 100:02d}"


@dataclass
class Plan:
    seed: int
    prefix: str = "b"
    people: list[Customer] = field(default_factory=lambda: PEOPLE)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.balance = {c.user_id: 0 for c in self.people}
        self.debits: list[list] = []  # [external_id, user, remaining, total]
        self.accruals: list[list] = []
        self.accepted: list[dict] = []
        self.expected: list[str] = []  # the status the model expects, item by item, over the whole plan
        self.count = 0

    def _tx(self, kind: str, minor: int, customer: Customer, original: str | None = None) -> dict:
        self.count += 1
        item = {"external_id": f"{self.prefix}-{self.seed}-{self.count}", "type": kind, "amount": money(minor),
                "description": f"crash test {kind}", "store_id": STORES[self.count % len(STORES)],
                "created_at": "2026-11-27T10:15:00", "source": "1c_retail"}
        if self.rng.random() < 0.5:
            item["user_id"] = customer.user_id
        else:
            item["user_phone"] = self.rng.choice(customer.formats())
        if original is not None:
            item["original_external_id"] = original
        return item

    def _accept(self, item: dict, user: int, effect: int) -> dict:
        self.balance[user] += effect
        self.accepted.append(item)
        self.expected.append("success")
        return item

    def item(self) -> dict:
        rng = self.rng
        customer = rng.choice(self.people)
        user = customer.user_id
        roll = rng.random()
        if roll < 0.22 and self.balance[user] >= 100:
            minor = rng.randint(1, self.balance[user])
            item = self._tx("debit", minor, customer)
            self.debits.append([item["external_id"], user, minor, minor])
            return self._accept(item, user, -minor)
        if roll < 0.32 and self.debits:
            debit = rng.choice(self.debits)
            if debit[2] > 0:
                minor = rng.randint(1, debit[2])
                debit[2] -= minor
                owner = next(c for c in self.people if c.user_id == debit[1])
                return self._accept(self._tx("release", minor, owner, debit[0]), debit[1], minor)
        if roll < 0.40 and self.accruals:
            accrual = rng.choice(self.accruals)
            if accrual[2] > 0:
                minor = rng.randint(1, accrual[2])
                accrual[2] -= minor
                owner = next(c for c in self.people if c.user_id == accrual[1])
                return self._accept(self._tx("accrual", -minor, owner, accrual[0]), accrual[1], -minor)
        if roll < 0.48 and self.accepted:
            self.expected.append("duplicate")
            return dict(rng.choice(self.accepted[-3000:]))  # an exact duplicate
        if roll < 0.58:
            self.expected.append("error")
            return self.refusal(customer)
        minor = rng.randint(100, 50000)
        item = self._tx("accrual", minor, customer)
        self.accruals.append([item["external_id"], user, minor, minor])
        return self._accept(item, user, minor)

    def refusal(self, customer: Customer) -> dict:
        """Refusals a resend decides the same way, whatever else was committed meanwhile."""
        rng = self.rng
        choice = rng.randrange(6)
        if choice == 0:
            return self._tx("debit", 99_999_999_900, customer)  # insufficient_balance, always
        if choice == 1:
            return self._tx("release", 500, customer, "no-such-debit")  # original_not_found
        if choice == 2 and self.debits:
            debit = rng.choice(self.debits)
            owner = next(c for c in self.people if c.user_id == debit[1])
            return self._tx("release", debit[3] + 1, owner, debit[0])  # exceeds_original, always
        if choice == 3:
            item = self._tx("accrual", 100, customer)
            item.pop("user_id", None)
            item["user_phone"] = "+7 999 000-00-00"  # user_not_found
            return item
        if choice == 4 and self.accepted:
            item = dict(rng.choice(self.accepted[-3000:]))
            minor = int(Decimal(item["amount"]) * 100)
            item["amount"] = money(minor + (1 if minor > 0 else -1))  # external_id_conflict
            return item
        return {**self._tx("accrual", 100, customer), "amount": "1.234"}  # validation_failed

    def batch(self, size: int) -> list[dict]:
        return [self.item() for _ in range(size)]

    def accepted_item(self) -> dict:
        """The next item the model expects to be accepted (skipping others, which are never sent)."""
        while True:
            before = len(self.expected)
            item = self.item()
            if self.expected[before] == "success":
                return item
            self.expected.pop()


# --------------------------------------------------------------------------- the worker process

@dataclass
class Attempt:
    """One run of php/batch_worker.php."""

    killed: bool
    returncode: int | None
    results: list[dict] | None
    apply_ms: float | None
    delay_ms: float | None
    output: str


class BatchWorker:
    """Starts php/batch_worker.php on a database, optionally SIGKILLs it after a delay counted from 'ready'."""

    def __init__(self, database: Path, workdir: Path, user_prefix: list[str] | None = None):
        self.database = database
        self.workdir = workdir
        self.prefix = user_prefix or []
        self.runs = 0

    def run(self, items: list[dict], endpoint: str, *, mode: str = "batch", kill_after_ms: float | None = None,
            hold: bool = False, timeout: float = 120) -> Attempt:
        self.runs += 1
        items_file = self.workdir / f"items-{self.runs}.json"
        result_file = self.workdir / f"result-{self.runs}.json"
        hold_file = self.workdir / f"hold-{self.runs}"
        items_file.write_text(json.dumps(items))
        command = php_cmd(str(PHP_SCRIPTS / "batch_worker.php"), str(self.database), str(items_file),
                          str(result_file), endpoint, mode, *([str(hold_file)] if hold else []))
        process = subprocess.Popen([*self.prefix, *command], cwd=REPO, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        output = b""
        killed = False
        delay_ms = None
        try:
            deadline = time.monotonic() + timeout
            while b"ready\n" not in output and process.poll() is None:
                if time.monotonic() > deadline:
                    raise TimeoutError("batch worker never got ready")
                ready, _, _ = select.select([process.stdout], [], [], 0.5)
                if ready:
                    chunk = os.read(process.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    output += chunk
            if hold:
                while not hold_file.exists():
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"the worker never reached the hold point: {output!r}")
                    time.sleep(0.001)
                killed = self._kill(process)
            elif kill_after_ms is not None and process.poll() is None:
                delay_ms = kill_after_ms
                time.sleep(kill_after_ms / 1000)
                killed = self._kill(process)
            rest, _ = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            output += rest
        finally:
            if process.poll() is None:
                self._kill(process)
                process.wait()
        items_file.unlink(missing_ok=True)
        results = apply_ms = None
        if result_file.exists():
            data = json.loads(result_file.read_text())
            results, apply_ms = data["results"], data["apply_ms"]
            result_file.unlink()
        return Attempt(killed and process.returncode == -signal.SIGKILL, process.returncode, results, apply_ms,
                       delay_ms, output.decode(errors="replace"))

    @staticmethod
    def _kill(process: subprocess.Popen) -> bool:
        """SIGKILL the worker this object started (its pid, nothing else); False if it had already exited."""
        if process.poll() is not None:
            return False
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True


def expected_after_resend(reference: list[dict], committed_before: bool) -> list[tuple[str, int | None, str | None]]:
    """(status, transaction_id, error code) a resend must report, item by item."""
    expected = []
    for result in reference:
        if result["status"] == "success" and committed_before:
            expected.append(("duplicate", result["transaction_id"], None))
        else:
            expected.append((result["status"], result.get("transaction_id"), result.get("error")))
    return expected


def observed(results: list[dict]) -> list[tuple[str, int | None, str | None]]:
    return [(r["status"], r.get("transaction_id"), r.get("error")) for r in results]


def first_difference(expected: list, got: list, items: list[dict]) -> str:
    for index, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            return f"item {index} ({items[index].get('external_id')}): expected {e}, got {g}"
    return f"lengths differ: expected {len(expected)}, got {len(got)}"
