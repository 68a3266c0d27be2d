"""End-to-end fixtures: the standalone host on a free loopback port with a
temporary VARDIR, a contract-checking client, and direct access to the
ledger through the extension (keys, phones, verify).

Environment: CASHBACK_EXTENSION, PHP (see hosting.py); CASHBACK_TEST_BACKEND=mysql puts every ledger
in a database of its own on the test MariaDB server (see backends.py).
"""

from __future__ import annotations

import itertools
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import MYSQL, backend_problem, drop_everything, leaks_of, shared_server  # noqa: E402
from contract import ApiClient, Contract  # noqa: E402
from hosting import (  # noqa: E402
    EXT_ARGS, EXTENSION, MAX_BATCH, MAX_BODY_BYTES, OPENAPI, PHP, REPO, RETRY_AFTER, Host, Ledger, Site, free_port,
    php_config,
)
from register_sim import Customer  # noqa: E402


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract(OPENAPI)


def _check_environment() -> None:
    if EXT_ARGS and not EXTENSION.is_file():
        pytest.exit(f"the extension is not built: {EXTENSION} (set CASHBACK_EXTENSION)", returncode=4)


def pytest_sessionstart(session):
    """A backend that cannot run here stops the session before any test."""
    problem = backend_problem()
    if problem:
        pytest.exit(problem, returncode=4)


def pytest_sessionfinish(session, exitstatus):
    """The MySQL databases and users the session made are dropped (nothing to do on SQLite)."""
    drop_everything()


def session_database() -> tuple[list[str], str | None]:
    """setup-demo.php's database argument and the password in it: none on SQLite (var/cashback.db); on
    MySQL a new database and a user of its own for it, with a password distinctive enough that any leak
    of it is found by a plain search (and a character that the URL percent-encodes)."""
    if not MYSQL:
        return [], None
    server = shared_server()
    database = server.new_database("session")
    password = f"Cb-e2e!{secrets.token_hex(10)}~pw"
    user = server.new_user(database, password)
    return [server.url(database, user, password)], password


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    _check_environment()
    vardir = tmp_path_factory.mktemp("cashback-var")
    port = free_port()
    database, password = session_database()
    setup = subprocess.run(
        [PHP, *EXT_ARGS, "php/bin/setup-demo.php", str(vardir), str(port), *database],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert setup.returncode == 0, setup.stderr + setup.stdout
    assert not leaks_of(password, setup.stdout + setup.stderr), "setup-demo.php printed the database password"
    config = vardir / "config.php"
    # The demo config plus small limits (keys of Cashback\Settings::defaults(), php/src/Settings.php).
    demo = json.loads(subprocess.run(
        [PHP, "-r", f"echo json_encode(require {json.dumps(str(config))});"], capture_output=True, text=True, check=True,
    ).stdout)
    # Throttling is off for the session host: many tests send bad keys from 127.0.0.1 on purpose.
    # test_throttling_of_failed_authentication runs its own host with it on.
    demo.update(max_body_bytes=MAX_BODY_BYTES, max_batch=MAX_BATCH, retry_after_seconds=RETRY_AFTER, auth_max_failures=0)
    php_config(config, demo)
    ledger = Ledger(demo["database"])
    keys = {name: ledger.create_key(name, store) for name, store in
            [("register-store-1", "store-1"), ("register-store-2", "store-2"), ("bitrix-web", None)]}
    # One phone with two unverified owners: phone_ambiguous.
    ledger.link_phones([(501, "+7 (999) 555-00-01", False), (502, "8 999 555 00 01", False)])
    host = Host(vardir, config)
    site = Site(host, ledger, vardir, (vardir / "demo-api-key").read_text().strip(), keys, password)
    yield site
    host.stop()
    problems = host.php_problems()
    assert not problems, "PHP problems in the server log:\n" + "\n".join(problems[:20])
    assert not leaks_of(password, host.log()), "the database password reached the server log"


@pytest.fixture(scope="session")
def api(site, contract) -> ApiClient:
    """A client with the demo key (store-1)."""
    return ApiClient(site.base_url, contract, site.demo_key)


@pytest.fixture(scope="session")
def anon(site, contract) -> ApiClient:
    """A client without a key."""
    return ApiClient(site.base_url, contract, None)


_user_ids = itertools.count(1000)


@pytest.fixture(scope="session")
def new_customers(site):
    """Makes fresh customers (verified phones, zero balance): new_customers(n) -> [Customer]."""
    def make(count: int) -> list[Customer]:
        made = []
        for _ in range(count):
            user_id = next(_user_ids)
            digits = f"{user_id:07d}"
            national = f"916{digits}"
            made.append(Customer(user_id, (
                f"+7 916 {digits[:3]}-{digits[3:5]}-{digits[5:]}",
                f"8 (916) {digits[:3]}-{digits[3:5]}-{digits[5:]}",
                national,
                "7" + national,
            )))
        site.ledger.link_phones([(c.user_id, c.phone(0), True) for c in made])
        return made
    return make
