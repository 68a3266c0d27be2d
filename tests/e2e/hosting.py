"""The standalone host and its ledger, for the end-to-end tests: PHP's built-in
server on php/public/index.php with a config of our own, and the extension
called directly from a PHP CLI process (keys, phones, sync log, verify).

Environment:
  CASHBACK_EXTENSION  the extension (default: target/release/libcashback.so; tests/run.sh sets it)
  PHP                 the PHP CLI (default: php)
  CASHBACK_TEST_BACKEND, CASHBACK_MARIADB_DIR  where the ledgers live (see backends.py)
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from backends import is_url, tables_of

REPO = Path(__file__).resolve().parents[2]
OPENAPI = REPO / "docs" / "openapi.yaml"
EXTENSION = Path(os.environ.get("CASHBACK_EXTENSION") or os.environ.get("CASHBACK_EXT")
                 or REPO / "target" / "release" / "libcashback.so")
PHP = os.environ.get("PHP", "php")


def _extension_args() -> list[str]:
    """`-d extension=...`, unless PHP already loads the extension from its ini (`make install`)."""
    loaded = subprocess.run([PHP, "-r", 'exit(extension_loaded("cashback") ? 0 : 1);'], capture_output=True)
    return [] if loaded.returncode == 0 else ["-d", f"extension={EXTENSION}"]


EXT_ARGS = _extension_args()

# Small limits so 413s are cheap to provoke; the register simulators chunk their queues by MAX_BATCH.
MAX_BODY_BYTES = 64 * 1024
MAX_BATCH = 20
RETRY_AFTER = 2

# PHP problems that must never reach the server log.
PHP_PROBLEM = re.compile(r"PHP (Fatal|Parse|Warning|Notice|Deprecated)|Stack trace|Uncaught|cashback: ", re.I)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def php_string(text: str) -> str:
    """A PHP single-quoted literal of `text`: nothing in it is interpolated or unescaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def php_config(path: Path, values: dict) -> None:
    """Writes a host config file (an array of php/src/Settings.php keys)."""
    def literal(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return php_string(str(value))
    lines = "".join(f"    {literal(k)} => {literal(v)},\n" for k, v in values.items())
    path.write_text(f"<?php\n\n// e2e test host settings\nreturn [\n{lines}];\n", encoding="utf-8")


class Ledger:
    """The ledger behind the host, through the extension in a PHP CLI process."""

    def __init__(self, db: Path | str):
        # A SQLite file, or a mysql:// URL (never a Path: it would fold the URL's '//').
        self.db = db if is_url(str(db)) else Path(db)

    @property
    def tables(self):
        """Its tables, read and written from outside the extension (backends.py)."""
        return tables_of(self.db)

    def php(self, code: str, timeout: float = 30) -> str:
        script = f"$db = {json.dumps(str(self.db))}; $ledger = new CashbackLedger($db);\n{code}"
        done = subprocess.run(
            [PHP, *EXT_ARGS, "-d", "display_errors=stderr", "-r", script],
            capture_output=True, text=True, timeout=timeout,
        )
        assert done.returncode == 0 and not done.stderr.strip(), f"php failed ({done.returncode}): {done.stderr}\n{code}"
        return done.stdout

    def call(self, code: str):
        """Runs code whose value is the expression `code`; returns it JSON-decoded."""
        return json.loads(self.php(f"echo json_encode({code});"))

    def create_key(self, name: str, store_id: str | None = None, networks: list[str] | None = None) -> tuple[int, str]:
        store = php_string(store_id) if store_id else "null"
        nets = f"json_decode({php_string(json.dumps(networks))}, true)" if networks else "null"
        created = self.call(f"$ledger->createApiKey({php_string(name)}, {store}, {nets})")
        return created["id"], created["key"]

    def revoke_key(self, key_id: int) -> bool:
        return self.call(f"$ledger->revokeApiKey({int(key_id)})")

    def link_phones(self, rows: list[tuple[int, str, bool]]) -> None:
        code = "".join(
            f"$ledger->linkPhone({int(u)}, {json.dumps(p)}, {'true' if v else 'false'});\n" for u, p, v in rows
        )
        self.php(code)

    def verify(self) -> dict:
        """Exactly the brief's check: echo json_encode((new CashbackLedger($db))->verify());"""
        return self.call("(new CashbackLedger($db))->verify()")

    def sync_log_counts(self, external_ids: list[str]) -> dict[str, int]:
        """How many times the server has logged (i.e. finished processing) each external id."""
        encoded = base64.b64encode(json.dumps(external_ids).encode()).decode()
        code = (f"$out = []; foreach (json_decode(base64_decode('{encoded}'), true) as $id) {{"
                " $out[$id] = count($ledger->syncLog(['external_id' => $id], 1000)['items']); }"
                " echo json_encode((object) $out);")
        return json.loads(self.php(code))

    def wait_processed(self, external_ids: list[str], seconds: float = 10.0) -> None:
        """Waits (bounded) until the server finished a request carrying these external ids: its
        sync-log rows are written in the same commit as the transactions."""
        deadline = time.monotonic() + seconds
        while True:
            counts = self.sync_log_counts(external_ids)
            missing = [i for i in external_ids if counts.get(i, 0) == 0]
            if not missing:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the server never finished a request with {missing[:5]}")
            time.sleep(0.05)

    def balance(self, user_id: int) -> Decimal:
        return Decimal(str(self.call(f"$ledger->balance({int(user_id)})['balance']"))).quantize(Decimal("0.01"))


class Host:
    """PHP's built-in server running php/public/index.php on one config."""

    def __init__(self, vardir: Path, config: Path, workers: int = 4, php_args: tuple[str, ...] = ()):
        self.vardir = vardir
        self.config = config
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = vardir / f"server-{self.port}.log"
        env = dict(os.environ, PHP_CLI_SERVER_WORKERS=str(workers), CASHBACK_CONFIG=str(config))
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            # As in production: the API reads the raw body, so PHP does not parse (and warn about) it.
            [PHP, *EXT_ARGS, "-d", "enable_post_data_reading=0", *php_args, "-S", f"127.0.0.1:{self.port}",
             "php/public/index.php"],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers go down with it
        )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"php -S exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + "/local/api/cashback/v1/health", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers (503 is fine for a host on a broken database)
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"php -S did not answer within {seconds}s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def php_problems(self) -> list[str]:
        return [line for line in self.log().splitlines() if PHP_PROBLEM.search(line)]

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the group this fixture started
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log.close()


@dataclass
class Site:
    """The session's host with its ledger and keys."""

    host: Host
    ledger: Ledger
    vardir: Path
    demo_key: str
    keys: dict[str, tuple[int, str]]  # name -> (id, key)
    database_password: str | None = None  # of its MySQL user (None on SQLite)

    @property
    def base_url(self) -> str:
        return self.host.base_url
