"""The cashback rules, written again in Python, and the audit that compares a
ledger file with everything its clients were told.

The audit is deliberately independent of the extension: it reads the entries
with /usr/bin/sqlite3 (on the MySQL backend, the tables through PyMySQL) and
the clients' own logs of requests and answers, then
checks that
  - every external_id reported `success` is in the ledger exactly once, with the
    reported transaction_id and the values that were sent (nothing lost);
  - no external_id was reported `success` twice, and nothing is in the ledger
    that no client was told about (nothing applied twice, nothing extra);
  - duplicates and conflicts name the entry that is really there;
  - replaying the entries in id order, no debit took a balance below zero, no
    release or reversal exceeded its original, and the balance each client was
    told after its operation is the running balance at that entry;
  - refusals for lack of money saw a balance the user really had at some point;
  - every cached balance equals the sum of its entries and the replayed model.
An operation whose answer was lost (no answer, or a 503 saying the outcome is
unknown) and which is in the ledger with the values a client sent joins the
model under the ledger's id.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from harness import kopecks

KIND = {"accrual": 1, "debit": 2, "release": 3}


def normalize_phone(text: str) -> str | None:
    """Russian numbers as the tests write them (the extension normalizes more; we only need ours)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] in "78":
        return "7" + digits[1:]
    if len(digits) == 10 and digits[0] == "9":
        return "7" + digits
    return None


@dataclass
class ItemOutcome:
    """What one client was told about one transaction of one attempt."""

    worker: str
    seq: int
    index: int
    payload: Any
    status: str  # success | duplicate | error | transient | unknown
    detail: dict = field(default_factory=dict)

    @property
    def external_id(self) -> str | None:
        value = self.payload.get("external_id") if isinstance(self.payload, dict) else None
        return value if isinstance(value, str) else None

    def where(self) -> str:
        return f"{self.worker}#{self.seq}[{self.index}] {self.external_id}"


# 503 codes whose request may have been applied: the ledger lost its connection at COMMIT
# (database_outcome_unknown), or nginx lost the PHP-FPM worker that ran it (service_unavailable).
OUTCOME_UNKNOWN = ("database_outcome_unknown", "service_unavailable")


def outcomes_from_results(worker: str, seq: int, items: list, results: list) -> list[ItemOutcome]:
    out = []
    for index, (payload, result) in enumerate(zip(items, results, strict=True)):
        status = result["status"]
        out.append(ItemOutcome(worker, seq, index, payload, status, result))
    return out


def outcomes_from_http(worker: str, seq: int, op: str, items: list, status: int | None, body: Any) -> list[ItemOutcome]:
    """The API's answers mapped onto the ledger's result vocabulary."""
    def all_items(state: str, detail: dict) -> list[ItemOutcome]:
        return [ItemOutcome(worker, seq, i, p, state, dict(detail)) for i, p in enumerate(items)]
    if status is None:
        return all_items("unknown", {"lost": body})
    if body is None:
        # A status line whose body never came whole (its worker was SIGKILLed while answering): a lost
        # answer, as a client that cannot read the body must resend.
        return all_items("unknown", {"lost": f"HTTP {status} without a readable body"})
    if status == 503 and isinstance(body, dict) and body.get("error") in OUTCOME_UNKNOWN:
        # The request may have committed: a lost answer, though an answer came.
        return all_items("unknown", {"error": body.get("error"), "http": 503})
    if status == 503:
        return all_items("transient", {"error": (body or {}).get("error"), "http": 503})
    if op == "batch":
        if status == 200:
            return outcomes_from_results(worker, seq, items, body["results"])
        return all_items("unexpected", {"http": status, "body": body})
    if status == 200 and body.get("status") == "ok":
        return [ItemOutcome(worker, seq, 0, items[0], "success", dict(body))]
    if status == 200 and body.get("status") == "already_exists":
        return [ItemOutcome(worker, seq, 0, items[0], "duplicate", dict(body))]
    if status in (400, 404, 409, 422) and isinstance(body, dict) and "error" in body:
        return [ItemOutcome(worker, seq, 0, items[0], "error", dict(body, http=status))]
    return [ItemOutcome(worker, seq, 0, items[0], "unexpected", {"http": status, "body": body})]


class Request:
    """A payload as the ledger reads it (only what the audit needs)."""

    def __init__(self, payload: dict, phones: dict[str, int]):
        self.external_id = payload["external_id"]
        self.kind = KIND[payload["type"]]
        self.amount = kopecks(payload["amount"])
        self.original = payload.get("original_external_id")
        if "user_id" in payload:
            self.user = int(payload["user_id"])
            self.user_field = "user_id"
            self.phone = None
        else:
            self.phone = normalize_phone(str(payload["user_phone"]))
            self.user = phones.get(self.phone)
            self.user_field = "user_phone"

    def differences(self, entry: dict) -> set[str]:
        """The fields the ledger's conflict check would name against this entry."""
        fields = set()
        if self.kind != entry["kind"]:
            fields.add("type")
        if self.amount != entry["amount"]:
            fields.add("amount")
        same_user = (self.phone == entry["phone"]) if (self.phone is not None and entry["phone"] is not None) \
            else self.user == entry["user_id"]
        if not same_user:
            fields.add(self.user_field)
        if self.original != entry["original_external_id"]:
            fields.add("original_external_id")
        return fields


def effect(kind: int, amount: int) -> int:
    return -amount if kind == 2 else amount


def replay_model(successes: dict[str, list[ItemOutcome]], phones: dict[str, int], problem) -> dict[int, int]:
    """The rules applied to the operations clients were told were accepted, in the order of their
    transaction_ids: each must have been acceptable at that point; returns the balances."""
    accepted = sorted((reports[0].detail["transaction_id"], Request(reports[0].payload, phones))
                      for reports in successes.values())
    balance: dict[int, int] = defaultdict(int)
    originals: dict[str, tuple[int, int, int]] = {}  # external_id -> (kind, user, amount)
    used: dict[str, int] = defaultdict(int)
    for tid, op in accepted:
        if op.kind == 2 and balance[op.user] < op.amount:
            problem(f"MODEL: debit {op.external_id} (transaction {tid}) of {op.amount} accepted on a balance of "
                    f"{balance[op.user]}")
        if op.original is not None:
            kind, user, amount = originals.get(op.original, (None, None, 0))
            used[op.original] += abs(op.amount)
            if user != op.user or used[op.original] > amount or kind != (2 if op.kind == 3 else 1):
                problem(f"MODEL: {op.external_id} (transaction {tid}) corrects {op.original} beyond what it may")
        balance[op.user] += effect(op.kind, op.amount)
        originals[op.external_id] = (op.kind, op.user, op.amount)
    return dict(balance)


@dataclass
class Audit:
    """Result of audit(): figures and the list of broken guarantees (empty when all hold)."""

    problems: list[str]
    figures: dict[str, Any]

    def assert_clean(self) -> None:
        if self.problems:
            shown = "\n  ".join(self.problems[:40])
            more = f"\n  ... and {len(self.problems) - 40} more" if len(self.problems) > 40 else ""
            raise AssertionError(f"{len(self.problems)} broken guarantees:\n  {shown}{more}")


def audit(outcomes: list[ItemOutcome], entries: list[dict], accounts: dict[int, int], phones: dict[str, int],
          verify: dict, integrity: str) -> Audit:
    problems: list[str] = []
    problem = problems.append
    if integrity != "ok":
        problem(f"PRAGMA integrity_check: {integrity}")
    if not verify.get("ok") or verify.get("problems"):
        problem(f"verify() is not clean: {verify}")

    by_external = {e["external_id"]: e for e in entries}
    by_id = {e["id"]: e for e in entries}
    if len(by_external) != len(entries):
        problem("the ledger holds an external_id more than once")

    # ---- replay in id order: overdraft, originals, running balances
    running: dict[int, int] = defaultdict(int)
    history: dict[int, set[int]] = defaultdict(lambda: {0})
    consumed: dict[int, int] = defaultdict(int)
    remaining_history: dict[int, set[int]] = defaultdict(set)
    balance_after: dict[int, int] = {}
    overdrawn = 0
    for e in entries:
        user = e["user_id"]
        if e["original_id"] is not None:
            original = by_id.get(e["original_id"])
            if original is None:
                problem(f"entry {e['id']} names a missing original {e['original_id']}")
            else:
                remaining_history[original["id"]].add(original["amount"] - consumed[original["id"]])
                expected_kind = 2 if e["kind"] == 3 else 1
                if original["kind"] != expected_kind or original["user_id"] != user or original["amount"] <= 0:
                    problem(f"entry {e['id']} ({e['external_id']}) corrects an entry it may not: {original}")
                consumed[original["id"]] += abs(e["amount"])
                if consumed[original["id"]] > original["amount"]:
                    problem(f"entry {e['id']} ({e['external_id']}): {consumed[original['id']]} corrected of "
                            f"{original['amount']} (original {original['external_id']})")
        if e["kind"] == 2 and running[user] < e["amount"]:
            overdrawn += 1
            problem(f"OVERDRAFT: debit {e['id']} ({e['external_id']}) of {e['amount']} on balance {running[user]}")
        if e["kind"] == 1 and e["amount"] > 0:
            remaining_history[e["id"]].add(e["amount"])
        if e["kind"] == 2:
            remaining_history[e["id"]].add(e["amount"])
        running[user] += effect(e["kind"], e["amount"])
        history[user].add(running[user])
        balance_after[e["id"]] = running[user]
    for original_id, used in consumed.items():
        if original_id in by_id:
            remaining_history[original_id].add(by_id[original_id]["amount"] - used)

    # ---- what the clients were told
    successes: dict[str, list[ItemOutcome]] = defaultdict(list)
    unknown: dict[str, list[ItemOutcome]] = defaultdict(list)  # answers lost (or 503 "outcome unknown")
    statuses: Counter = Counter()
    errors: Counter = Counter()
    for o in outcomes:
        statuses[o.status] += 1
        ext = o.external_id
        if o.status == "unexpected":
            problem(f"{o.where()}: unexpected answer {o.detail}")
            continue
        if o.status == "unknown":
            unknown[ext].append(o)
            continue
        if o.status == "transient":
            errors[o.detail.get("error") or "transient"] += 1
            continue
        entry = by_external.get(ext)
        if o.status in ("success", "duplicate"):
            if o.status == "success":
                successes[ext].append(o)
            if entry is None:
                problem(f"LOST: {o.where()} was reported {o.status} (transaction {o.detail.get('transaction_id')}) "
                        "but is not in the ledger")
                continue
            if o.detail.get("transaction_id") != entry["id"]:
                problem(f"{o.where()}: reported transaction_id {o.detail.get('transaction_id')}, ledger has {entry['id']}")
            if o.detail.get("user_id") is not None and o.detail["user_id"] != entry["user_id"]:
                problem(f"{o.where()}: reported user {o.detail['user_id']}, ledger has {entry['user_id']}")
            differences = Request(o.payload, phones).differences(entry)
            if differences:
                problem(f"{o.where()}: reported {o.status} but differs from the ledger entry in {sorted(differences)}")
            if o.status == "success" and "balance" in o.detail:
                told = kopecks(o.detail["balance"])
                if told != balance_after.get(entry["id"]):
                    problem(f"{o.where()}: told balance {told}, the ledger's running balance after entry "
                            f"{entry['id']} is {balance_after.get(entry['id'])}")
            continue
        # status == error
        code = o.detail.get("error")
        errors[code] += 1
        if code == "external_id_conflict":
            if entry is None:
                problem(f"{o.where()}: external_id_conflict, but no entry has this external_id")
            else:
                expected = Request(o.payload, phones).differences(entry)
                told = set(o.detail.get("fields") or [])
                if told != expected or not told:
                    problem(f"{o.where()}: conflict names {sorted(told)}, the entry differs in {sorted(expected)}")
        elif code == "insufficient_balance":
            request = Request(o.payload, phones)
            told = kopecks(o.detail["balance"])
            if told >= request.amount:
                problem(f"{o.where()}: refused a debit of {request.amount} on a balance of {told}")
            if request.user is not None and told not in history[request.user]:
                problem(f"{o.where()}: refused with balance {told}, which user {request.user} never had")
        elif code == "exceeds_original":
            request = Request(o.payload, phones)
            original = by_external.get(request.original or "")
            told = kopecks(o.detail["remaining"])
            if original is None:
                problem(f"{o.where()}: exceeds_original for an original that is not in the ledger")
            elif told not in remaining_history[original["id"]]:
                problem(f"{o.where()}: told {told} remains of {original['external_id']}, which never was the case")

    doubled = 0
    for ext, reports in successes.items():
        if len(reports) > 1:
            doubled += 1
            problem(f"APPLIED TWICE: {ext} was reported success {len(reports)} times: "
                    + ", ".join(f"{r.where()} -> {r.detail.get('transaction_id')}" for r in reports))
    extra = 0
    for e in entries:
        ext = e["external_id"]
        if ext not in successes and ext not in unknown and not ext.startswith("setup-"):
            extra += 1
            problem(f"EXTRA: entry {e['id']} ({ext}) was never reported success to any client")

    # ---- operations whose answer was lost but which are in the ledger: they join the model with the
    # ledger's id, if some client did send exactly those values
    landed: dict[str, list[ItemOutcome]] = {}
    for ext, reports in unknown.items():
        entry = by_external.get(ext)
        if ext in successes or entry is None:
            continue
        same = [r for r in reports if not Request(r.payload, phones).differences(entry)]
        if not same:
            problem(f"entry {entry['id']} ({ext}): its answers were lost, and no client sent these values")
            continue
        landed[ext] = [ItemOutcome(same[0].worker, same[0].seq, same[0].index, same[0].payload, "success",
                                   {"transaction_id": entry["id"]})]

    # ---- balances: cached == sum of entries == the model replayed from what clients were told
    for user in set(running) | set(accounts):
        if accounts.get(user, 0) != running.get(user, 0):
            problem(f"user {user}: cached balance {accounts.get(user)} but entries sum to {running.get(user, 0)}")
    model = replay_model({**successes, **landed}, phones, problem)
    # Users with entries nobody was told about (EXTRA, reported above) cannot be modelled.
    unexplained = {e["user_id"] for e in entries if e["external_id"] not in successes and e["external_id"] not in landed}
    for user in (set(model) | set(accounts)) - unexplained:
        if model.get(user, 0) != accounts.get(user, 0):
            problem(f"user {user}: the model replayed from the accepted operations gives {model.get(user, 0)}, "
                    f"the ledger {accounts.get(user, 0)}")
    lost = sum(1 for p in problems if p.startswith("LOST"))
    figures = {
        "requests": len({(o.worker, o.seq) for o in outcomes}),
        "operations": len(outcomes),
        "statuses": dict(statuses),
        "errors": dict(errors),
        "ledger_entries": len(entries),
        "customers": len(accounts),
        "lost": lost,
        "doubled": doubled,
        "overdrawn": overdrawn,
        "extra": extra,
        "landed_unanswered": len(landed),
        "problems": len(problems),
    }
    return Audit(problems, figures)
