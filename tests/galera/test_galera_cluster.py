"""Two web nodes (nginx + php-fpm) on one ledger kept by a three-node Galera
cluster: web node A writes through Galera node 1, web node B through node 2.
Clients accrue and debit the same three customers through both at once, so
the nodes' commits conflict at certification and the extension runs them
again; a 503 or a lost connection is resent with the same external_ids.

Each test then checks every node: each acknowledged operation is there once
under the transaction_id its client was told, nothing refused or unknown is
applied, nothing is overdrawn, the balances are those of an independent model
of the acknowledged operations, verify() is clean, the nodes' rows and
CHECKSUM TABLE agree, and the writers' lock row counts at least one commit per
write the clients saw committed (a write that committed without taking it was
not serialized).

Web node A's workers serve one request each (pm.max_requests = 1): each of its
writes runs on a new session whose statements are all prepared inside the
write transaction, as every worker's first requests are; web node B keeps the
template's pool (sessions reused, statements cached).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter

from cluster import NODES
from harness import FpmHost, run_php, write_config
from workload import (CUSTOMERS, HTTP_TIMEOUT, OP_DEADLINE, STORES, Knowledge, Stats, Worker, audit, refusals_plausible,
                      unexplained_duplicates)

PREFIX = "local_cashback_"
CLIENTS_PER_WEB_NODE = 3
POOLS = {"A": {"pm.max_requests": "1"}, "B": {}}
WEB_NODES = (("A", 1), ("B", 2))  # web node, the Galera node it writes through


def ledger_url(cluster, node: int, database: str) -> str:
    return cluster.app_url(node) + database


def php_on(url: str, code: str) -> object:
    prologue = f"$ledger = new CashbackLedger({json.dumps(url)});\n"
    return json.loads(run_php(prologue + code, timeout=120))


def set_up_ledger(cluster, database: str) -> str:
    """Tables, phones, stores and a central API key, written through node 1; returns the key."""
    cluster.create_database(database)
    customers = json.dumps(json.dumps({str(user): phone for user, phone in CUSTOMERS.items()}))
    return php_on(ledger_url(cluster, 1, database), f"""
        foreach (json_decode({customers}, true) as $user => $phone) {{ $ledger->linkPhone((int) $user, $phone, true); }}
        foreach ({json.dumps(STORES)} as $store) {{ $ledger->registerStore($store); }}
        echo json_encode($ledger->createApiKey('galera test clients')['key']);
    """)


def writer_commits(cluster, node: int, database: str) -> int:
    return int(cluster.sql(node, f"SELECT commits FROM {database}.{PREFIX}writer WHERE id = 1")[0][0])


def node_rows(cluster, node: int, database: str):
    """Entries (id, external_id, user_id, kind, amount), cached balances and CHECKSUM TABLE of one node,
    read after waiting for every write-set the cluster committed before (wsrep_sync_wait = 1)."""
    entries = [(int(i), ext, int(user), int(kind), int(amount)) for i, ext, user, kind, amount in cluster.sql(
        node, f"SELECT id, external_id, user_id, kind, amount FROM {database}.{PREFIX}entries ORDER BY id")]
    accounts = {int(user): int(balance) for user, balance in cluster.sql(
        node, f"SELECT user_id, balance FROM {database}.{PREFIX}accounts ORDER BY user_id")}
    checksums = {}
    for table in ("entries", "accounts"):
        rows = cluster.sql(node, f"SELECT count(*) FROM {database}.{PREFIX}{table}; "
                                 f"CHECKSUM TABLE {database}.{PREFIX}{table}")
        checksums[table] = rows[-1][1]
    return entries, accounts, checksums


class Counters:
    """wsrep_local_cert_failures and wsrep_local_bf_aborts summed over a run, across node restarts
    (a restarted node counts from zero again)."""

    NAMES = ("wsrep_local_cert_failures", "wsrep_local_bf_aborts")

    def __init__(self, cluster):
        self.cluster = cluster
        self.base = {node: cluster.conflict_counters(node) for node in NODES}
        self.total = Counter()

    def _add(self, node: int) -> None:
        now = self.cluster.conflict_counters(node)
        for name in self.NAMES:
            self.total[f"{name} node {node}"] += now[name] - self.base[node][name]

    def before_kill(self, node: int) -> None:
        self._add(node)
        self.base[node] = dict.fromkeys(self.NAMES, 0)

    def finish(self) -> dict[str, int]:
        for node in NODES:
            self._add(node)
            self.base[node] = self.cluster.conflict_counters(node)
        figures = dict(sorted(self.total.items()))
        figures["cert_failures"] = sum(v for k, v in self.total.items() if "cert_failures" in k)
        figures["bf_aborts"] = sum(v for k, v in self.total.items() if "bf_aborts" in k)
        return figures


class Scenario:
    """A ledger database, the two web nodes on it, and the clients' run."""

    def __init__(self, cluster, workdir, settings, database: str):
        self.cluster, self.settings, self.database = cluster, settings, database
        self.rng = random.Random(f"{settings.seed}-{database}")
        self.api_key = set_up_ledger(cluster, database)
        self.urls = {node: ledger_url(cluster, node, database) for node in NODES}
        self.hosts = []
        try:
            for name, node in WEB_NODES:
                config = workdir / f"config-{database}-{name}.php"
                write_config(config, {"database": self.urls[node], "retry_after_seconds": 1})
                self.hosts.append(FpmHost(workdir, config, self.urls[node], pool_overrides=POOLS[name]))
            for host in self.hosts:
                health = host.client(None).get("health")
                assert health.status == 200 and health.body["database"]["backend"] == "mysql", health
        except BaseException:
            self.stop()
            raise
        self.stats, self.knowledge, self.stop_event = Stats(), Knowledge(), threading.Event()
        bases = [host.base_url for host in self.hosts]
        self.workers = [Worker(f"{'AB'[home]}{n}", bases, home, self.api_key, self.rng.randrange(10**9),
                               self.stop_event, self.stats, self.knowledge, batch_share=0.2, batch_sizes=(2, 8))
                        for n in range(CLIENTS_PER_WEB_NODE) for home in (0, 1)]
        self.downtimes: list[tuple[int, float, float]] = []  # node, killed at, Synced again at
        self.evictions: list[float] = []
        self.rejoins: list[float] = []

    def stop(self) -> None:
        for host in self.hosts:
            host.stop()

    def run_for(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            dead = [w.name for w in self.workers if not w.is_alive()]
            assert not dead, f"clients stopped early: {dead}: {[w.failure for w in self.workers if w.failure]}"
            time.sleep(0.1)

    def crash(self, node: int, down: float) -> None:
        """SIGKILL a Galera node under load, leave it down for `down` s after its eviction, restart it
        (IST) and wait until it is Synced and back in the component."""
        survivor = 1 if node != 1 else 2
        self.counters.before_kill(node)
        killed_at = time.monotonic()
        self.cluster.kill(node)
        self.evictions.append(round(self.cluster.wait_cluster_size(survivor, 2, 60), 1))
        self.run_for(down)
        restarted = time.monotonic()
        self.cluster.restart(node)
        self.rejoins.append(round(time.monotonic() - restarted, 1))
        self.cluster.wait_cluster_size(survivor, 3, 60)
        self.downtimes.append((node, killed_at, time.monotonic()))

    def run(self, schedule) -> None:
        """Starts the clients, runs `schedule(self)` (the main thread's part), stops the clients (each
        finishes its operation in hand, bounded)."""
        self.commits_before = writer_commits(self.cluster, 1, self.database)
        self.counters = Counters(self.cluster)
        self.started = time.monotonic()
        for worker in self.workers:
            worker.start()
        try:
            schedule(self)
        finally:
            self.stop_event.set()
            for worker in self.workers:
                worker.join(OP_DEADLINE + HTTP_TIMEOUT + 30)
        self.load_seconds = time.monotonic() - self.started
        assert not [w.name for w in self.workers if w.is_alive()], "clients did not finish their last operation in time"
        assert not [w.failure for w in self.workers if w.failure], [w.failure for w in self.workers if w.failure]

    def check(self, figures: dict, section: str) -> None:
        """Every node against the clients' record; the figures go to `figures[section]` first."""
        cluster, stats = self.cluster, self.stats
        ops = [op for worker in self.workers for op in worker.ops]
        outcomes = Counter(op.status for op in ops)
        conflicts = self.counters.finish()
        states = cluster.status()
        audits, rows, checksums = {}, {}, {}
        for node in NODES:
            entries, accounts, sums = node_rows(cluster, node, self.database)
            audits[node] = audit(node, ops, entries, accounts)
            rows[node], checksums[node] = (entries, accounts), sums
        verified = {node: php_on(self.urls[node], "echo json_encode($ledger->verify());") for node in NODES}
        # Every answer 200 (applied, duplicate) or 422 (refused) ended a committed write transaction
        # (its sync-log rows), and each write takes the writers' lock first.
        committed_writes = sum(n for key, n in stats.statuses.items() if key.split()[1] in ("200", "422"))
        lock_commits = writer_commits(cluster, 1, self.database) - self.commits_before
        during_downtime = {
            f"node {node} down {round(back - killed, 1)} s":
                sum(1 for op in ops if op.acknowledged and op.answered_at and killed <= op.answered_at <= back)
            for node, killed, back in self.downtimes}
        figures[section] = {
            "seconds": round(self.load_seconds, 1),
            "clients": len(self.workers),
            "customers": len(CUSTOMERS),
            "operations": len(ops),
            "outcomes": dict(outcomes),
            "requests": dict(stats.requests),
            "answers": dict(sorted(stats.statuses.items())),
            "503s": stats.count(503),
            "lost connections": stats.connection_errors,
            "client retries": stats.retries,
            "failovers to the other web node": stats.failovers,
            "resends through the other web node": stats.resends,
            "slowest request s": round(stats.slowest, 2),
            "attempts max": max((op.attempts for op in ops), default=0),
            "duplicates without an earlier attempt that may have landed": len(unexplained_duplicates(ops)),
            "committed writes answered": committed_writes,
            "writers' lock commits": lock_commits,
            "acknowledged while a node was down": during_downtime,
            "nodes killed": [node for node, _, _ in self.downtimes],
            "eviction s": self.evictions,
            "rejoin s": self.rejoins,
            **conflicts,
            "nodes": {
                f"node {node}": {"entries": a.entries, "lost": a.lost, "doubled": a.doubled, "overdrawn": a.overdrawn,
                                 "mismatched": a.mismatched, "extra": a.extra, "refused but present": a.refused_present,
                                 "unknown but present": a.unknown_present, "wrong told balance": a.wrong_told_balance,
                                 "balance differences": a.balance_differences,
                                 "verify": "ok" if verified[node].get("ok") else verified[node].get("problems", [])[:5],
                                 "checksums": checksums[node]}
                for node, a in audits.items()},
        }

        problems = []
        if lock_commits < committed_writes:
            problems.append(f"{committed_writes - lock_commits} write transactions committed without the writers' lock: "
                            f"the clients saw {committed_writes} writes committed, the lock row counts {lock_commits}")
        for node, a in audits.items():
            problems += [f"node {node}: {p}" for p in a.problems]
        for node in NODES[1:]:
            if rows[node] != rows[1]:
                problems.append(f"node {node}'s entries or balances differ from node 1's")
            if checksums[node] != checksums[1]:
                problems.append(f"CHECKSUM TABLE differs: node 1 {checksums[1]}, node {node} {checksums[node]}")
        for node, report in verified.items():
            if not report.get("ok") or report.get("problems"):
                problems.append(f"verify() on node {node}: {json.dumps(report)[:1500]}")
        problems += refusals_plausible(ops)
        problems += unexplained_duplicates(ops)
        problems += stats.problems
        for host in self.hosts:
            problems += [f"{host}: {line}" for line in host.php_problems()]
        assert not problems, "\n".join(problems[:60])

        assert states.count("Synced") == 3 and states.count("cluster_size 3") == 3, states
        assert outcomes["unknown"] == 0 and outcomes["pending"] == 0, \
            f"operations without a final answer within {OP_DEADLINE}s: {dict(outcomes)}"
        assert outcomes["success"] > 50, f"too little load to prove anything: {dict(outcomes)}"
        assert stats.count(500) == 0, dict(stats.statuses)
        # The workload did what it claims: the web nodes' commits conflicted, and the extension cured it.
        assert conflicts["cert_failures"] + conflicts["bf_aborts"] > 0, f"no certification conflict: {conflicts}"
        # The cluster went on while a node was down.
        for label, acknowledged in during_downtime.items():
            assert acknowledged > 0, f"nothing was acknowledged while {label}"


def test_concurrent_writes_through_two_galera_nodes_are_serialized(cluster, workdir, settings, figures):
    scenario = Scenario(cluster, workdir, settings, "cb_galera_conflicts")
    try:
        scenario.run(lambda s: s.run_for(settings.stress_seconds if settings.stress else 15))
        scenario.check(figures, "conflicts")
    finally:
        scenario.stop()


def test_acknowledged_operations_survive_galera_node_crashes_on_every_node(cluster, workdir, settings, figures):
    """Quick run: node 3 (no web node's) is SIGKILLed mid-load and rejoins by IST. Long run: nodes 3, 2
    and 1 in turn for CASHBACK_STRESS_SECONDS, so each web node also loses the node it writes through
    (its clients get 503 or a lost connection and resend, through the other web node after two)."""
    scenario = Scenario(cluster, workdir, settings, "cb_galera_crashes")
    before, down, after = (8.0, 2.0, 6.0) if settings.stress else (5.0, 1.5, 5.0)

    def schedule(s: Scenario) -> None:
        victims = [3, 2, 1] if settings.stress else [3]
        turn = 0
        while True:
            s.run_for(before)
            s.crash(victims[turn % len(victims)], down)
            turn += 1
            if not settings.stress or time.monotonic() - s.started + before + after > settings.stress_seconds:
                break
        s.run_for(after)

    try:
        scenario.run(schedule)
        scenario.check(figures, "crashes")
        rejoined = cluster.timings.get("rejoins by IST", [])
        assert len(rejoined) >= len(scenario.downtimes) and not cluster.timings.get("rejoins by full SST"), \
            f"every restarted node rejoins by IST: {cluster.timings}"
    finally:
        scenario.stop()
