"""The standalone host for the hostile-input tests (tests/e2e/hosting.py) on a
free loopback port with a temporary VARDIR and a config of our own, and a
view of its ledger's tables from outside the extension (tests/e2e/backends.py:
/usr/bin/sqlite3 read-only on SQLite, the admin's client on MySQL, where each
host gets a database of its own).

A module of its own (not conftest.py) so that `pytest tests/e2e tests/hostile`
in one session imports it unambiguously.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parents[1] / "e2e"
if str(E2E) not in sys.path:
    sys.path.insert(0, str(E2E))

from backends import MYSQL, new_ledger_setting  # noqa: E402
from hosting import EXT_ARGS, EXTENSION, PHP, REPO, Host, Ledger, free_port, php_config  # noqa: E402

# Small limits, so that 413s are cheap to provoke (a 10,000-deep array, ~20 KB, still fits).
MAX_BODY_BYTES = 32 * 1024
MAX_BATCH = 5
RETRY_AFTER = 1


@dataclass(frozen=True)
class Snapshot:
    """What a refused request must leave untouched."""

    entries: int
    max_id: int
    sum_amount: int  # kopecks
    accounts: int
    sum_balance: int  # kopecks

    def __str__(self) -> str:
        return (f"entries={self.entries} max_id={self.max_id} sum(amount)={self.sum_amount} "
                f"accounts={self.accounts} sum(balance)={self.sum_balance}")


class Database:
    """The ledger's tables, read from outside the extension (never written)."""

    def __init__(self, tables):
        self.t = tables  # backends.SqliteTables or backends.MysqlTables
        self.prefix = tables.prefix  # of every table name in SQL given to query()

    def query(self, sql: str) -> list[dict]:
        return self.t.query(sql)

    def snapshot(self) -> Snapshot:
        p = self.prefix
        row = self.query(
            f"SELECT (SELECT count(*) FROM {p}entries) AS entries,"
            f" (SELECT coalesce(max(id), 0) FROM {p}entries) AS max_id,"
            f" (SELECT coalesce(sum(amount), 0) FROM {p}entries) AS sum_amount,"
            f" (SELECT count(*) FROM {p}accounts) AS accounts,"
            f" (SELECT coalesce(sum(balance), 0) FROM {p}accounts) AS sum_balance"
        )[0]
        return Snapshot(**{k: int(v) for k, v in row.items()})

    def tables(self) -> set[str]:
        """The ledger's table names (without the prefix)."""
        return self.t.tables()


@dataclass
class HostileSite:
    host: Host
    ledger: Ledger
    db: Database
    vardir: Path
    demo_key: str
    max_body_bytes: int
    max_batch: int

    @property
    def base_url(self) -> str:
        return self.host.base_url


def start_site(vardir: Path, **limits) -> HostileSite:
    if EXT_ARGS and not EXTENSION.is_file():
        pytest.exit(f"the extension is not built: {EXTENSION} (set CASHBACK_EXTENSION)", returncode=4)
    # SQLite: var/cashback.db, setup-demo.php's default; MySQL: a new database.
    database = [str(new_ledger_setting(vardir / "cashback.db", "hostile"))] if MYSQL else []
    setup = subprocess.run(
        [PHP, *EXT_ARGS, "php/bin/setup-demo.php", str(vardir), str(free_port()), *database],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert setup.returncode == 0, setup.stderr + setup.stdout
    config = vardir / "config.php"
    values = json.loads(subprocess.run(
        [PHP, "-r", f"echo json_encode(require {json.dumps(str(config))});"],
        capture_output=True, text=True, check=True,
    ).stdout)
    if "'auth_max_failures'" in (REPO / "php" / "src" / "Settings.php").read_text(encoding="utf-8"):
        # Bad keys are sent on purpose from 127.0.0.1; throttling has tests of its own (tests/e2e).
        values["auth_max_failures"] = 0
    values.update(limits)
    php_config(config, values)
    ledger = Ledger(values["database"])
    host = Host(vardir, config)
    return HostileSite(
        host, ledger, Database(ledger.tables), vardir,
        (vardir / "demo-api-key").read_text().strip(),
        int(values.get("max_body_bytes", 16 * 1024 * 1024)), int(values.get("max_batch", 10000)),
    )


def stop_site(site: HostileSite) -> None:
    """Stops the host; its log is checked by the tests themselves (a teardown error would hide which)."""
    site.host.stop()
