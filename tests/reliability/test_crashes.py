"""Crashes: SIGKILL at random points, then the client's resend.

A batch is one commit, so a process killed at any point leaves all of the
batch or none of it, the file opens cleanly, and the resend applies exactly
what is missing: `success` for items not yet applied, `duplicate` (same
transaction_id) for applied ones, the same refusals. Every batch is judged
against a crash-free reference run of the same plan (batches.py): at the end
the crashed ledger is entry-for-entry the reference ledger.

- PHP CLI workers applying 500-2000-item batches, SIGKILLed 30 times (quick
  run) at random delays spread over the call, before and after its commit;
- the crash between commit and response: killed right after applyBatch /
  apply returned, before reporting; the retry gets duplicate, credited once;
- php-fpm workers SIGKILLed while a large batch is in flight over HTTP
  (pid from the test-only request hook php/hook.php), then resent;
- an FPM worker killed after the commit, before its answer left: the client
  gets 503 from nginx and its retry gets already_exists.

With CASHBACK_TEST_BACKEND=mysql the same runs go to MariaDB databases (the
reference too, on the same server). A killed client's transaction there ends
only when the server ends its session, so after each kill the test waits for
that (ledger.settle()) before it judges what landed.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from pathlib import Path

import pytest

from batches import PEOPLE, BatchWorker, Plan, expected_after_resend, first_difference, observed
from harness import REPO, FpmHost, IS_ROOT, LedgerFile, ledger_at, section, write_config

SAME_COLUMNS = ("id", "external_id", "user_id", "phone", "kind", "amount", "original_id", "source", "store_id",
                "description", "created_at")


def new_ledger(path: Path, user: str | None = None, **where) -> LedgerFile:
    ledger = ledger_at(path, user, **where)
    ledger.create({c.user_id: c.phone for c in PEOPLE})
    return ledger


def sync_rows(ledger: LedgerFile, endpoint: str) -> int:
    return ledger.sql(f"SELECT count(*) AS n FROM {ledger.table('sync_log')} WHERE endpoint = '{endpoint}'")[0]["n"]


def compare_with_reference(crashed: LedgerFile, reference: LedgerFile) -> dict:
    """Entry for entry (ids included) and balance for balance, the crashed ledger must be the reference;
    and it must verify (no overdraft, balances equal the sum of their entries) and open cleanly."""
    diff = crashed.differences(reference, SAME_COLUMNS)
    verify = crashed.verify()
    overdrawn = sum(1 for p in verify.get("problems", []) if p.get("check") == "overdraft")
    figures = {"ledger_entries": diff["entries"], "lost": diff["missing"], "extra": diff["extra"],
               "doubled": diff["doubled"], "balances_differing": diff["balances"], "overdrawn": overdrawn,
               "verify_ok": bool(verify["ok"]), "integrity": crashed.integrity_check()}
    return figures


def assert_same_as_reference(figures: dict) -> None:
    assert figures["integrity"] == "ok", figures
    assert figures["verify_ok"], figures
    assert figures["lost"] == 0, f"LOST: {figures['lost']} reference entries are missing or differ: {figures}"
    assert figures["extra"] == 0, f"EXTRA entries the reference does not have: {figures}"
    assert figures["doubled"] == 0 and figures["balances_differing"] == 0 and figures["overdrawn"] == 0, figures


def test_cli_batches_killed_at_random_then_resent(workdir: Path, settings, summary):
    rng = random.Random(settings.seed)
    plan = Plan(settings.seed)
    reference = new_ledger(workdir / "reference" / "cashback.db")
    crashed = new_ledger(workdir / "crashed" / "cashback.db")
    (workdir / "runs").mkdir()
    reference_runs = BatchWorker(reference.path, workdir / "runs")
    crash_runs = BatchWorker(crashed.path, workdir / "runs")
    figures = {"batches": 0, "items": 0, "kills": 0, "killed_before_commit": 0, "killed_after_commit": 0,
               "killed_resend_of_applied_batch": 0, "finished_before_the_kill": 0, "resends": 0, "integrity_checks": 0, "kill_delays_ms": []}
    started = time.monotonic()
    batch_index = 0
    while figures["kills"] < settings.crash_kills or time.monotonic() - started < settings.crash_seconds:
        expected_from = len(plan.expected)
        batch = plan.batch(rng.randint(500, 2000))
        ref = reference_runs.run(batch, f"reference/{batch_index}")
        assert ref.returncode == 0 and ref.results is not None, ref.output
        assert [r["status"] for r in ref.results] == plan.expected[expected_from:], \
            "the plan's model disagrees with the ledger (test bug)"
        applied_ids = [item["external_id"] for item, r in zip(batch, ref.results) if r["status"] == "success"]
        committed = False
        for kill in range(3):
            if committed and rng.random() < 0.7:
                break  # applied; now and then a resend of the applied batch is killed too
            endpoint = f"crash/{batch_index}/{kill}"
            delay = rng.uniform(0, 1.1 * ref.apply_ms)
            attempt = crash_runs.run(batch, endpoint, kill_after_ms=delay)
            crashed.settle()
            present = crashed.count_external_ids(applied_ids)
            logged = sync_rows(crashed, endpoint)
            figures["integrity_checks"] += 1
            assert crashed.integrity_check() == "ok", f"batch {batch_index}: the file is damaged after a SIGKILL"
            assert present in (0, len(applied_ids)), \
                f"batch {batch_index} half-applied after a SIGKILL at {delay:.1f} ms: {present} of {len(applied_ids)}"
            assert logged in (0, len(batch)), f"batch {batch_index}: {logged} of {len(batch)} sync-log rows"
            if not committed:
                assert (present > 0) == (logged > 0), "entries and their sync-log rows are not one commit"
            if attempt.killed:
                figures["kills"] += 1
                figures["kill_delays_ms"].append(round(delay, 1))
                if committed:
                    figures["killed_resend_of_applied_batch"] += 1  # it had nothing new to write
                elif present:
                    figures["killed_after_commit"] += 1
                else:
                    figures["killed_before_commit"] += 1
            else:
                assert attempt.returncode == 0, attempt.output
                figures["finished_before_the_kill"] += 1
                assert observed(attempt.results) == expected_after_resend(ref.results, committed), \
                    first_difference(expected_after_resend(ref.results, committed), observed(attempt.results), batch)
            committed = committed or present == len(applied_ids)
        for resend in range(5):
            figures["resends"] += 1
            attempt = crash_runs.run(batch, f"crash/{batch_index}/resend{resend}")
            if attempt.returncode == 0:
                break
        assert attempt.returncode == 0 and attempt.results is not None, attempt.output
        want = expected_after_resend(ref.results, committed)
        assert observed(attempt.results) == want, first_difference(want, observed(attempt.results), batch)
        figures["batches"] += 1
        figures["items"] += len(batch)
        batch_index += 1

    delays = figures.pop("kill_delays_ms")
    figures.update(compare_with_reference(crashed, reference), seed=settings.seed,
                   kill_delay_ms_range=[min(delays), max(delays)] if delays else None)
    summary.record(section("crashes_cli"), figures)
    print(f"\ncrashes_cli: {figures}")
    assert_same_as_reference(figures)
    assert figures["kills"] >= settings.crash_kills
    # The kills really landed on both sides of the commit.
    assert figures["killed_before_commit"] >= 1 and figures["killed_after_commit"] >= 1, figures


@pytest.mark.parametrize("mode", ["batch", "apply"])
def test_cli_crash_between_commit_and_response(mode: str, workdir: Path, settings, summary):
    plan = Plan(settings.seed + 1, prefix=f"held-{mode}")
    reference = new_ledger(workdir / "reference" / "cashback.db")
    crashed = new_ledger(workdir / "crashed" / "cashback.db")
    (workdir / "runs").mkdir()
    reference_runs = BatchWorker(reference.path, workdir / "runs")
    crash_runs = BatchWorker(crashed.path, workdir / "runs")
    crashes = 0
    for round_ in range(3):
        items = plan.batch(300) if mode == "batch" else [plan.batch(1)[0]]
        ref = reference_runs.run(items, f"reference/{round_}", mode=mode)
        assert ref.returncode == 0, ref.output
        attempt = crash_runs.run(items, f"held/{round_}", mode=mode, hold=True)
        assert attempt.killed and attempt.results is None, attempt.output
        crashed.settle()
        crashes += 1
        applied = [item["external_id"] for item, r in zip(items, ref.results) if r["status"] == "success"]
        assert crashed.count_external_ids(applied) == len(applied), "the call had returned: it must have committed"
        retry = crash_runs.run(items, f"retry/{round_}", mode=mode)
        assert retry.returncode == 0, retry.output
        want = expected_after_resend(ref.results, committed_before=True)
        assert observed(retry.results) == want, first_difference(want, observed(retry.results), items)
    figures = compare_with_reference(crashed, reference)  # credited once: the same entries and balances
    summary.record(section(f"crash_after_commit_cli_{mode}"), dict(figures, crashes=crashes))
    assert_same_as_reference(figures)


# --------------------------------------------------------------------------- php-fpm

@pytest.fixture
def fpm_site(workdir: Path):
    user = "www-data" if IS_ROOT else None
    ledger = new_ledger(workdir / "ledger" / "cashback.db", user)
    key = ledger.create_key("crash-test")
    config = workdir / "config.php"
    write_config(config, {"database": str(ledger.path), "retry_after_seconds": 1})
    try:
        host = FpmHost(workdir, config, ledger.path, hook=True)
    except FileNotFoundError as error:
        pytest.skip(str(error))
    yield host, ledger, key
    host.stop()


def post_in_thread(host, key: str, path: str, body, headers: dict) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def send():
        client = host.client(key, timeout=120)
        try:
            box["reply"] = client.post(path, body, headers)
        except ConnectionError as error:
            box["lost"] = str(error)
        finally:
            client.close()

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread, box


def resend_until_answered(client, path: str, body, attempts: int = 20):
    for _ in range(attempts):
        reply = client.post(path, body)
        if reply.status != 503:
            return reply
        time.sleep(0.2)
    raise AssertionError(f"still 503 after {attempts} resends: {reply}")


UNAVAILABLE_ANSWERS: list = []  # 503s nginx gave for killed workers, checked against the contract below


def check_unavailable(reply, what: str) -> None:
    assert reply.status == 503, f"{what}: expected 503, got {reply}"
    assert (reply.header("Retry-After") or "").isdigit(), f"{what}: no Retry-After: {reply}"
    assert reply.error, f"{what}: no JSON error code: {reply}"
    UNAVAILABLE_ANSWERS.append(reply)


def test_fpm_workers_killed_mid_batch_then_resent(fpm_site, workdir: Path, settings, summary):
    host, ledger, key = fpm_site
    rng = random.Random(settings.seed + 2)
    plan = Plan(settings.seed + 2, prefix="http")
    reference = new_ledger(workdir / "reference" / "cashback.db")
    (workdir / "runs").mkdir()
    reference_runs = BatchWorker(reference.path, workdir / "runs")
    client = host.client(key, timeout=120)
    figures = {"batches": 0, "items": 0, "kills": 0, "killed_before_commit": 0, "killed_after_commit": 0,
               "answered_before_the_kill": 0, "answer_cut_off": 0}
    round_trip_ms = None
    index = 0
    while figures["kills"] < settings.fpm_kills:
        assert index < settings.fpm_kills * 4, f"too few kills landed: {figures}"
        batch = plan.batch(rng.randint(1500, 4000))
        ref = reference_runs.run(batch, f"reference/{index}")
        assert ref.returncode == 0, ref.output
        applied = [item["external_id"] for item, r in zip(batch, ref.results) if r["status"] == "success"]
        committed = False
        if round_trip_ms is None:  # the first batch calibrates the delays: no kill
            thread, box = post_in_thread(host, key, "transactions/batch", batch, host.hook_headers("calibrate", "mark"))
            host.wait_marker("calibrate", "start")
            began = time.monotonic()
            thread.join(timeout=120)
            round_trip_ms = (time.monotonic() - began) * 1000  # from the worker's start to the client's answer
            reply = box["reply"]
            assert reply.status == 200, reply
            results = reply.body["results"]
        else:
            token = f"kill-{index}"
            thread, box = post_in_thread(host, key, "transactions/batch", batch, host.hook_headers(token, "mark"))
            pid = host.wait_marker(token, "start")
            time.sleep(rng.uniform(0, 1.4 * round_trip_ms) / 1000)
            killed = host.kill_worker(pid)
            thread.join(timeout=120)
            reply = box.get("reply")
            ledger.settle()
            present = ledger.count_external_ids(applied)
            assert present in (0, len(applied)), f"batch {index} half-applied: {present} of {len(applied)}"
            assert ledger.integrity_check() == "ok"
            if reply is not None and reply.status == 200:
                figures["answered_before_the_kill"] += 1  # too late: the answer had left
                results = reply.body["results"]  # the first answer itself: compared with the reference as is
            else:
                assert killed, f"worker {pid} was gone before the kill, yet no answer: {box}"
                if reply is not None:
                    check_unavailable(reply, f"batch {index} with its worker killed")
                else:
                    # Killed while nginx was already relaying its 200: the client sees a cut-off answer,
                    # which for 1C is a lost answer like any other: it resends.
                    figures["answer_cut_off"] += 1
                figures["kills"] += 1
                figures["killed_after_commit" if present else "killed_before_commit"] += 1
                committed = bool(present)
                reply = resend_until_answered(client, "transactions/batch", batch)
                assert reply.status == 200, reply
                results = reply.body["results"]
        want = expected_after_resend(ref.results, committed)
        assert observed(results) == want, first_difference(want, observed(results), batch)
        figures["batches"] += 1
        figures["items"] += len(batch)
        index += 1
    client.close()
    host.check_alive()
    assert not host.php_problems(), host.php_problems()[:10]
    figures.update(compare_with_reference(ledger, reference), seed=settings.seed, round_trip_ms=round(round_trip_ms))
    summary.record(section("crashes_fpm"), figures)
    print(f"\ncrashes_fpm: {figures}")
    assert_same_as_reference(figures)


@pytest.mark.parametrize("mode", ["single", "batch"])
def test_fpm_worker_killed_between_commit_and_response(mode: str, fpm_site, workdir: Path, settings, summary):
    host, ledger, key = fpm_site
    plan = Plan(settings.seed + 3, prefix=f"held-http-{mode}")
    client = host.client(key)
    crashes = 0
    for round_ in range(3):
        items = [plan.accepted_item()] if mode == "single" else plan.batch(40)
        path, body = ("transactions", items[0]) if mode == "single" else ("transactions/batch", items)
        token = f"held-{mode}-{round_}"
        thread, box = post_in_thread(host, key, path, body, host.hook_headers(token, "hold"))
        pid = host.wait_marker(token, "built")  # the ledger call returned; the answer is still in PHP's buffer
        assert host.kill_worker(pid)
        thread.join(timeout=60)
        ledger.settle()
        crashes += 1
        assert "reply" in box, box
        check_unavailable(box["reply"], f"{mode} request whose worker died after the commit")
        applied_expected = [i for i, p in enumerate(plan.expected[-len(items):]) if p == "success"]
        present = ledger.count_external_ids([items[i]["external_id"] for i in applied_expected])
        assert present == len(applied_expected), "the commit happened before the kill"
        retry = resend_until_answered(client, path, body)
        assert retry.status == 200, retry
        if mode == "single":
            assert retry.body["status"] == "already_exists", retry
            entry = ledger.sql(f"SELECT id FROM {ledger.table('entries')} WHERE external_id = '{items[0]['external_id']}'")
            assert retry.body["transaction_id"] == entry[0]["id"]
        else:
            statuses = [r["status"] for r in retry.body["results"]]
            assert all(s in ("duplicate", "error") for s in statuses), statuses
            assert [s == "duplicate" for s in statuses] == [p in ("success", "duplicate")
                                                             for p in plan.expected[-len(items):]]
    client.close()
    assert not host.php_problems(), host.php_problems()[:10]
    verify = ledger.verify()
    integrity = ledger.integrity_check()
    # Credited once: every applied external_id once, balances equal the plan's model.
    rows = ledger.sql(f"SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM {ledger.table('entries')}")[0]
    accounts = ledger.accounts()
    summary.record(section(f"crash_after_commit_fpm_{mode}"), {
        "crashes": crashes, "ledger_entries": rows["n"], "lost": max(0, len(plan.accepted) - rows["d"]),
        "extra": max(0, rows["d"] - len(plan.accepted)), "doubled": rows["n"] - rows["d"],
        "overdrawn": sum(1 for p in verify["problems"] if p.get("check") == "overdraft"),
        "integrity": integrity, "verify_ok": bool(verify["ok"])})
    assert verify["ok"] and integrity == "ok", (verify, integrity)
    assert rows["n"] == rows["d"] == len(plan.accepted)
    assert set(accounts) <= set(plan.balance)
    assert {u: accounts.get(u, 0) for u in plan.balance} == plan.balance


def test_fpm_unavailable_answers_match_the_contract():
    """nginx answers for a dead worker (error_page 502 -> @unavailable): is that 503 the documented one?"""
    if not UNAVAILABLE_ANSWERS:
        pytest.skip("no 503 from a killed worker was collected (run the FPM crash tests first)")
    sys.path.insert(0, str(REPO / "tests" / "e2e"))
    from contract import Contract  # noqa: PLC0415

    contract = Contract(REPO / "docs" / "openapi.yaml")
    violations = []
    for reply in UNAVAILABLE_ANSWERS[:1]:
        content_type = reply.header("Content-Type")
        if content_type != "application/json; charset=utf-8":
            violations.append(f"Content-Type {content_type!r}, the contract says 'application/json; charset=utf-8'")
        try:
            contract.validate("/components/schemas/Unavailable", json.loads(reply.raw), "the 503 body")
        except AssertionError as error:
            violations.append(str(error).splitlines()[0] + " " + str(error).splitlines()[1])
    assert not violations, ("nginx's 503 for a dead PHP-FPM worker (php/server/nginx-site.conf, location @unavailable) "
                            f"is not the documented 503 (docs/openapi.yaml Unavailable): {violations}; "
                            f"answer: {UNAVAILABLE_ANSWERS[0].raw!r}")
