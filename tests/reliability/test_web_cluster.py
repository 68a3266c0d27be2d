"""A web cluster: two web nodes (two php-fpm pools, each behind its own nginx,
on loopback ports, both from the production templates) on ONE MariaDB database,
as a Bitrix web cluster runs the ledger.

- concurrent writers through both nodes: the workload's 8 clients, 4 per node,
  over the same 5 customers (so debits of the same customers race through both
  nodes), then the audit of every answer against the ledger;
- the same load while php-fpm workers of both nodes are SIGKILLed at random
  (clients resend what got no answer or a 503, as 1C does);
- php-fpm workers killed mid-batch (1500-4000 items) on one node, the batch
  resent through the other: compared entry for entry with a crash-free reference;
- a worker killed after its commit, before its answer, on one node: the resend
  through the other node is told already_exists / duplicate, credited once.

Every run must end with 0 lost, 0 doubled, 0 overdrawn acknowledged operations
and a clean verify(). MySQL backend only (CASHBACK_TEST_BACKEND=mysql): two
nodes on one SQLite file would be one machine. Quick: a few seconds per run;
CASHBACK_STRESS_SECONDS makes the load runs last that long and kills more.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from batches import PEOPLE as BATCH_PEOPLE, BatchWorker, Plan, expected_after_resend, first_difference, observed
from harness import BACKEND, IS_ROOT, FpmHost, MysqlLedger, shared_mariadb, write_config
from ledger_model import audit
from test_crashes import (
    assert_same_as_reference, check_unavailable, compare_with_reference, post_in_thread, resend_until_answered,
)
from workload import customers, run_http_clients

pytestmark = pytest.mark.skipif(BACKEND != "mysql", reason="a web cluster needs the MySQL backend: run with "
                                "CASHBACK_TEST_BACKEND=mysql")

PEOPLE = customers(5)
PHONES = {c.phone: c.user_id for c in PEOPLE}


class Cluster:
    """Two web nodes on one ledger database (the shared MariaDB server of the suite)."""

    def __init__(self, workdir: Path, people, *, hook: bool = False):
        user = "www-data" if IS_ROOT else None
        self.ledger = MysqlLedger(shared_mariadb(), user=user)
        self.ledger.create({c.user_id: c.phone for c in people})
        self.key = self.ledger.create_key("cluster")
        self.nodes: list[FpmHost] = []
        try:
            for name in ("node-a", "node-b"):
                node_dir = workdir / name
                node_dir.mkdir()
                config = node_dir / "config.php"
                write_config(config, {"database": str(self.ledger.path), "retry_after_seconds": 1})
                self.nodes.append(FpmHost(node_dir, config, self.ledger.path, hook=hook))
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def php_problems(self) -> list[str]:
        return [problem for node in self.nodes for problem in node.php_problems()]


@pytest.fixture
def cluster(workdir: Path):
    try:
        nodes = Cluster(workdir, PEOPLE)
    except FileNotFoundError as error:
        pytest.skip(str(error))
    yield nodes
    nodes.stop()


@pytest.fixture
def hooked_cluster(workdir: Path):
    try:
        nodes = Cluster(workdir, BATCH_PEOPLE, hook=True)
    except FileNotFoundError as error:
        pytest.skip(str(error))
    yield nodes
    nodes.stop()


def audited(cluster: Cluster, run, name: str, summary, settings, extra: dict) -> dict:
    assert not run.worker_errors, run.worker_errors
    ledger = cluster.ledger
    result = audit(run.outcomes, ledger.entries(), ledger.accounts(), PHONES, ledger.verify(), ledger.integrity_check())
    by_node: dict[str, int] = {}
    for o in run.outcomes:
        node = "a" if int(o.worker[4:]) % 2 == 0 else "b"
        by_node[node] = by_node.get(node, 0) + 1
    races = {o.external_id for o in run.outcomes if (o.external_id or "").startswith("race-")}
    figures = dict(result.figures, processes=run.workers, seconds=round(run.seconds, 1), retries=run.retries,
                   seed=settings.seed, nodes=2, operations_by_node=by_node, race_ids=len(races), **extra)
    summary.record(name, figures)
    print(f"\n{name}: {figures}")
    result.assert_clean()
    statuses, errors = figures["statuses"], figures["errors"]
    assert statuses.get("success", 0) >= 100 and statuses.get("duplicate", 0) >= 10, figures
    # The same customers' money was fought over through both nodes.
    assert errors.get("insufficient_balance", 0) >= 1 and errors.get("external_id_conflict", 0) >= 1, figures
    assert min(by_node.values()) >= 100, f"one node carried almost nothing: {figures}"
    return figures


def test_concurrent_writers_through_two_web_nodes(cluster: Cluster, workdir: Path, settings, summary):
    """8 HTTP clients, 4 on each node, over the same 5 customers: debits sized to the balance race
    through both nodes; the writers' lock serializes them across the nodes."""
    logs = workdir / "logs"
    logs.mkdir()
    run = run_http_clients([node.base_url for node in cluster.nodes], cluster.key, logs, PEOPLE, clients=8,
                           seconds=settings.concurrency_seconds(6), seed=settings.seed + 40)
    audited(cluster, run, "cluster_concurrency", summary, settings,
            {"transport": "8 HTTP clients, 2 nodes of nginx + php-fpm on one MariaDB database"})
    assert not cluster.php_problems(), cluster.php_problems()[:20]


def test_workers_of_both_nodes_killed_under_load(cluster: Cluster, workdir: Path, settings, summary):
    """The same load while a php-fpm worker of either node is SIGKILLed every 0.2-0.6 s: its request gets
    nginx's 503 or no answer, the client resends (through the same node), and the audit still finds every
    acknowledged operation once, nothing doubled, nothing overdrawn."""
    logs = workdir / "logs"
    logs.mkdir()
    seconds = settings.concurrency_seconds(6)
    rng = random.Random(settings.seed + 41)
    kills = {"a": 0, "b": 0}

    def killer():
        deadline = time.monotonic() + seconds - 0.5
        while time.monotonic() < deadline:
            time.sleep(rng.uniform(0.2, 0.6))
            index = rng.randrange(2)
            workers = cluster.nodes[index].worker_pids()
            if workers and cluster.nodes[index].kill_worker(rng.choice(workers)):
                kills["ab"[index]] += 1

    run = run_http_clients([node.base_url for node in cluster.nodes], cluster.key, logs, PEOPLE, clients=8,
                           seconds=seconds, seed=settings.seed + 41, attempts=120, pause=0.05, during=killer)
    for node in cluster.nodes:
        node.check_alive()
    unanswered = sum(1 for o in run.outcomes if o.status == "unknown")
    figures = audited(cluster, run, "cluster_kills_under_load", summary, settings,
                      {"transport": "8 HTTP clients, 2 nodes, php-fpm workers SIGKILLed at random",
                       "kills": kills["a"] + kills["b"], "kills_by_node": kills, "unanswered": unanswered})
    assert kills["a"] >= 2 and kills["b"] >= 2, figures
    assert unanswered >= 1, f"no kill hit a request in flight: {figures}"


def test_batches_killed_on_one_node_resent_through_the_other(hooked_cluster: Cluster, workdir: Path, settings,
                                                              summary):
    """A 1500-4000-item batch sent to one node (alternating), its php-fpm worker SIGKILLed at a random
    point of the request; the client fails over and resends through the other node. Item by item the
    answers, and entry for entry the ledger, equal a crash-free reference run."""
    cluster = hooked_cluster
    ledger = cluster.ledger
    rng = random.Random(settings.seed + 42)
    plan = Plan(settings.seed + 42, prefix="cluster")
    reference = MysqlLedger(shared_mariadb())
    reference.create({c.user_id: c.phone for c in BATCH_PEOPLE})
    (workdir / "runs").mkdir()
    reference_runs = BatchWorker(reference.path, workdir / "runs")
    clients = [node.client(cluster.key, timeout=120) for node in cluster.nodes]
    figures = {"batches": 0, "items": 0, "kills": 0, "killed_before_commit": 0, "killed_after_commit": 0,
               "answered_before_the_kill": 0, "answer_cut_off": 0, "resent_through_the_other_node": 0}
    round_trip_ms = None
    index = 0
    try:
        while figures["kills"] < settings.fpm_kills:
            assert index < settings.fpm_kills * 6, f"too few kills landed: {figures}"
            node, other = index % 2, 1 - index % 2
            host = cluster.nodes[node]
            batch = plan.batch(rng.randint(1500, 4000))
            ref = reference_runs.run(batch, f"reference/{index}")
            assert ref.returncode == 0, ref.output
            applied = [item["external_id"] for item, r in zip(batch, ref.results) if r["status"] == "success"]
            committed = False
            token = f"cluster-{index}"
            thread, box = post_in_thread(host, cluster.key, "transactions/batch", batch, host.hook_headers(token, "mark"))
            pid = host.wait_marker(token, "start")
            began = time.monotonic()
            if round_trip_ms is None:  # calibration: no kill
                thread.join(timeout=120)
                round_trip_ms = (time.monotonic() - began) * 1000
                reply = box["reply"]
                assert reply.status == 200, reply
                results = reply.body["results"]
            else:
                time.sleep(rng.uniform(0, 1.4 * round_trip_ms) / 1000)
                killed = host.kill_worker(pid)
                thread.join(timeout=120)
                reply = box.get("reply")
                ledger.settle()
                present = ledger.count_external_ids(applied)
                assert present in (0, len(applied)), f"batch {index} half-applied: {present} of {len(applied)}"
                if reply is not None and reply.status == 200:
                    figures["answered_before_the_kill"] += 1
                    results = reply.body["results"]
                    # The first batch (a cold worker) may have been slow: aim the next kills at this one's time.
                    round_trip_ms = min(round_trip_ms, (time.monotonic() - began) * 1000)
                else:
                    assert killed, f"worker {pid} was gone before the kill, yet no answer: {box}"
                    if reply is not None:
                        check_unavailable(reply, f"batch {index} with its worker killed")
                    else:
                        figures["answer_cut_off"] += 1
                    figures["kills"] += 1
                    figures["killed_after_commit" if present else "killed_before_commit"] += 1
                    committed = bool(present)
                    reply = resend_until_answered(clients[other], "transactions/batch", batch)
                    figures["resent_through_the_other_node"] += 1
                    assert reply.status == 200, reply
                    results = reply.body["results"]
            want = expected_after_resend(ref.results, committed)
            assert observed(results) == want, first_difference(want, observed(results), batch)
            figures["batches"] += 1
            figures["items"] += len(batch)
            index += 1
    finally:
        for client in clients:
            client.close()
    for node in cluster.nodes:
        node.check_alive()
    assert not cluster.php_problems(), cluster.php_problems()[:10]
    figures.update(compare_with_reference(ledger, reference), seed=settings.seed, round_trip_ms=round(round_trip_ms))
    summary.record("cluster_crashes_fpm", figures)
    print(f"\ncluster_crashes_fpm: {figures}")
    assert_same_as_reference(figures)


@pytest.mark.parametrize("mode", ["single", "batch"])
def test_worker_killed_after_its_commit_resent_through_the_other_node(mode: str, hooked_cluster: Cluster,
                                                                       settings, summary):
    """The answer is held after the commit on one node and its worker SIGKILLed: the client gets nginx's
    503; its resend through the other node is told already_exists (single) or duplicate (batch) with the
    same transaction_ids; every accepted external_id is in the ledger once and the balances are the plan's."""
    cluster = hooked_cluster
    ledger = cluster.ledger
    plan = Plan(settings.seed + 43, prefix=f"cluster-held-{mode}")
    crashes = 0
    for round_ in range(3):
        host, other = cluster.nodes[round_ % 2], cluster.nodes[1 - round_ % 2]
        items = [plan.accepted_item()] if mode == "single" else plan.batch(40)
        path, body = ("transactions", items[0]) if mode == "single" else ("transactions/batch", items)
        token = f"cluster-held-{mode}-{round_}"
        thread, box = post_in_thread(host, cluster.key, path, body, host.hook_headers(token, "hold"))
        pid = host.wait_marker(token, "built")  # committed; the answer still in PHP's buffer
        assert host.kill_worker(pid)
        thread.join(timeout=60)
        ledger.settle()
        crashes += 1
        assert "reply" in box, box
        check_unavailable(box["reply"], f"{mode} request whose worker died after the commit")
        applied = [items[i]["external_id"] for i, p in enumerate(plan.expected[-len(items):]) if p == "success"]
        assert ledger.count_external_ids(applied) == len(applied), "the commit happened before the kill"
        client = other.client(cluster.key)
        retry = resend_until_answered(client, path, body)
        client.close()
        assert retry.status == 200, retry
        if mode == "single":
            assert retry.body["status"] == "already_exists", retry
            entry = ledger.sql(f"SELECT id FROM {ledger.table('entries')} WHERE external_id = '{items[0]['external_id']}'")
            assert retry.body["transaction_id"] == entry[0]["id"]
        else:
            statuses = [r["status"] for r in retry.body["results"]]
            assert [s == "duplicate" for s in statuses] == [p in ("success", "duplicate")
                                                             for p in plan.expected[-len(items):]], statuses
    assert not cluster.php_problems(), cluster.php_problems()[:10]
    verify = ledger.verify()
    integrity = ledger.integrity_check()
    rows = ledger.sql(f"SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM {ledger.table('entries')}")[0]
    accounts = ledger.accounts()
    summary.record(f"cluster_crash_after_commit_{mode}", {
        "crashes": crashes, "ledger_entries": rows["n"], "lost": max(0, len(plan.accepted) - rows["d"]),
        "extra": max(0, rows["d"] - len(plan.accepted)), "doubled": rows["n"] - rows["d"],
        "overdrawn": sum(1 for p in verify["problems"] if p.get("check") == "overdraft"),
        "integrity": integrity, "verify_ok": bool(verify["ok"])})
    assert verify["ok"] and integrity == "ok", (verify, integrity)
    assert rows["n"] == rows["d"] == len(plan.accepted)
    assert {u: accounts.get(u, 0) for u in plan.balance} == plan.balance
