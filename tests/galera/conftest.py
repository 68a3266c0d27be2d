"""Fixtures of the Galera tests (see README.md here).

Environment:
  CASHBACK_STRESS_SECONDS  long run: seconds of load, with a node killed and rejoined in turn (default: quick run)
  CASHBACK_GALERA_SEED     the random seed to replay (default: a fresh one, printed)
  CASHBACK_GALERA_DIR      the cluster's directory (default var/galera-test; wiped at the start)
  CASHBACK_GALERA_PORT     the cluster's base port (default 14000; node N uses BASE+10(N-1) .. +3)
  CASHBACK_GALERA_KEEP     1 keeps the cluster's and the web nodes' directories (kept anyway after a failure)
  CASHBACK_GALERA_SUMMARY  where the figures go (default var/galera-last-run.json)
  CASHBACK_EXTENSION, PHP, PHP_FPM, NGINX: see tests/reliability/harness.py
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "reliability"))

from cluster import Cluster  # noqa: E402
from harness import EXTENSION, REPO, wait_for_extension  # noqa: E402


@dataclass(frozen=True)
class Settings:
    stress_seconds: int  # 0: the quick run
    seed: int

    @property
    def stress(self) -> bool:
        return self.stress_seconds > 0


SETTINGS = Settings(
    int(os.environ.get("CASHBACK_STRESS_SECONDS") or 0),
    int(os.environ.get("CASHBACK_GALERA_SEED") or random.SystemRandom().randrange(1, 10**9)),
)
_failed: list[str] = []
_figures: dict[str, dict] = {}
_session_started = time.monotonic()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return SETTINGS


@pytest.fixture(scope="session", autouse=True)
def extension() -> Path:
    try:
        wait_for_extension()
    except RuntimeError as error:
        pytest.exit(str(error), returncode=4)
    return EXTENSION


@pytest.fixture(scope="session")
def figures() -> dict[str, dict]:
    """Figures of each test, written to var/galera-last-run.json and shown at the end of the run."""
    return _figures


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """A fresh three-node cluster for the session, stopped (by PID) at its end."""
    if os.geteuid() != 0:
        pytest.skip("the Galera tests run as root (the nodes run as mysql, the web nodes as www-data)")
    directory = Path(os.environ.get("CASHBACK_GALERA_DIR") or REPO / "var" / "galera-test").resolve()
    port = int(os.environ.get("CASHBACK_GALERA_PORT") or 14000)
    cluster = Cluster(directory, port)
    if (directory / "base_port").is_file():
        cluster.stop()  # a cluster left by an interrupted session: its nodes, by their PIDs
    shutil.rmtree(directory, ignore_errors=True)
    started = time.monotonic()
    cluster.start()
    cluster.timings["start (script, wall)"] = [round(time.monotonic() - started, 1)]
    yield cluster
    stopped = time.monotonic()
    cluster.stop()
    cluster.timings["stop (script, wall)"] = [round(time.monotonic() - stopped, 1)]
    _figures.setdefault("cluster", {}).update({k: v for k, v in cluster.timings.items()})
    if not _failed and not os.environ.get("CASHBACK_GALERA_KEEP"):
        shutil.rmtree(directory, ignore_errors=True)
    else:
        print(f"\nthe cluster's directory is kept: {directory}")


@pytest.fixture
def workdir(request) -> Path:
    """The web nodes' directory, under /tmp (readable by www-data); kept when the test failed."""
    path = Path(tempfile.mkdtemp(prefix="cashback-galera-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    if request.node.nodeid not in _failed and not os.environ.get("CASHBACK_GALERA_KEEP"):
        shutil.rmtree(path, ignore_errors=True)
    else:
        print(f"\nweb nodes' directory kept: {path}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if outcome.get_result().failed:
        _failed.append(item.nodeid)


def pytest_report_header(config):
    mode = f"stress run, {SETTINGS.stress_seconds} s" if SETTINGS.stress else "quick run"
    return [f"galera: {mode}, seed {SETTINGS.seed} (replay with CASHBACK_GALERA_SEED={SETTINGS.seed})"]


def pytest_terminal_summary(terminalreporter):
    if not _figures:
        return
    document = {
        "mode": f"stress ({SETTINGS.stress_seconds} s)" if SETTINGS.stress else "quick",
        "seed": SETTINGS.seed,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "session_seconds": round(time.monotonic() - _session_started, 1),
        "failed_tests": list(_failed),
        "commit": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"],
                                 capture_output=True, text=True).stdout.strip(),
        "figures": _figures,
    }
    path = Path(os.environ.get("CASHBACK_GALERA_SUMMARY") or REPO / "var" / "galera-last-run.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
    terminalreporter.section("galera figures")
    for name, values in _figures.items():
        terminalreporter.write_line(f"{name}: {json.dumps(values, sort_keys=True, default=str)}")
    terminalreporter.write_line(f"(written to {path})")
