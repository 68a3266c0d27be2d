"""Fixtures of the reliability tests (see README.md).

Environment:
  CASHBACK_STRESS_SECONDS   long run: seconds per concurrency run and for the crash loop (default: quick run)
  CASHBACK_RELIABILITY_SEED the random seed to replay (default: a fresh one, printed and saved)
  CASHBACK_RELIABILITY_KEEP 1 keeps every work directory (they are kept anyway when a test fails)
  CASHBACK_RELIABILITY_SUMMARY  where the figures go (default var/reliability-last-run.json)
  CASHBACK_EXTENSION, PHP, PHP_FPM, NGINX, SQLITE3: see harness.py
  CASHBACK_TEST_BACKEND     sqlite (default) or mysql: the ledgers of every test in databases of the MariaDB
                            server CASHBACK_MARIADB_DIR (tests/run.sh starts it; started here if it is not running)
"""

from __future__ import annotations

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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    BACKEND, EXTENSION, MARIADB_DIR, REPO, MariaDB, Summary, drop_created_databases, wait_for_extension,
)


@dataclass(frozen=True)
class Settings:
    stress_seconds: int  # 0: the quick run
    seed: int

    @property
    def stress(self) -> bool:
        return self.stress_seconds > 0

    def concurrency_seconds(self, quick: float) -> float:
        return self.stress_seconds if self.stress else quick

    @property
    def crash_kills(self) -> int:
        """SIGKILLs of CLI batch workers: 30 in the quick run; the long run kills for its whole duration."""
        return 30

    @property
    def crash_seconds(self) -> float:
        return self.stress_seconds if self.stress else 0.0

    @property
    def fpm_kills(self) -> int:
        return max(8, self.stress_seconds // 10) if self.stress else 8


_session_started = time.monotonic()
_failed: list[str] = []


SETTINGS = Settings(
    int(os.environ.get("CASHBACK_STRESS_SECONDS") or 0),
    int(os.environ.get("CASHBACK_RELIABILITY_SEED") or random.SystemRandom().randrange(1, 10**9)),
)


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
def summary(settings) -> Summary:
    path = Path(os.environ.get("CASHBACK_RELIABILITY_SUMMARY") or REPO / "var" / "reliability-last-run.json")
    recorder = Summary(path)
    yield recorder
    recorder.write({
        "backend": BACKEND,
        "mode": f"stress ({settings.stress_seconds} s)" if settings.stress else "quick",
        "seed": settings.seed,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "session_seconds": round(time.monotonic() - _session_started, 1),
        "failed_tests": list(_failed),
        "extension": str(EXTENSION),
        "commit": _git_commit(),
    }, "last_session_mysql" if BACKEND == "mysql" else "last_session")


def _git_commit() -> str:
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


@pytest.fixture(scope="session", autouse=True)
def mariadb_backend():
    """On the MySQL backend: the shared MariaDB server runs (started here, on CASHBACK_MARIADB_PORT or 13306,
    if tests/run.sh did not), and the databases the tests created are dropped at the end unless a test
    failed or CASHBACK_RELIABILITY_KEEP is set."""
    if BACKEND != "mysql":
        yield None
        return
    server = MariaDB(MARIADB_DIR)
    started = False
    if not server.running():
        server = MariaDB(MARIADB_DIR, int(os.environ.get("CASHBACK_MARIADB_PORT") or 13306))
        try:
            server.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            pytest.exit(f"CASHBACK_TEST_BACKEND=mysql, but no MariaDB server: {error}", returncode=4)
        started = True
    try:
        import pymysql  # noqa: F401, PLC0415
    except ImportError:
        pytest.exit("CASHBACK_TEST_BACKEND=mysql needs PyMySQL (tests/requirements.txt)", returncode=4)
    server.wait_ready()
    yield server
    if not _failed and not os.environ.get("CASHBACK_RELIABILITY_KEEP"):
        drop_created_databases()
    else:
        print(f"\nreliability databases kept on {server}")
    if started:
        server.stop()


@pytest.fixture(scope="session")
def base_dir() -> Path:
    """Work directories live under /tmp, reachable by the unprivileged server users (nobody, www-data)."""
    path = Path(tempfile.mkdtemp(prefix="cashback-reliability-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    if not _failed and not os.environ.get("CASHBACK_RELIABILITY_KEEP"):
        shutil.rmtree(path, ignore_errors=True)
    else:
        print(f"\nreliability work directories kept in {path}")


@pytest.fixture
def workdir(base_dir, request) -> Path:
    """A directory per test; removed when the test passed, kept (logs, ledgers) when it failed."""
    name = "".join(ch if ch.isalnum() else "-" for ch in request.node.name)[:60]
    path = base_dir / name
    path.mkdir()
    os.chmod(path, 0o755)
    yield path
    if request.node.nodeid not in _failed and not os.environ.get("CASHBACK_RELIABILITY_KEEP"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        _failed.append(item.nodeid)


def pytest_report_header(config):
    mode = f"stress run, {SETTINGS.stress_seconds} s" if SETTINGS.stress else "quick run"
    return [f"reliability: {mode}, backend {BACKEND}, seed {SETTINGS.seed} (replay with CASHBACK_RELIABILITY_SEED={SETTINGS.seed})"]
