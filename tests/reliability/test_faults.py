"""Storage faults under a running HTTP host.

For each fault the API must answer 503 with the specific error code and a
Retry-After header (and match docs/openapi.yaml), GET health must say 503
too, nothing of a request refused during the fault may be applied, nothing
acknowledged may be lost, and once the fault clears the service resumes by
itself (no restart): the same requests then succeed, are applied once, and a
further resend is a duplicate.

The host is PHP's built-in server with 4 workers, run as `nobody` (so file
permissions apply to it), on a config with busy_timeout_ms = 200 and
retry_after_seconds = 2; the same scenarios run through nginx + php-fpm
(pool user www-data) where the fault can be produced there too.

Faults: the database locked by another process beyond the busy timeout; the
disk full (a 1 MiB tmpfs filled up); the file read-only (permissions, for a
host started on it; the immutable flag, under a running host); the database
directory gone (deleted, then restored from a copy made at that moment); the
file header overwritten, then restored.

Every fault here is one of the SQLite file: with CASHBACK_TEST_BACKEND=mysql
each is skipped with its reason, and test_mysql_faults.py injects the MySQL
counterparts (the writers' lock held, the server stopped and crashed, a
connection killed, read_only, a full table space) through the same
machinery (Site, during_fault, after_fault, audit_ledger, run_fault).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from harness import (
    BACKEND, REPO, SQLITE3, BuiltinHost, Client, FpmHost, IS_ROOT, LedgerFile, Reply, as_user, chown_tree,
    php_literal, run_php, write_config,
)

sys.path.insert(0, str(REPO / "tests" / "e2e"))
from contract import Contract  # noqa: E402

CONTRACT = Contract(REPO / "docs" / "openapi.yaml")
CUSTOMERS = {301: "79160000301", 302: "79160000302", 303: "79160000303"}
RETRY_AFTER = 2
BUSY_TIMEOUT_MS = 200
FAULT_TRIES = 8  # fault-time requests per endpoint: enough to meet every worker of the host
RESUME_SECONDS = 10


def check_contract(method: str, path: str, reply: Reply) -> str | None:
    from email.message import Message
    headers = Message()
    for name, value in reply.headers.items():
        headers[name] = value
    try:
        CONTRACT.check_response(method, "/local/api/cashback/v1/" + path, reply.status, headers, reply.raw)
    except AssertionError as error:
        return str(error).splitlines()[0]
    return None


@dataclass
class Site:
    kind: str
    workdir: Path
    user: str | None
    ledger: LedgerFile
    config: Path
    key: str
    host: BuiltinHost | FpmHost | None = None
    acknowledged: dict[str, int] = field(default_factory=dict)  # external_id -> transaction_id a client was given
    problems: list[str] = field(default_factory=list)
    counter: int = 0
    seen: dict[str, list] = field(default_factory=dict)  # what the fault looked like: HTTP answers, direct calls

    def start(self) -> None:
        if self.kind == "fpm":
            self.host = FpmHost(self.workdir, self.config, self.ledger.path)
        else:
            self.host = BuiltinHost(self.workdir, self.config, workers=4, user=self.user)

    def stop(self) -> None:
        if self.host is not None:
            self.host.stop()
            self.host = None

    def client(self) -> Client:
        return self.host.client(self.key, timeout=30)

    def tx(self, kind: str = "accrual", amount: str = "10.00", user: int = 301, **extra) -> dict:
        self.counter += 1
        return {"external_id": f"{self.kind}-{self.counter}-{time.monotonic_ns()}", "type": kind, "amount": amount,
                "user_id": user, "store_id": "store-1", "created_at": "2026-11-27T10:15:00", **extra}

    def send(self, path: str, body) -> Reply:
        client = self.client()
        try:
            reply = client.post(path, body)
        finally:
            client.close()
        self.learn(path, body, reply)
        return reply

    def learn(self, path: str, body, reply: Reply) -> None:
        """Remembers every operation a client was told is in the ledger."""
        if reply.status != 200:
            return
        if path == "transactions":
            self.acknowledged[body["external_id"]] = reply.body["transaction_id"]
        else:
            for item, result in zip(body, reply.body["results"]):
                if result["status"] in ("success", "duplicate"):
                    self.acknowledged[item["external_id"]] = result["transaction_id"]

    def health(self) -> Reply:
        client = self.host.client(None, timeout=30)
        try:
            return client.get("health")
        finally:
            client.close()

    def warm_up(self) -> None:
        """Successful traffic on every worker first, so each holds an open connection when the fault hits."""
        for i in range(FAULT_TRIES):
            reply = self.send("transactions", self.tx(amount="100.00", user=301 + i % 3))
            assert reply.status == 200 and reply.body["status"] == "ok", reply
        reply = self.send("transactions/batch", [self.tx("debit", "5.00", 301), self.tx("accrual", "7.50", 302)])
        assert reply.status == 200 and all(r["status"] == "success" for r in reply.body["results"]), reply
        assert self.health().status == 200


def fault_site(kind: str, workdir: Path, db_dir: Path | None = None, *, start: bool = True,
               ledger: LedgerFile | None = None) -> Site:
    """A ledger (the SQLite file in db_dir, or the one given, e.g. a MysqlLedger whose user is not set
    yet), its key and config, and the host serving it."""
    user = ("www-data" if kind == "fpm" else "nobody") if IS_ROOT else None
    if ledger is None:
        db_dir = db_dir or workdir / "data" / "ledger"
        ledger = LedgerFile(db_dir / "cashback.db", user)
    else:
        ledger.user = user
    ledger.create(CUSTOMERS)
    key = ledger.create_key("fault-test")
    config = workdir / "config.php"  # outside the database directory: it must survive the faults
    write_config(config, {"database": str(ledger.path), "busy_timeout_ms": BUSY_TIMEOUT_MS,
                          "retry_after_seconds": RETRY_AFTER})
    site = Site(kind, workdir, user, ledger, config, key)
    if start:
        try:
            site.start()
        except FileNotFoundError as error:
            pytest.skip(str(error))
    return site


def during_fault(site: Site, code: str, tries: int = FAULT_TRIES, health: bool = True) -> dict:
    """Requests while the fault is on: every one must be a 503 with `code` and Retry-After (GET health
    too, unless `health` is off: the caller judges it). Returns them, to be resent once the fault clears."""
    pending = {"single": [], "batch": []}
    observed_codes: set[str] = set()
    other_answers: set[str] = set()

    def judge(what: str, method: str, path: str, reply: Reply) -> None:
        if reply.status != 503:
            site.problems.append(f"{what} during the fault: HTTP {reply.status} {reply.raw[:200]!r} (expected 503 {code})")
            other_answers.add(f"{path} {reply.status} {reply.error or (reply.body or {}).get('status', '')}".strip())
            return
        observed_codes.add(str(reply.error))
        if not (reply.header("Retry-After") or "").isdigit():
            site.problems.append(f"{what}: 503 without a Retry-After header: {reply}")
        violation = check_contract(method, path, reply)
        if violation:
            site.problems.append(f"{what}: the 503 does not match docs/openapi.yaml: {violation}")

    for i in range(tries):
        single = site.tx(amount="3.00", user=301 + i % 3)
        judge("POST transactions", "POST", "transactions", site.send("transactions", single))
        pending["single"].append(single)
    for i in range(2):
        batch = [site.tx("accrual", "20.00", 303), site.tx("debit", "15.00", 303), site.tx("accrual", "1.25", 301)]
        judge("POST transactions/batch", "POST", "transactions/batch", site.send("transactions/batch", batch))
        pending["batch"].append(batch)
    for i in range(tries // 2 if health else 0):
        judge("GET health", "GET", "health", site.health())
    wrong = observed_codes - {code}
    if wrong:
        site.problems.append(f"WRONG CODE: expected {code}, the API answered {sorted(observed_codes)}")
    site.seen["api"] = sorted(observed_codes) + sorted(other_answers)
    direct_probe(site, code)
    return pending


def direct_probe(site: Site, code: str) -> None:
    """The same fault seen by a fresh process calling the extension directly as the Bitrix module does
    (create off: only setup creates a ledger): it must throw CashbackException with the same code, and
    write nothing."""
    tx = site.tx(amount="2.00", user=302)
    script = (f"try {{ $ledger = new CashbackLedger({json.dumps(str(site.ledger.path))}, "
              f"['busy_timeout_ms' => {BUSY_TIMEOUT_MS}, 'create' => false]);"
              f" echo json_encode(['result' => $ledger->apply({php_literal(tx)})]); }}"
              " catch (CashbackException $e) { echo json_encode(['exception' => $e->getErrorCode()]); }")
    answer = json.loads(run_php(script, user=site.user))
    site.seen["extension"] = [answer.get("exception") or answer["result"].get("status")]
    if "result" in answer:
        result = answer["result"]
        if result.get("status") == "success":
            site.acknowledged[tx["external_id"]] = result["transaction_id"]
        site.problems.append(f"the extension, called directly during the fault, answered {result} "
                             f"instead of throwing {code}")
    elif answer["exception"] != code:
        site.problems.append(f"WRONG CODE: the extension, called directly during the fault, threw "
                             f"{answer['exception']} instead of {code}")


def after_fault(site: Site, pending: dict) -> dict:
    """Once the fault is cleared: the service resumes by itself, the refused requests now apply exactly once."""
    figures = {"resumed_after_s": None, "retries_until_resumed": 0}
    # Requests answered 200 during the fault (a fault the host did not notice) are applied; the others not.
    applied_before = set(site.acknowledged)
    began = time.monotonic()
    first = pending["single"][0]
    while True:
        reply = site.send("transactions", first)
        if reply.status != 503:
            break
        figures["retries_until_resumed"] += 1
        if time.monotonic() - began > RESUME_SECONDS:
            site.problems.append(f"NOT RESUMED: still 503 {reply.error} {RESUME_SECONDS} s after the fault cleared")
            return figures
        time.sleep(0.1)  # a client would wait Retry-After; the tests need not
    figures["resumed_after_s"] = round(time.monotonic() - began, 2)

    def expect(what: str, reply: Reply, fresh: bool) -> None:
        if reply.status != 200:
            site.problems.append(f"{what} after the fault: HTTP {reply.status} {reply.raw[:200]!r}")
            return
        status = reply.body.get("status")
        if fresh and status != "ok":
            site.problems.append(f"HALF-APPLIED: {what} was refused with 503 during the fault, yet its resend "
                                 f"says {status} (transaction {reply.body.get('transaction_id')})")
        if not fresh and status != "already_exists":
            site.problems.append(f"APPLIED TWICE: {what} resent again says {status}")

    expect(f"POST transactions {first['external_id']}", reply, first["external_id"] not in applied_before)
    for tx in pending["single"][1:]:
        was_refused = tx["external_id"] not in applied_before
        expect(f"POST transactions {tx['external_id']}", retry_503(site, "transactions", tx), was_refused)
    for batch in pending["batch"]:
        was_refused = batch[0]["external_id"] not in applied_before
        reply = retry_503(site, "transactions/batch", batch)
        statuses = [r["status"] for r in reply.body["results"]] if reply.status == 200 else [reply.status]
        if was_refused and statuses != ["success"] * len(batch):
            site.problems.append(f"HALF-APPLIED: a batch refused during the fault resends as {statuses}")
        again = retry_503(site, "transactions/batch", batch)
        statuses = [r["status"] for r in again.body["results"]] if again.status == 200 else [again.status]
        if statuses != ["duplicate"] * len(batch):
            site.problems.append(f"APPLIED TWICE?: a batch resent after it applied says {statuses}")
    for tx in pending["single"]:
        expect(f"POST transactions {tx['external_id']} (again)", retry_503(site, "transactions", tx), False)
    health = site.health()
    if health.status != 200:
        site.problems.append(f"NOT RESUMED: health still {health} after the fault cleared")
    return figures


def retry_503(site: Site, path: str, body, seconds: float = RESUME_SECONDS) -> Reply:
    deadline = time.monotonic() + seconds
    while True:
        reply = site.send(path, body)
        if reply.status != 503 or time.monotonic() > deadline:
            return reply
        time.sleep(0.1)


def audit_ledger(site: Site) -> dict:
    """Every acknowledged operation is in the file at the configured path, once, with its transaction_id;
    nothing else is; the ledger verifies."""
    entries = {row["external_id"]: row["id"]
               for row in site.ledger.sql(f"SELECT id, external_id FROM {site.ledger.table('entries')}")}
    lost = {ext: tid for ext, tid in site.acknowledged.items() if entries.get(ext) != tid}
    extra = set(entries) - set(site.acknowledged)
    if lost:
        site.problems.append(f"LOST: {len(lost)} acknowledged operations are not in {site.ledger.path} "
                             f"(or under another transaction_id): {dict(list(lost.items())[:5])}")
    if extra:
        site.problems.append(f"EXTRA: {len(extra)} entries no client was told about: {sorted(extra)[:5]}")
    integrity = site.ledger.integrity_check()
    if integrity != "ok":
        site.problems.append(f"integrity_check: {integrity}")
    verify = site.ledger.verify()
    if not verify["ok"]:
        site.problems.append(f"verify(): {verify}")
    return {"acknowledged": len(site.acknowledged), "entries": len(entries), "lost": len(lost), "extra": len(extra)}


def run_fault(site: Site, code: str, inject: Callable[[], None], clear: Callable[[], None], summary, name: str,
              *, warm_up: bool = True, tries: int = FAULT_TRIES, health: bool = True,
              section: str | None = None) -> None:
    if warm_up:
        site.warm_up()
    inject()
    try:
        pending = during_fault(site, code, tries, health)
    finally:
        clear()
    figures = after_fault(site, pending)
    figures.update(audit_ledger(site))
    host = site.host
    site.stop()
    site.problems += [f"PHP problem in the host's log: {line}" for line in host.php_problems()[:10]]
    figures.update(expected_code=code, host=site.kind, problems=len(site.problems),
                   api_answers=site.seen.get("api"), extension_answers=site.seen.get("extension"))
    summary.record(section or f"fault_{name}_{site.kind}", figures)
    print(f"\nfault {name} ({site.kind}): {figures}")
    counted = Counter(site.problems)
    assert not site.problems, f"broken guarantees ({name} on {site.kind}):\n  " + "\n  ".join(
        problem + (f"  (x{n})" if n > 1 else "") for problem, n in counted.items())


HOSTS = ["builtin", "fpm"]


def sqlite_file_fault(reason: str):
    """The fault is one of the SQLite file: skipped on the MySQL backend, with what stands for it there."""
    return pytest.mark.skipif(BACKEND == "mysql", reason=f"SQLite-file fault, not run on MySQL: {reason}")


# --------------------------------------------------------------------------- the faults

@sqlite_file_fault("the lock is SQLite's file lock, taken by the sqlite3 CLI (BEGIN IMMEDIATE); MySQL: "
                   "test_mysql_faults.py::test_writers_lock_held_beyond_the_lock_wait_timeout")
@pytest.mark.parametrize("kind", HOSTS)
def test_locked_beyond_the_busy_timeout(kind, workdir, summary):
    site = fault_site(kind, workdir)
    locker: dict = {}

    def inject():
        process = subprocess.Popen([*as_user(site.user), SQLITE3, str(site.ledger.path)], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        process.stdin.write("BEGIN IMMEDIATE;\nINSERT INTO sync_log (at, endpoint, status, duration_ms) "
                            "VALUES (1, 'locker', 'x', 0);\nSELECT 'locked';\n")
        process.stdin.flush()
        line = process.stdout.readline().strip()
        assert line == "locked", f"sqlite3 could not take the write lock: {line}"
        locker["process"] = process

    def clear():
        process = locker.get("process")
        if process is not None:
            process.communicate("ROLLBACK;\n.quit\n", timeout=30)

    try:
        run_fault(site, "database_busy", inject, clear, summary, "locked")
    finally:
        site.stop()
        if locker.get("process") and locker["process"].poll() is None:
            locker["process"].kill()


@sqlite_file_fault("fills the tmpfs that holds the SQLite file; MySQL: test_mysql_faults.py::test_table_space_full")
@pytest.mark.parametrize("kind", HOSTS)
def test_disk_full(kind, workdir, summary):
    if not IS_ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    mount = workdir / "small-disk"
    mount.mkdir()
    options = "size=4m,mode=0755"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    site = None
    try:
        site = fault_site(kind, workdir, mount / "ledger")
        filler = mount / "filler"
        fill: dict = {"accepted": 0}

        def inject():
            # Take all the free space, then write until the ledger itself cannot grow any more.
            descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                for size in (65536, 4096, 512, 1):
                    try:
                        while os.write(descriptor, b"\0" * size):
                            pass
                    except OSError:
                        pass  # ENOSPC: then try smaller pieces, down to the last byte
            finally:
                os.close(descriptor)
            for _ in range(5000):
                reply = site.send("transactions", site.tx(amount="1.00", description="x" * 900))
                if reply.status == 503:
                    break
                fill["accepted"] += 1
            else:
                raise AssertionError("the disk never filled up")

        def clear():
            filler.unlink(missing_ok=True)

        run_fault(site, "database_full", inject, clear, summary, "disk_full")
    finally:
        if site is not None:
            site.stop()
        unmount(mount)


def unmount(mount: Path) -> None:
    for _ in range(50):
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    # Something still holds it open: detach it (a test-only tmpfs) rather than leave it mounted.
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    raise AssertionError(f"{mount} stayed busy after the host stopped; detached it with umount -l")


@sqlite_file_fault("file permissions of the SQLite file and its directory; MySQL: "
                   "test_mysql_faults.py::test_server_set_read_only")
@pytest.mark.parametrize("kind", HOSTS)
def test_read_only_file_for_a_host_started_on_it(kind, workdir, summary):
    """Permissions: the host (as nobody / www-data) starts while the file and its directory are read-only,
    as after a restore or a reboot with wrong modes. (A host that already has the file open keeps writing
    through its open handles: a permission change reaches new workers only; see docs/reliability.md.)"""
    if not IS_ROOT:
        pytest.skip("needs root to run the host as another user")
    site = fault_site(kind, workdir, start=False)
    directory = site.ledger.path.parent
    files = [p for p in directory.iterdir()]

    def make_read_only():
        for path in files:
            os.chmod(path, 0o444)
        os.chmod(directory, 0o555)

    def clear():
        os.chmod(directory, 0o755)
        for path in directory.iterdir():
            os.chmod(path, 0o644)

    make_read_only()
    try:
        try:
            site.start()
        except FileNotFoundError as error:
            pytest.skip(str(error))
        run_fault(site, "database_readonly", lambda: None, clear, summary, "read_only_permissions", warm_up=False)
    finally:
        site.stop()
        clear()


@sqlite_file_fault("the immutable flag (chattr +i) on the SQLite file and its WAL; MySQL: "
                   "test_mysql_faults.py::test_server_set_read_only")
@pytest.mark.parametrize("kind", HOSTS)
def test_read_only_file_under_a_running_host(kind, workdir, summary):
    """The immutable flag (chattr +i) on the database and its WAL: unlike a chmod, it stops writes through
    handles that are already open, as a read-only remount does. (Not on the -shm file: SQLite maps it
    into memory, and a store to a fresh page of an immutable mapping is a SIGBUS, not an error.)"""
    if not IS_ROOT or shutil.which("chattr") is None:
        pytest.skip("chattr +i needs root and e2fsprogs")
    site = fault_site(kind, workdir)
    paths = [site.ledger.path, Path(f"{site.ledger.path}-wal")]
    flagged: list[Path] = []

    def inject():
        for path in paths:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
            flagged.append(path)

    def clear():
        for path in flagged:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        flagged.clear()

    try:
        run_fault(site, "database_readonly", inject, clear, summary, "read_only_immutable")
    finally:
        clear()
        site.stop()


@sqlite_file_fault("the SQLite file's directory deleted and restored; MySQL: "
                   "test_mysql_faults.py::test_server_stopped_then_started")
@pytest.mark.parametrize("kind", HOSTS)
def test_database_directory_disappears(kind, workdir, summary):
    """The directory holding the ledger is deleted under the running host; the operator then restores
    it from a copy taken at that very moment. Nothing acknowledged in between may be missing from the
    restored file."""
    site = fault_site(kind, workdir)
    directory = site.ledger.path.parent
    copy = workdir / "data" / "ledger-copy"

    def inject():
        shutil.copytree(directory, copy, symlinks=True)  # the host is idle: a consistent copy
        shutil.rmtree(directory)

    def clear():
        if copy.exists() and not directory.exists():
            copy.rename(directory)
        chown_tree(directory, site.user)

    try:
        run_fault(site, "database_unavailable", inject, clear, summary, "directory_gone")
    finally:
        site.stop()


@sqlite_file_fault("the SQLite file with its -wal and -shm deleted and restored; MySQL: "
                   "test_mysql_faults.py::test_server_stopped_then_started")
@pytest.mark.parametrize("kind", HOSTS)
def test_database_file_deleted(kind, workdir, summary):
    """The ledger file (with its -wal and -shm) is deleted, its directory stays; the operator then puts
    the files back from a copy taken at that very moment. The API must not carry on with a new, empty
    ledger in the meantime: what it acknowledged there is gone once the file is restored."""
    site = fault_site(kind, workdir)
    directory = site.ledger.path.parent
    copy = workdir / "data" / "ledger-copy"

    def inject():
        shutil.copytree(directory, copy, symlinks=True)  # the host is idle: a consistent copy
        for path in list(directory.iterdir()):
            path.unlink()

    def clear():
        if copy.exists():
            for path in list(directory.iterdir()):
                path.unlink()  # whatever the host created meanwhile
            for path in copy.iterdir():
                path.rename(directory / path.name)
            copy.rmdir()
            chown_tree(directory, site.user)

    try:
        run_fault(site, "database_unavailable", inject, clear, summary, "file_deleted")
    finally:
        site.stop()


@sqlite_file_fault("overwrites the SQLite file's header (after a WAL checkpoint); InnoDB's pages cannot be "
                   "damaged under a running server without crashing it, so MySQL has no counterpart here")
@pytest.mark.parametrize("kind", HOSTS)
def test_corrupt_header(kind, workdir, summary):
    """The first 100 bytes (SQLite's header) overwritten, then put back."""
    site = fault_site(kind, workdir)
    saved: dict = {}

    def inject():
        # Everything into the main file first (nothing left in the WAL), as after a checkpoint.
        rows = site.ledger.sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert rows and rows[0]["busy"] == 0, f"checkpoint did not complete: {rows}"
        with open(site.ledger.path, "r+b") as db:
            saved["header"] = db.read(100)
            db.seek(0)
            db.write(b"this is not an SQLite database, it was overwritten".ljust(100, b"!"))

    def clear():
        if "header" in saved:
            with open(site.ledger.path, "r+b") as db:
                db.write(saved.pop("header"))

    try:
        run_fault(site, "database_corrupt", inject, clear, summary, "corrupt_header")
    finally:
        clear()
        site.stop()


@sqlite_file_fault("the SQLite file's directory deleted under a long-lived object; MySQL: "
                   "test_mysql_faults.py::test_long_lived_ledger_object_across_a_server_restart")
def test_long_lived_ledger_object_when_the_directory_disappears(workdir, summary):
    """One process keeps one CashbackLedger for many calls (a queue consumer, `cashback users import`, a
    Bitrix agent). The directory is deleted under it and restored from a copy: its writes in between
    must fail with database_unavailable, not vanish with the deleted file."""
    directory = workdir / "data" / "ledger"
    ledger = LedgerFile(directory / "cashback.db")
    ledger.create(CUSTOMERS)
    copy = workdir / "data" / "ledger-copy"
    tx = {"external_id": "long-lived-2", "type": "accrual", "amount": "5.00", "user_id": 301}
    script = f"""
        $ledger = new CashbackLedger({json.dumps(str(ledger.path))});
        $first = $ledger->apply(['external_id' => 'long-lived-1', 'type' => 'accrual', 'amount' => 10, 'user_id' => 301]);
        system({json.dumps(f"cp -a {directory} {copy} && rm -rf {directory}")});
        try {{ $during = $ledger->apply({php_literal(tx)}); }}
        catch (CashbackException $e) {{ $during = ['exception' => $e->getErrorCode()]; }}
        echo json_encode(['first' => $first, 'during' => $during]);
    """
    answer = json.loads(run_php(script))
    copy.rename(directory)
    entries = {row["external_id"]: row["id"] for row in ledger.sql("SELECT id, external_id FROM entries")}
    during = answer["during"]
    problems = []
    if during.get("status") == "success" and entries.get(tx["external_id"]) != during["transaction_id"]:
        problems.append(f"LOST: {tx['external_id']} was accepted (transaction {during['transaction_id']}) while the "
                        "database directory was gone, and is not in the restored file")
    if during.get("exception") != "database_unavailable":
        problems.append(f"expected CashbackException database_unavailable during the fault, got {during}")
    summary.record("fault_long_lived_object_directory_gone_cli", {
        "host": "cli", "expected_code": "database_unavailable", "acknowledged": 1 + (during.get("status") == "success"),
        "api_answers": None, "extension_answers": [during.get("exception") or during.get("status")],
        "lost": sum(p.startswith("LOST") for p in problems), "extra": 0, "resumed_after_s": "n/a", "problems": len(problems)})
    assert entries.get("long-lived-1") == answer["first"]["transaction_id"]
    assert not problems, problems
