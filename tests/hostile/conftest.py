"""Fixtures of the hostile-input tests: the standalone host on a free loopback
port with a temporary VARDIR and small limits (hostile_site.py), a
contract-checking client (tests/e2e/contract.py).

The fixture names are prefixed (hostile_*): in one session with tests/e2e
(`pytest tests/e2e tests/hostile`) the rootdir is tests/e2e, and conftest
fixtures outside the rootdir are visible to every test, so `site`/`api`
would replace tests/e2e's own.

Environment: CASHBACK_EXTENSION, PHP, CASHBACK_TEST_BACKEND (see tests/e2e/hosting.py and backends.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent / "e2e", HERE):  # hosting.py and contract.py; hostile_site.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from backends import backend_problem, drop_everything  # noqa: E402
from contract import ApiClient, Contract  # noqa: E402
from hosting import OPENAPI  # noqa: E402
from hostile_site import MAX_BATCH, MAX_BODY_BYTES, RETRY_AFTER, HostileSite, start_site, stop_site  # noqa: E402


def pytest_sessionstart(session):
    """A backend that cannot run here stops the session before any test."""
    problem = backend_problem()
    if problem:
        pytest.exit(problem, returncode=4)


def pytest_sessionfinish(session, exitstatus):
    """The MySQL databases the session made are dropped (nothing to do on SQLite)."""
    drop_everything()


@pytest.fixture(scope="session")
def hostile_contract() -> Contract:
    return Contract(OPENAPI)


@pytest.fixture(scope="session")
def hostile_host(tmp_path_factory) -> HostileSite:
    """The host of the table-driven tests: small max_body_bytes and max_batch."""
    site = start_site(tmp_path_factory.mktemp("hostile-var"),
                      max_body_bytes=MAX_BODY_BYTES, max_batch=MAX_BATCH, retry_after_seconds=RETRY_AFTER)
    yield site
    stop_site(site)


@pytest.fixture(scope="session")
def hostile_api(hostile_host, hostile_contract) -> ApiClient:
    """A client with the demo key; every answer is checked against docs/openapi.yaml."""
    return ApiClient(hostile_host.base_url, hostile_contract, hostile_host.demo_key)
