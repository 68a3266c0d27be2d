"""The three-node Galera cluster of these tests, driven through
tests/mariadb/galera.sh, and read with the mariadb client as root over each
node's own socket (unix_socket authentication; nothing leaves loopback).
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "mariadb" / "galera.sh"
NODES = (1, 2, 3)
# Bounds of the script's commands: start and restart wait for Synced themselves (bounded there).
START_SECONDS = 300
RESTART_SECONDS = 240
SQL_SECONDS = 60


@dataclass
class Cluster:
    directory: Path
    base_port: int
    timings: dict[str, list[float]] = field(default_factory=dict)

    # ---- galera.sh
    def script(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"galera.sh {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stderr[-4000:]}{done.stdout[-2000:]}")
        self._timings(done.stderr)
        return done.stdout.strip()

    def _timings(self, text: str) -> None:
        patterns = {
            "bootstrap": r"node \d bootstrapped in ([\d.]+) s",
            "join": r"node \d joined in ([\d.]+) s",
            "start": r"cluster of 3 up in ([\d.]+) s",
            "rejoin": r"node \d rejoined \([^)]*\) in ([\d.]+) s",
            "stop": r"stopped in ([\d.]+) s",
        }
        for name, pattern in patterns.items():
            for value in re.findall(pattern, text):
                self.timings.setdefault(name, []).append(float(value))
        for how in re.findall(r"node \d rejoined \(([^)]*)\)", text):
            self.timings.setdefault(f"rejoins by {how}", []).append(1)

    def start(self) -> str:
        return self.script("start", str(self.directory), str(self.base_port), timeout=START_SECONDS)

    def stop(self) -> None:
        self.script("stop", str(self.directory), timeout=240)

    def kill(self, node: int) -> None:
        self.script("kill", str(self.directory), str(node), timeout=30)

    def restart(self, node: int) -> None:
        self.script("restart", str(self.directory), str(node), timeout=RESTART_SECONDS)

    def url(self, node: int) -> str:
        return self.script("url", str(self.directory), str(node))

    def app_url(self, node: int) -> str:
        return self.script("app-url", str(self.directory), str(node))

    def status(self) -> str:
        return self.script("status", str(self.directory))

    def pid(self, node: int) -> int | None:
        try:
            return int((self.directory / f"node{node}" / "pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def error_log(self, node: int) -> Path:
        return self.directory / f"node{node}" / "error.log"

    # ---- SQL as root over the node's socket
    def sql(self, node: int, query: str, *, sync_wait: bool = True, timeout: float = SQL_SECONDS) -> list[list[str]]:
        """Rows of the last statement's result (tab-separated text; NULL as the string NULL).
        With sync_wait the session first waits for every write-set the cluster committed before it."""
        prologue = "SET SESSION wsrep_sync_wait = 1; " if sync_wait else ""
        done = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.directory / f'node{node}' / 'sock'}", "-uroot",
             "--batch", "--skip-column-names", "--raw", f"--connect-timeout={int(min(timeout, 30))}",
             "-e", prologue + query],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"node {node}: {done.stderr.strip()[:2000]}\n--- {query[:500]}")
        return [line.split("\t") for line in done.stdout.splitlines()]

    def status_value(self, node: int, name: str) -> str | None:
        rows = self.sql(node, f"SHOW GLOBAL STATUS LIKE '{name}'", sync_wait=False, timeout=10)
        return rows[0][1] if rows else None

    def conflict_counters(self, node: int) -> dict[str, int]:
        rows = self.sql(node, "SHOW GLOBAL STATUS WHERE Variable_name IN "
                              "('wsrep_local_cert_failures', 'wsrep_local_bf_aborts', 'wsrep_last_committed')",
                        sync_wait=False, timeout=10)
        return {name: int(value) for name, value in rows}

    def wait_cluster_size(self, node: int, size: int, seconds: float) -> float:
        """Seconds until `node` sees a Primary component of `size` members; raises past `seconds`."""
        started = time.monotonic()
        last = None
        while time.monotonic() - started < seconds:
            try:
                last = (self.status_value(node, "wsrep_cluster_size"), self.status_value(node, "wsrep_cluster_status"))
                if last == (str(size), "Primary"):
                    return time.monotonic() - started
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            time.sleep(0.1)
        raise AssertionError(f"node {node} did not see a Primary component of {size} within {seconds}s (last: {last})")

    def create_database(self, name: str) -> None:
        self.sql(1, f"CREATE DATABASE `{name}`", sync_wait=False)
