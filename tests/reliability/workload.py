"""Random but reproducible client traffic for the concurrency tests, and the
two ways of delivering it: PHP CLI worker processes calling the extension
directly (php/worker.php) and HTTP clients of a running host.

Every worker draws from its own seeded generator over a small set of
customers, so they contend hard: accruals, debits (many refused for lack of
money), releases and reversals naming what any worker got accepted, exact
duplicates (also with the customer written differently), conflicting resends,
small batches with dependencies and duplicates inside, and "race" operations:
the same external_id sent by every worker in the same 50 ms window, some with
different values, so exactly one may win.

Each worker logs every request and every answer (JSON lines); the audit reads
those logs, not the driver's memory.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from harness import Client, php_cmd, PHP_SCRIPTS, REPO, STORES
from ledger_model import OUTCOME_UNKNOWN, ItemOutcome, outcomes_from_http, outcomes_from_results


@dataclass
class Customer:
    user_id: int
    phone: str  # normalized, 7XXXXXXXXXX

    def formats(self) -> list[str]:
        n = self.phone[1:]
        return [self.phone, "+" + self.phone, "8" + n, n, f"+7 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}",
                f"8 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}"]


def customers(count: int, first_user: int = 101) -> list[Customer]:
    return [Customer(first_user + i, f"7916{first_user + i:07d}") for i in range(count)]


class Knowledge:
    """What any worker has been told was accepted: originals for releases and reversals."""

    def __init__(self):
        self.lock = threading.Lock()
        self.debits: list[tuple[str, int, int]] = []  # external_id, user_id, amount
        self.accruals: list[tuple[str, int, int]] = []
        self.balances: dict[int, int] = {}  # the last balance any worker was told, per user
        self.started = time.monotonic()

    def learn(self, items: list[dict], results: list[dict]) -> None:
        with self.lock:
            for item, result in zip(items, results):
                if result.get("status") != "success":
                    continue
                amount = int(Decimal(str(item["amount"])) * 100)
                entry = (item["external_id"], result["user_id"], amount)
                if "balance" in result:
                    self.balances[result["user_id"]] = int(Decimal(str(result["balance"])) * 100)
                if item["type"] == "debit":
                    self.debits.append(entry)
                elif item["type"] == "accrual" and amount > 0:
                    self.accruals.append(entry)

    def pick(self, rng: random.Random, which: str) -> tuple[str, int, int] | None:
        with self.lock:
            pool = self.debits if which == "debit" else self.accruals
            if not pool:
                return None
            # Mostly recent ones, so corrections of the same original race each other.
            return pool[-1 - min(int(rng.expovariate(0.3)), len(pool) - 1)]


WEIGHTS = {
    "accrual": 26, "debit": 24, "release": 10, "reversal": 8, "reversal_free": 2, "duplicate": 9,
    "conflict": 5, "race": 10, "refused": 3,
}


class Generator:
    """One worker's stream of requests."""

    def __init__(self, name: str, seed: int, people: list[Customer], knowledge: Knowledge, batch_share: float = 0.12):
        self.name = name
        self.rng = random.Random(seed)
        self.people = people
        self.by_id = {c.user_id: c for c in people}
        self.knowledge = knowledge
        self.batch_share = batch_share
        self.sent: list[dict] = []
        self.counter = 0
        self.kinds = list(WEIGHTS)
        self.weights = list(WEIGHTS.values())

    # ---- pieces
    def new_id(self, prefix: str = "op") -> str:
        self.counter += 1
        return f"{prefix}-{self.name}-{self.counter}"

    def amount(self, minor: int) -> Any:
        """The wire forms 1C and the shop use: a number, a decimal string, an integer."""
        form = self.rng.random()
        text = f"{'-' if minor < 0 else ''}{abs(minor) // 100}.{abs(minor) % 100:02d}"
        if form < 0.4:
            return text
        if form < 0.5 and minor % 100 == 0:
            return minor // 100
        return float(text)

    def who(self, customer: Customer) -> dict:
        if self.rng.random() < 0.35:
            return {"user_id": customer.user_id if self.rng.random() < 0.7 else str(customer.user_id)}
        return {"user_phone": self.rng.choice(customer.formats())}

    def tx(self, external_id: str, kind: str, minor: int, customer: Customer, original: str | None = None) -> dict:
        item = {"external_id": external_id, "type": kind, "amount": self.amount(minor), **self.who(customer),
                "description": f"{self.name} {kind}", "store_id": self.rng.choice(STORES[:3]),
                "created_at": "2026-11-27T10:15:00"}
        if original is not None:
            item["original_external_id"] = original
        return item

    def race(self) -> dict:
        """The same external_id from every worker in the same 50 ms window; values mostly agree."""
        slot = int((time.monotonic() - self.knowledge.started) / 0.05) - self.rng.randint(0, 1)
        fixed = random.Random(slot)
        customer = fixed.choice(self.people)
        kind = "accrual" if fixed.random() < 0.85 else "debit"
        minor = fixed.randint(100, 20000)
        if self.rng.random() < 0.15:
            minor += 1  # a conflicting resend of the same external_id
        return self.tx(f"race-{slot}", kind, minor, customer)

    def one(self) -> dict:
        rng = self.rng
        kind = rng.choices(self.kinds, self.weights)[0]
        customer = rng.choice(self.people)
        if kind == "accrual":
            return self.tx(self.new_id(), "accrual", rng.randint(100, 30000), customer)
        if kind == "debit":
            # Spend about what the customer has: racing debits then fight over the same money.
            known = self.knowledge.balances.get(customer.user_id, 0)
            high = max(100, int(known * 1.15))
            return self.tx(self.new_id(), "debit", rng.randint(max(1, high // 3), high), customer)
        if kind in ("release", "reversal"):
            original = self.knowledge.pick(rng, "debit" if kind == "release" else "accrual")
            if original is None:
                return self.tx(self.new_id(), "accrual", rng.randint(100, 30000), customer)
            ext, user, total = original
            owner = self.by_id[user] if rng.random() < 0.92 else customer
            minor = rng.randint(1, total) if rng.random() < 0.8 else total + rng.randint(1, 500)
            if kind == "release":
                return self.tx(self.new_id(), "release", minor, owner, ext)
            return self.tx(self.new_id(), "accrual", -minor, owner, ext)
        if kind == "reversal_free":
            return self.tx(self.new_id(), "accrual", -rng.randint(100, 5000), customer)
        if kind == "duplicate" and self.sent:
            item = dict(rng.choice(self.sent[-50:]))
            if rng.random() < 0.3:  # the same customer written another way is still the same operation
                owner = self._owner(item)
                if owner is not None:
                    item.pop("user_id", None)
                    item.pop("user_phone", None)
                    item.update(self.who(owner))
            return item
        if kind == "conflict" and self.sent:
            item = dict(rng.choice(self.sent[-50:]))
            minor = int(Decimal(str(item["amount"])) * 100)
            item["amount"] = self.amount(minor + (1 if minor > 0 else -1) * rng.randint(1, 100))
            return item
        if kind == "race":
            return self.race()
        # Refusals that must never write anything.
        choice = rng.random()
        if choice < 0.4:
            return self.tx(self.new_id(), "release", rng.randint(100, 1000), customer, "no-such-debit")
        if choice < 0.7:
            item = self.tx(self.new_id(), "accrual", 100, customer)
            item.pop("user_id", None)
            item["user_phone"] = "+7 999 000-00-00"  # nobody's phone: user_not_found
            return item
        return {**self.tx(self.new_id(), "debit", 100, customer), "amount": "1.234"}  # validation_failed

    def _owner(self, item: dict) -> Customer | None:
        if "user_id" in item:
            return self.by_id.get(int(item["user_id"]))
        digits = "".join(ch for ch in str(item.get("user_phone", "")) if ch.isdigit())
        for person in self.people:
            if digits and person.phone.endswith(digits[-10:]):
                return person
        return None

    def next(self) -> tuple[str, list[dict]]:
        """("apply", [tx]) or ("batch", [tx, ...])."""
        if self.rng.random() >= self.batch_share:
            item = self.one()
            self.sent.append(item)
            return "apply", [item]
        items: list[dict] = []
        for _ in range(self.rng.randint(2, 12)):
            roll = self.rng.random()
            if items and roll < 0.12:
                items.append(dict(self.rng.choice(items)))  # a duplicate inside the batch
            elif roll < 0.25:
                customer = self.rng.choice(self.people)  # accrual then a debit spending it, in one batch
                minor = self.rng.randint(100, 10000)
                items.append(self.tx(self.new_id(), "accrual", minor, customer))
                items.append(self.tx(self.new_id(), "debit", self.rng.randint(1, minor), customer))
            else:
                items.append(self.one())
        self.sent.extend(items)
        return "batch", items


# --------------------------------------------------------------------------- delivery

@dataclass
class Run:
    """What a concurrency run produced."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    workers: int = 0
    seconds: float = 0.0
    worker_errors: list[str] = field(default_factory=list)


def _drive(name: str, generator: Generator, deadline: float, send: Callable[[int, str, list], dict | None],
           knowledge: Knowledge, counters: dict, lock: threading.Lock, errors: list[str], attempts: int = 6,
           pause: float = 0.01) -> None:
    seq = 0
    try:
        while time.monotonic() < deadline:
            op, items = generator.next()
            for attempt in range(attempts):
                seq += 1
                answer = send(seq, op, items)
                with lock:
                    counters["requests"] += 1
                    counters["retries"] += attempt > 0
                if answer is not None and "results" in answer:
                    knowledge.learn(items, answer["results"])
                    break
                if answer is not None and answer.get("final"):
                    break
                time.sleep(min(pause * (attempt + 1), 0.5))  # 503 / busy / lost: resend the same request, like 1C does
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(f"{name}: {error!r}")


def run_cli_workers(database: Path, log_dir: Path, people: list[Customer], *, workers: int, seconds: float,
                    seed: int) -> Run:
    """N PHP CLI processes (php/worker.php) on the same database file, each driven by a thread."""
    knowledge = Knowledge()
    counters = {"requests": 0, "retries": 0}
    lock = threading.Lock()
    errors: list[str] = []
    processes: list[subprocess.Popen] = []
    stderr_files = []
    threads = []
    started = time.monotonic()
    deadline = started + seconds
    try:
        for index in range(workers):
            name = f"cli{index}"
            stderr_files.append(open(log_dir / f"{name}.stderr", "wb"))
            process = subprocess.Popen(
                php_cmd(str(PHP_SCRIPTS / "worker.php"), str(database), str(log_dir / f"{name}.jsonl"), name),
                cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr_files[-1],
                text=True, bufsize=1, start_new_session=True)
            processes.append(process)

            def send(seq: int, op: str, items: list, process=process) -> dict | None:
                command = {"seq": seq, "op": op}
                command.update({"tx": items[0]} if op == "apply" else {"items": items})
                process.stdin.write(json.dumps(command) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError(f"worker exited ({process.poll()})")
                answer = json.loads(line)
                if "exception" in answer:
                    return None  # a fault (database_busy): resend
                return answer

            generator = Generator(name, seed * 1000 + index, people, knowledge)
            thread = threading.Thread(target=_drive, args=(name, generator, deadline, send, knowledge, counters,
                                                           lock, errors), daemon=True)
            threads.append(thread)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
    finally:
        for process in processes:
            try:
                process.stdin.close()
            except OSError:
                pass
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, None):
                errors.append(f"worker {process.pid} exited with {process.returncode}")
        for handle in stderr_files:
            handle.close()
            text = Path(handle.name).read_text(errors="replace").strip()
            if text:
                errors.append(f"{Path(handle.name).name}: {text[:500]}")
    run = Run(requests=counters["requests"], retries=counters["retries"], workers=workers,
              seconds=time.monotonic() - started, worker_errors=errors)
    for log in sorted(log_dir.glob("cli*.jsonl")):
        run.outcomes.extend(read_cli_log(log))
    return run


def read_cli_log(path: Path) -> list[ItemOutcome]:
    """Pairs each logged request with its logged response; a request without one is 'unknown'."""
    requests: dict[int, dict] = {}
    outcomes: list[ItemOutcome] = []
    worker = path.stem
    for line in path.read_text().splitlines():
        record = json.loads(line, parse_float=Decimal)
        worker = record["worker"]
        if "request" in record:
            requests[record["seq"]] = record["request"]
            continue
        command = requests.pop(record["seq"])
        items = [command["tx"]] if command["op"] == "apply" else command["items"]
        response = record["response"]
        if "exception" in response:
            code = response["exception"]["code"]
            state = "unknown" if code in OUTCOME_UNKNOWN else "transient"  # unknown: it may have committed
            outcomes.extend(ItemOutcome(worker, record["seq"], i, p, state, {"error": code})
                            for i, p in enumerate(items))
        else:
            outcomes.extend(outcomes_from_results(worker, record["seq"], items, response["results"]))
    for seq, command in requests.items():
        items = [command["tx"]] if command["op"] == "apply" else command["items"]
        outcomes.extend(ItemOutcome(worker, seq, i, p, "unknown", {}) for i, p in enumerate(items))
    return outcomes


def run_http_clients(base_url: str | list[str], api_key: str, log_dir: Path, people: list[Customer], *, clients: int,
                     seconds: float, seed: int, attempts: int = 6, pause: float = 0.01,
                     during: Callable[[], None] | None = None) -> Run:
    """N HTTP clients (threads with a keep-alive connection each) against a running host, or against
    several (a list of base URLs: client i talks to base_url[i % len], web nodes of one ledger).
    Each request is resent up to `attempts` times (pauses growing by `pause`, at most 0.5 s) while it
    gets 503 or no answer. `during`, if given, runs in this thread while the clients run (a fault
    injector); it must return before the clients' time is up."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    knowledge = Knowledge()
    counters = {"requests": 0, "retries": 0}
    lock = threading.Lock()
    errors: list[str] = []
    started = time.monotonic()
    deadline = started + seconds
    threads = []
    logs = []
    for index in range(clients):
        name = f"http{index}"
        client = Client(urls[index % len(urls)], api_key, timeout=60)
        log = open(log_dir / f"{name}.jsonl", "w")
        logs.append(log)

        def send(seq: int, op: str, items: list, client=client, log=log, name=name) -> dict | None:
            command = {"seq": seq, "op": op, **({"tx": items[0]} if op == "apply" else {"items": items})}
            log.write(json.dumps({"worker": name, "seq": seq, "at": time.time(), "request": command}) + "\n")
            log.flush()
            try:
                reply = client.post("transactions" if op == "apply" else "transactions/batch",
                                    items[0] if op == "apply" else items)
                record = {"http_status": reply.status, "retry_after": reply.header("Retry-After"),
                          "body": reply.body}
            except ConnectionError as error:
                reply, record = None, {"http_status": None, "lost": str(error)}
            log.write(json.dumps({"worker": name, "seq": seq, "at": time.time(), "response": record},
                                 default=str) + "\n")
            log.flush()
            if reply is None or reply.status == 503:
                return None
            if op == "batch" and reply.status == 200:
                return {"results": reply.body["results"]}
            if op == "apply" and reply.status == 200 and reply.body.get("status") == "ok":
                return {"results": [{"status": "success", "user_id": reply.body["user_id"],
                                     "balance": reply.body["balance"]}]}
            return {"final": True}

        generator = Generator(name, seed * 1000 + 500 + index, people, knowledge)
        threads.append(threading.Thread(target=_drive, args=(name, generator, deadline, send, knowledge, counters,
                                                             lock, errors, attempts, pause), daemon=True))
    for thread in threads:
        thread.start()
    try:
        if during is not None:
            during()
    finally:
        for thread in threads:
            thread.join(timeout=seconds + 120 + attempts * 0.5)
    for log in logs:
        log.close()
    run = Run(requests=counters["requests"], retries=counters["retries"], workers=clients,
              seconds=time.monotonic() - started, worker_errors=errors)
    for path in sorted(log_dir.glob("http*.jsonl")):
        run.outcomes.extend(read_http_log(path))
    return run


def read_http_log(path: Path) -> list[ItemOutcome]:
    requests: dict[int, dict] = {}
    outcomes: list[ItemOutcome] = []
    worker = path.stem
    for line in path.read_text().splitlines():
        record = json.loads(line, parse_float=Decimal)
        if "request" in record:
            requests[record["seq"]] = record["request"]
            continue
        command = requests.pop(record["seq"])
        items = [command["tx"]] if command["op"] == "apply" else command["items"]
        response = record["response"]
        body = response.get("body") if response["http_status"] is not None else response.get("lost")
        outcome = outcomes_from_http(worker, record["seq"], command["op"], items, response["http_status"], body)
        if response["http_status"] == 503 and not response.get("retry_after"):
            for o in outcome:
                o.status, o.detail = "unexpected", {"http": 503, "problem": "no Retry-After", "body": body}
        outcomes.extend(outcome)
    for seq, command in requests.items():
        items = [command["tx"]] if command["op"] == "apply" else command["items"]
        outcomes.extend(ItemOutcome(worker, seq, i, p, "unknown", {}) for i, p in enumerate(items))
    return outcomes
