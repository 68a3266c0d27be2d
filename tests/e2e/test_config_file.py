"""CASHBACK_CONFIG naming something other than a settings file: the standalone
host answers 503 config_invalid with Retry-After and never sends a byte of the
file (a non-PHP file is refused unread, a PHP config's own output is dropped).
The file's path and the kind of problem go to the server log only.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from backends import new_ledger_setting
from hosting import Host, Ledger, php_config

HEALTH = "/local/api/cashback/v1/health"
SECRET = "root:x:0:0:secret-line-of-the-file"
# What `retry_after_seconds` defaults to (php/src/Settings.php): a broken config has no value of its own.
DEFAULT_RETRY_AFTER = "5"
PHP_PROBLEM = re.compile(r"PHP (Fatal|Parse|Warning|Notice|Deprecated)|Stack trace|Uncaught")

BAD_CONFIGS = {
    "a text file": f"{SECRET}\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    "a byte-order mark before <?php": f"\ufeff<?php return []; // {SECRET}\n",
    "PHP returning a string": f"<?php return '{SECRET}';\n",
    "PHP returning nothing": f"<?php // {SECRET}\n",
    "an unknown key": "<?php return ['databse' => '/tmp/x.db'];\n",
    "a wrong type": "<?php return ['max_batch' => '20'];\n",
    "a syntax error": f"<?php return ['database' => {SECRET.replace(':', ' ')}];\n",
    "PHP that throws": f"<?php throw new RuntimeException('{SECRET}');\n",
}


def get(host: Host, path: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(host.base_url + path, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def health_of(tmp_path: Path, config: Path) -> tuple[tuple[int, dict[str, str], str], str]:
    """GET health from a host of its own on `config`; the reply and the server log."""
    host = Host(tmp_path, config, workers=1)
    try:
        return get(host, HEALTH), host.log()
    finally:
        host.stop()


def assert_config_invalid(reply: tuple[int, dict[str, str], str], config: Path) -> None:
    status, headers, body = reply
    assert status == 503, body
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Retry-After"] == DEFAULT_RETRY_AFTER
    document = json.loads(body)  # the whole body, so nothing was printed before or after it
    assert document["error"] == "config_invalid"
    assert isinstance(document["message"], str) and document["message"]
    assert SECRET not in body and "root:" not in body
    assert str(config) not in body, "the path is for the server log, not for clients"


@pytest.mark.parametrize("content", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_a_bad_config_is_a_503_config_invalid_that_quotes_nothing(tmp_path, content):
    config = tmp_path / "settings.conf"
    config.write_text(content, encoding="utf-8")
    reply, log = health_of(tmp_path, config)
    assert_config_invalid(reply, config)
    assert str(config) in log, log
    assert SECRET not in log, "the log names the file and the problem, not its content"
    assert not PHP_PROBLEM.search(log), log


@pytest.mark.parametrize("path", ["/etc/passwd", "/nonexistent/cashback.php"])
def test_a_system_file_or_a_missing_one_is_refused(tmp_path, path):
    reply, log = health_of(tmp_path, Path(path))
    assert_config_invalid(reply, Path(path))
    assert path in log, log


def test_what_a_php_config_prints_never_reaches_a_client(tmp_path):
    database = new_ledger_setting(tmp_path / "ledger.db", "config")
    Ledger(database).php("")  # creates the ledger: the host never does
    config = tmp_path / "config.php"
    php_config(config, {"database": str(database)})
    config.write_text(
        config.read_text(encoding="utf-8").replace("<?php\n", f"<?php\necho '{SECRET}';\n?>{SECRET}\n<?php\n", 1),
        encoding="utf-8",
    )
    (status, _, body), log = health_of(tmp_path, config)
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"
    assert SECRET not in body
    assert not PHP_PROBLEM.search(log), log


UNUSABLE_DATABASES = {
    "a port out of range": ("mysql://cashback:secret-pw@127.0.0.1:99999/shop", "invalid_path"),
    "an unknown URL parameter": ("mysql://cashback:secret-pw@127.0.0.1/shop?sockte=/run/mysqld.sock", "invalid_path"),
    "a table prefix with a dash": ("mysql://cashback:secret-pw@127.0.0.1/shop?table_prefix=bad-prefix", "invalid_option"),
}


@pytest.mark.parametrize("database,reason", UNUSABLE_DATABASES.values(), ids=UNUSABLE_DATABASES.keys())
def test_a_database_setting_the_extension_refuses_is_config_invalid_on_every_endpoint(tmp_path, database, reason):
    config = tmp_path / "config.php"
    php_config(config, {"database": database})
    host = Host(tmp_path, config, workers=1)
    try:
        replies = [get(host, HEALTH), get(host, "/local/api/cashback/v1/balance?user_phone=79001234567")]
        log = host.log()
    finally:
        host.stop()
    for reply in replies:
        assert_config_invalid(reply, config)
        assert "secret-pw" not in reply[2]
    assert json.loads(replies[0][2])["status"] == "unavailable"
    assert f"config_invalid: {reason}" in log, log
    assert "secret-pw" not in log, "the URL's parse errors never quote it"
    assert not PHP_PROBLEM.search(log), log
