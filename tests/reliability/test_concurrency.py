"""Many processes on one ledger at once: never lose an accepted operation,
never apply one twice, never overdraw.

(a) 8 PHP CLI processes calling the extension directly on the same file;
(b) 8 HTTP clients through nginx + php-fpm (the production templates), and
    through PHP's built-in server with 4 workers.

All of them send random accruals, debits, releases, reversals, exact and
reformatted duplicates, conflicting resends, small batches and same-instant
"race" operations over 5 customers. Each worker logs every request and answer;
afterwards the audit (ledger_model.audit) compares the ledger, read with
sqlite3 (or, with CASHBACK_TEST_BACKEND=mysql, the ledger's MariaDB tables),
with those logs. Quick: a few seconds per run; CASHBACK_STRESS_SECONDS=300
makes every run last that long.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import BuiltinHost, FpmHost, IS_ROOT, LedgerFile, ledger_at, section, write_config
from ledger_model import audit
from workload import customers, run_cli_workers, run_http_clients

PEOPLE = customers(5)
PHONES = {c.phone: c.user_id for c in PEOPLE}


def check_workload(figures: dict) -> None:
    """The run really exercised what it claims (a vacuous pass is a failure too)."""
    statuses, errors = figures["statuses"], figures["errors"]
    assert statuses.get("success", 0) >= 100, figures
    assert statuses.get("duplicate", 0) >= 10, figures
    for code in ("insufficient_balance", "external_id_conflict"):
        assert errors.get(code, 0) >= 1, f"no {code} in the run: {figures}"


def audited(ledger: LedgerFile, run, name: str, summary, settings, extra: dict) -> None:
    assert not run.worker_errors, run.worker_errors
    result = audit(run.outcomes, ledger.entries(), ledger.accounts(), PHONES, ledger.verify(), ledger.integrity_check())
    figures = dict(result.figures, processes=run.workers, seconds=round(run.seconds, 1), retries=run.retries,
                   seed=settings.seed, **extra)
    races = {o.external_id for o in run.outcomes if (o.external_id or "").startswith("race-")}
    figures["race_ids"] = len(races)
    summary.record(name, figures)
    print(f"\n{name}: {figures}")
    result.assert_clean()
    check_workload(figures)
    assert figures["race_ids"] >= 5, figures


def test_cli_workers_share_one_file(workdir: Path, settings, summary):
    """8 PHP CLI processes on one database file through the extension."""
    ledger = ledger_at(workdir / "ledger" / "cashback.db")
    ledger.create({c.user_id: c.phone for c in PEOPLE})
    logs = workdir / "logs"
    logs.mkdir()
    run = run_cli_workers(ledger.path, logs, PEOPLE, workers=8, seconds=settings.concurrency_seconds(7),
                          seed=settings.seed)
    audited(ledger, run, section("concurrency_cli"), summary, settings,
            {"transport": "8 PHP CLI processes, extension direct", "backend": ledger.backend})


@pytest.mark.parametrize("kind", ["fpm", "builtin"])
def test_http_clients_through_the_host(kind: str, workdir: Path, settings, summary):
    """8 HTTP clients through nginx + php-fpm (8 workers), or php -S with 4 workers."""
    user = ("www-data" if kind == "fpm" else "nobody") if IS_ROOT else None
    ledger = ledger_at(workdir / "ledger" / "cashback.db", user)
    ledger.create({c.user_id: c.phone for c in PEOPLE})
    key = ledger.create_key("reliability")
    config = workdir / "config.php"
    write_config(config, {"database": str(ledger.path), "retry_after_seconds": 1})
    logs = workdir / "logs"
    logs.mkdir()
    if kind == "fpm":
        try:
            host = FpmHost(workdir, config, ledger.path)
        except FileNotFoundError as error:
            pytest.skip(str(error))
        transport = "8 HTTP clients, nginx + php-fpm (pm.max_children 8)"
    else:
        host = BuiltinHost(workdir, config, workers=4, user=user)
        transport = "8 HTTP clients, php -S with PHP_CLI_SERVER_WORKERS=4"
    try:
        run = run_http_clients(host.base_url, key, logs, PEOPLE, clients=8,
                               seconds=settings.concurrency_seconds(6 if kind == "fpm" else 4), seed=settings.seed)
    finally:
        host.stop()
    audited(ledger, run, section(f"concurrency_http_{kind}"), summary, settings,
            {"transport": transport, "backend": ledger.backend})
    assert not host.php_problems(), host.php_problems()[:20]
