"""What the MySQL backend promises over HTTP beyond the shared contract
(CASHBACK_TEST_BACKEND=mysql; skipped on SQLite, whose ledger is a file with
no password):

  - the database password, in the config's URL, reaches no response body, no
    server log line and no admin page, whether the database works or fails in
    any of the ways that get logged (no such database, a wrong password, no
    ledger tables, another writer holding the lock);
  - ledger tables that lost their writers' lock row refuse every write with a
    503 and Retry-After, and health says so too.

The session host connects as a user made for it (conftest.py's
session_database()) with a distinctive password; the failing hosts here use
that user too.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from backends import MYSQL, TABLE_PREFIX, leaks_of, tables_of
from contract import ApiClient
from hosting import PHP, RETRY_AFTER, Host, php_config

pytestmark = pytest.mark.skipif(not MYSQL, reason="MySQL backend only (CASHBACK_TEST_BACKEND=mysql): "
                                                  "a SQLite ledger is a file, with no password to leak")

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def admin_pages(base_url: str, password: str) -> list[tuple[str, int, str]]:
    """(what, status, body) of the admin's pages: the sign-in form, signing in, the sync monitor (with a
    filter), as a browser with a cookie jar gets them; a failing database answers its 503 page."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    pages = []

    def fetch(what: str, path: str, form: dict | None = None) -> str:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with opener.open(base_url + path, data=data, timeout=15) as reply:
                status, body = reply.status, reply.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode("utf-8", "replace")
        pages.append((what, status, body))
        return body

    form = fetch("sign-in form", "/admin/login")
    token = CSRF.search(form)
    assert token, f"no CSRF token in the sign-in form: {form[:500]}"
    fetch("signing in", "/admin/login", {"csrf": token[1], "password": password})  # followed to /admin/
    fetch("sync monitor, errors only", "/admin/?status=error")
    return pages


def config_values(config) -> dict:
    return json.loads(subprocess.run([PHP, "-r", f"echo json_encode(require {json.dumps(str(config))});"],
                                     capture_output=True, text=True, check=True, timeout=30).stdout)


def exercise(host: Host, contract, api_key: str, admin_password: str) -> list[tuple[str, int, str]]:
    """Every kind of answer of a host: health, reads, writes, refusals, the admin's pages."""
    client = ApiClient(host.base_url, contract, api_key)
    replies = [
        ("GET health", client.get("health")),
        ("GET balance", client.get("balance", user_phone="79001234567")),
        ("GET transactions", client.get("transactions", user_phone="79001234567")),
        ("POST transactions", client.post("transactions", {"type": "accrual", "amount": 1,
                                                           "external_id": f"pw_{host.port}", "user_id": 42})),
        ("POST batch", client.post("transactions/batch", [{"type": "debit", "amount": 1,
                                                           "external_id": f"pwb_{host.port}", "user_id": 42}])),
        ("GET balance, wrong key", client.with_key("cbk_000000000000_" + "0" * 64).get("balance", user_phone="1")),
        ("POST transactions, invalid", client.post("transactions", raw=b"{not json")),
    ]
    return [(what, reply.status, reply.raw.decode("utf-8", "replace")) for what, reply in replies] \
        + admin_pages(host.base_url, admin_password)


def test_the_database_password_reaches_no_answer_log_or_admin_page(site, contract, tmp_path):
    password = site.database_password
    assert password and password in str(urllib.parse.unquote(str(site.ledger.db))), "the session has no password"
    url = urllib.parse.urlsplit(str(site.ledger.db))
    user, database = urllib.parse.unquote(url.username), url.path.strip("/")
    settings = config_values(site.host.config)
    admin_password = (site.vardir / "admin-password").read_text().strip()
    wrong_password = password.replace("~pw", "~wrong")

    def with_url(**parts) -> str:
        return url._replace(**parts).geturl()

    # Each failure the server logs with the database's location (never its password).
    failing = {
        "no such database": (with_url(path=f"/{database}_nope"), database + "_nope"),
        "wrong password": (with_url(netloc=url.netloc.replace(urllib.parse.quote(password, safe=""),
                                                              urllib.parse.quote(wrong_password, safe=""))), user),
        "no ledger tables": (with_url(query="table_prefix=nothing_here_"), "nothing_here_"),
    }
    seen: list[tuple[str, int, str]] = exercise(site.host, contract, site.demo_key, admin_password)
    assert [status for what, status, _ in seen if what == "GET balance"] == [200], seen[:2]
    signed_in = next(body for what, _, body in seen if what == "signing in")
    assert 'class="logout"' in signed_in, f"signing in did not open the sync monitor:\n{signed_in[:1000]}"
    logs = {"session host": site.host.log()}
    for kind, (database_url, logged) in failing.items():
        vardir = tmp_path / kind.replace(" ", "-")
        vardir.mkdir()
        config = vardir / "config.php"
        php_config(config, {"database": database_url, "admin_password_hash": settings["admin_password_hash"],
                            "retry_after_seconds": RETRY_AFTER})
        host = Host(vardir, config, workers=1)
        try:
            answers = exercise(host, contract, site.demo_key, admin_password)
        finally:
            host.stop()
        assert not host.php_problems(), host.php_problems()
        health = answers[0]
        assert health[1] == 503 and json.loads(health[2])["error"] == "database_unavailable", (kind, health)
        assert [status for what, status, _ in answers if what == "signing in"] == [503], (kind, answers)
        logs[kind] = host.log()
        # The operator's trace is there (so a leak would be found in it): which database, which problem.
        assert logged in logs[kind] and "database_unavailable" in logs[kind], (kind, logs[kind])
        seen += [(f"{kind}: {what}", status, body) for what, status, body in answers]

    # Another writer holds the ledger's lock: the session's own database, a host with a short busy timeout.
    vardir = tmp_path / "busy"
    vardir.mkdir()
    php_config(vardir / "config.php", {"database": str(site.ledger.db), "busy_timeout_ms": 300,
                                       "retry_after_seconds": RETRY_AFTER,
                                       "admin_password_hash": settings["admin_password_hash"]})
    host = Host(vardir, vardir / "config.php", workers=1)
    try:
        with site.ledger.tables.write_lock():
            reply = ApiClient(host.base_url, contract, site.demo_key).post(
                "transactions", {"type": "accrual", "amount": 1, "external_id": "pw_busy", "user_id": 42})
        assert (reply.status, reply.body["error"]) == (503, "database_busy"), reply
        seen.append(("busy: POST transactions", reply.status, reply.raw.decode()))
    finally:
        host.stop()
    logs["busy"] = host.log()
    assert "database_busy" in logs["busy"], logs["busy"]

    for what, status, body in seen:
        assert not leaks_of(password, body), f"{what} ({status}) shows the database password:\n{body[:2000]}"
        assert wrong_password not in body, f"{what} ({status}) shows the configured password"
    for name, log in logs.items():
        lines = [line for line in log.splitlines() if leaks_of(password, line) or wrong_password in line]
        assert not lines, f"the {name}'s log shows the database password:\n" + "\n".join(lines[:5])


@pytest.fixture(scope="module")
def lockless_host(site, tmp_path_factory):
    """A host on a copy of the session's ledger whose writers' lock row was deleted (a partial restore,
    a careless DELETE): every write transaction starts by updating that row."""
    server = site.ledger.tables.server
    database = server.new_database("lockless")
    site.ledger.tables.copy_to(server, database)
    url = server.url(database)
    tables_of(url).execute(f"DELETE FROM {TABLE_PREFIX}writer")
    vardir = tmp_path_factory.mktemp("lockless")
    php_config(vardir / "config.php", {"database": url, "retry_after_seconds": RETRY_AFTER})
    host = Host(vardir, vardir / "config.php", workers=1)
    yield host
    host.stop()


def test_without_the_writers_lock_row_every_write_is_a_503(site, contract, lockless_host):
    client = ApiClient(lockless_host.base_url, contract, site.demo_key)
    body = {"type": "accrual", "amount": 1, "external_id": "lockless_1", "user_id": 42}
    for path, payload in (("transactions", body), ("transactions/batch", [body])):
        reply = client.post(path, payload)
        assert (reply.status, reply.body["error"]) == (503, "database_error"), reply
        assert reply.header("Retry-After") == str(RETRY_AFTER)
    assert client.get("balance", user_phone="79001234567").status == 200, "reads do not need the lock row"


def test_without_the_writers_lock_row_health_is_a_503(site, contract, lockless_host):
    reply = ApiClient(lockless_host.base_url, contract, None).get("health")
    assert reply.status == 503, reply
    assert reply.body["error"] == "database_error" and reply.header("Retry-After") == str(RETRY_AFTER), reply
