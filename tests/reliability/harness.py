"""Shared machinery of the reliability tests: the extension and PHP CLI, the
ledger file read back with /usr/bin/sqlite3, the two HTTP hosts (PHP's
built-in server and nginx + php-fpm rendered from php/server/), a small
keep-alive HTTP client, and process bookkeeping that only ever signals the
processes these tests started.

Environment:
  CASHBACK_EXTENSION  the extension (default target/release/libcashback.so)
  PHP                 the PHP CLI (default php)
  PHP_FPM, NGINX      php-fpm8.2 and nginx binaries
  CASHBACK_TEST_BACKEND  sqlite (default: ledger files) or mysql (ledgers in databases of a MariaDB
                      server: CASHBACK_MARIADB_DIR, default var/mariadb-test, as tests/run.sh starts it)
  CASHBACK_MARIADB_DIR   the data directory of that server (tests/mariadb/server.sh)
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import pwd
import re
import threading
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PHP_SCRIPTS = HERE / "php"
EXTENSION = Path(os.environ.get("CASHBACK_EXTENSION") or REPO / "target" / "release" / "libcashback.so")
PHP = os.environ.get("PHP", "php")
PHP_FPM = os.environ.get("PHP_FPM", "php-fpm8.2")
NGINX = os.environ.get("NGINX", "nginx")
SQLITE3 = os.environ.get("SQLITE3", "/usr/bin/sqlite3")
API = "/local/api/cashback/v1/"
PHP_PROBLEM = re.compile(r"PHP (Fatal|Parse|Warning|Notice|Deprecated)|Stack trace|Uncaught|internal_error", re.I)
IS_ROOT = os.geteuid() == 0
BACKEND = (os.environ.get("CASHBACK_TEST_BACKEND") or "sqlite").strip().lower()
if BACKEND not in ("sqlite", "mysql"):
    raise RuntimeError(f"CASHBACK_TEST_BACKEND={BACKEND!r}: use sqlite or mysql")
MARIADB_DIR = Path(os.environ.get("CASHBACK_MARIADB_DIR") or REPO / "var" / "mariadb-test")
MARIADB_SERVER_SH = REPO / "tests" / "mariadb" / "server.sh"


# --------------------------------------------------------------------------- the extension

# The stores the workloads' transactions name; their keys are the 1C central base's kind (no store).
STORES = [f"store-{n}" for n in range(1, 8)]


def wait_for_extension(seconds: float = 180) -> None:
    """The extension is rebuilt now and then by someone else: wait (bounded) while it is missing."""
    deadline = time.monotonic() + seconds
    while not EXTENSION.is_file():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the extension is missing: {EXTENSION} (set CASHBACK_EXTENSION)")
        time.sleep(1)
    # A file that is being written right now: wait until its size settles.
    size = -1
    while size != EXTENSION.stat().st_size:
        size = EXTENSION.stat().st_size
        time.sleep(0.2)


def php_cmd(*args: str) -> list[str]:
    """php with the extension under test (always by path: the one just built, not an installed copy)."""
    loaded = _installed_extension()
    ext = [] if loaded else ["-d", f"extension={EXTENSION}"]
    return [PHP, *ext, "-d", "display_errors=stderr", "-d", "log_errors=0", *args]


_installed: bool | None = None


def _installed_extension() -> bool:
    global _installed
    if _installed is None:
        done = subprocess.run([PHP, "-r", 'exit(extension_loaded("cashback") ? 0 : 1);'], capture_output=True)
        _installed = done.returncode == 0
    return _installed


def as_user(user: str | None) -> list[str]:
    """Command prefix that runs as `user` (root only); empty when we already are that user."""
    if user is None or not IS_ROOT or user == "root":
        return []
    return ["runuser", "-u", user, "--"]


def chown_tree(path: Path, user: str | None) -> None:
    if user is None or not IS_ROOT:
        return
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [root, *[os.path.join(root, d) for d in dirs], *[os.path.join(root, f) for f in files]]:
            os.chown(name, entry.pw_uid, entry.pw_gid)


def run_php(code: str, *, user: str | None = None, timeout: float = 60, cwd: Path = REPO) -> str:
    """Runs PHP code with the extension; returns stdout; any stderr output fails."""
    done = subprocess.run([*as_user(user), *php_cmd("-r", code)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)
    if done.returncode != 0 or done.stderr.strip():
        raise RuntimeError(f"php failed ({done.returncode}): {done.stderr.strip()[:2000]}\n--- code:\n{code[:2000]}")
    return done.stdout


def php_literal(value: Any) -> str:
    """A PHP expression for a JSON-able value (through json_decode, so any string is safe)."""
    encoded = json.dumps(json.dumps(value))
    return f"json_decode({encoded}, true, 512, JSON_THROW_ON_ERROR)"


# --------------------------------------------------------------------------- money

def kopecks(value: Any) -> int:
    """Rubles (a JSON number read as Decimal/float/int, or a decimal string) to integer kopecks, exactly."""
    amount = Decimal(value) if isinstance(value, (str, int, Decimal)) else Decimal(repr(value))
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value!r} has more than 2 decimals")
    return int(scaled)


def rubles(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


# --------------------------------------------------------------------------- the ledger file

class LedgerFile:
    """One ledger database: set up and inspected through the extension and /usr/bin/sqlite3,
    always as the user that owns it (so no -wal/-shm file is ever created with the wrong owner)."""

    def __init__(self, path: Path, user: str | None = None):
        self.path = path
        self.user = user

    # ---- through the extension
    def php(self, code: str, timeout: float = 60) -> str:
        prologue = f"$ledger = new CashbackLedger({json.dumps(str(self.path))});\n"
        return run_php(prologue + code, user=self.user, timeout=timeout)

    def call(self, expression: str) -> Any:
        return json.loads(self.php(f"echo json_encode({expression});"), parse_float=Decimal)

    backend = "sqlite"

    def create(self, customers: dict[int, str]) -> None:
        """Creates (migrates) the file, links each user_id to its phone, verified, and registers
        the workloads' STORES (API writes name registered stores only)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        chown_tree(self.path.parent, self.user)
        self._seed(customers)

    def _seed(self, customers: dict[int, str]) -> None:
        self.php(f"foreach ({php_literal({str(k): v for k, v in customers.items()})} as $user => $phone) "
                 "{ $ledger->linkPhone((int) $user, $phone, true); }"
                 f"foreach ({php_literal(STORES)} as $store) {{ $ledger->registerStore($store); }}")

    @property
    def location(self) -> str:
        """What the hosts' config and the extension are given: the file's path (a URL on MySQL)."""
        return str(self.path)

    def table(self, name: str) -> str:
        """A ledger table's name in this backend's SQL (prefixed on MySQL)."""
        return name

    def settle(self, seconds: float = 30) -> None:
        """Waits until no killed client's transaction can still land (SQLite: a dead process's
        transaction is gone with it; MySQL: until the server has ended its session)."""

    def disk_bytes(self) -> int:
        """The bytes the ledger takes on disk: the file with its -wal and -shm."""
        total = 0
        for suffix in ("", "-wal", "-shm"):
            try:
                total += Path(f"{self.path}{suffix}").stat().st_size
            except FileNotFoundError:
                pass
        return total

    def create_key(self, name: str, store_id: str | None = None) -> str:
        store = json.dumps(store_id) if store_id else "null"
        return self.call(f"$ledger->createApiKey({json.dumps(name)}, {store})")["key"]

    def verify(self) -> dict:
        return self.call("$ledger->verify()")

    # ---- through sqlite3
    def sql(self, query: str, timeout: float = 60) -> list[dict]:
        done = subprocess.run([*as_user(self.user), SQLITE3, "-json", "-bail", str(self.path), query],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"sqlite3 failed ({done.returncode}) on {self.path}: {done.stderr.strip()}\n{query}")
        out = done.stdout.strip()
        return json.loads(out) if out else []

    def integrity_check(self) -> str:
        rows = self.sql("PRAGMA integrity_check")
        return "; ".join(str(next(iter(r.values()))) for r in rows)

    def entries(self) -> list[dict]:
        return self.sql(
            "SELECT e.id, e.external_id, e.user_id, e.phone, e.kind, e.amount, e.original_id, "
            "o.external_id AS original_external_id, e.source, e.store_id, e.description, e.created_at "
            "FROM entries e LEFT JOIN entries o ON o.id = e.original_id ORDER BY e.id")

    def accounts(self) -> dict[int, int]:
        return {row["user_id"]: row["balance"] for row in self.sql("SELECT user_id, balance FROM accounts")}

    def differences(self, reference: "LedgerFile", columns: tuple[str, ...]) -> dict[str, int]:
        """Rows of entries (these columns) and of accounts that one file has and the other has not: by SQL,
        so that even a long stress run's ledgers compare in seconds."""
        cols = ", ".join(columns)
        query = (f"ATTACH {sql_text(str(reference.path))} AS ref; "
                 f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM ref.entries EXCEPT SELECT {cols} FROM main.entries)) AS missing, "
                 f"(SELECT count(*) FROM (SELECT {cols} FROM main.entries EXCEPT SELECT {cols} FROM ref.entries)) AS extra, "
                 "(SELECT count(*) FROM (SELECT user_id, balance FROM ref.accounts EXCEPT SELECT user_id, balance FROM main.accounts)) "
                 "+ (SELECT count(*) FROM (SELECT user_id, balance FROM main.accounts EXCEPT SELECT user_id, balance FROM ref.accounts)) AS balances, "
                 "(SELECT count(*) - count(DISTINCT external_id) FROM main.entries) AS doubled, "
                 "(SELECT count(*) FROM main.entries) AS entries")
        return self.sql(query)[-1]

    def count_external_ids(self, external_ids: list[str]) -> int:
        if not external_ids:
            return 0
        rows = self.sql("SELECT count(*) AS n FROM entries WHERE external_id IN (SELECT value FROM json_each("
                        + sql_text(json.dumps(external_ids)) + "))")
        return rows[0]["n"]


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------- the ledger on MariaDB

TABLE_PREFIX = "local_cashback_"
LEDGER_TABLES = ("entries", "accounts", "phones", "sync_log", "stores", "api_keys", "auth_failures", "writer",
                 "commit_tokens", "schema")
APP_USER = "cashback_app"  # the ledger's login (tests/mariadb/server.sh): databases cb_* only, no global privilege
ADMIN_USER = "cashback_test"


def _plain(value: Any) -> Any:
    """A value from the server as sqlite3 -json would give it: text for VARBINARY, int for whole DECIMALs."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="surrogateescape")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


class MariaDB:
    """A MariaDB server of the tests in its own data directory, run by tests/mariadb/server.sh: the shared
    one of tests/run.sh, or a private one on another port for tests that stop, crash or reconfigure it.
    Inspected as the admin user through PyMySQL."""

    def __init__(self, directory: Path, port: int | None = None):
        self.dir = Path(directory).resolve()
        self._port = port

    def __repr__(self) -> str:
        return f"MariaDB({self.dir}, port {self.port})"

    @property
    def port(self) -> int:
        if self._port is None:
            self._port = int((self.dir / "port").read_text().strip())
        return self._port

    @property
    def password(self) -> str:
        return (self.dir / "password").read_text().strip()

    @property
    def admin_url(self) -> str:
        return f"mysql://{ADMIN_USER}:{self.password}@127.0.0.1:{self.port}/"

    @property
    def app_url(self) -> str:
        """The ledger user's URL without a database (append one named cb_*)."""
        return f"mysql://{APP_USER}:{self.password}@127.0.0.1:{self.port}/"

    @property
    def socket(self) -> Path:
        return self.dir / "sock"

    @property
    def datadir(self) -> Path:
        return self.dir / "data"

    def pid(self) -> int | None:
        """The live server process of this directory (a zombie is no server: after a SIGKILL its parent,
        the init of a container, may never reap it), or None."""
        try:
            pid = int((self.dir / "pid").read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return None
        return pid if (comm.startswith("mariadbd") or comm.startswith("mysqld")) and state != "Z" else None

    def running(self) -> bool:
        return self.pid() is not None

    def start(self, timeout: float = 120) -> None:
        if self.running():
            return
        # A pid file left by a killed server would make server.sh take its zombie for a running server.
        (self.dir / "pid").unlink(missing_ok=True)
        if self._port is None:
            raise RuntimeError(f"{self.dir}: no port to start the server on")
        done = subprocess.run(["bash", str(MARIADB_SERVER_SH), "start", str(self.dir), str(self._port)],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"tests/mariadb/server.sh start {self.dir} {self._port} failed: "
                               f"{done.stderr.strip()[-2000:]}")
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.query("SELECT 1 AS ok")
                return
            except Exception as error:  # noqa: BLE001 - any failure to connect: wait
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self} does not answer: {error!r}") from error
                time.sleep(0.1)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM through tests/mariadb/server.sh), waited for."""
        if not self.running():
            (self.dir / "pid").unlink(missing_ok=True)
            return
        done = subprocess.run(["bash", str(MARIADB_SERVER_SH), "stop", str(self.dir)], capture_output=True,
                              text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"tests/mariadb/server.sh stop {self.dir}: {done.stderr.strip()}")

    def kill(self) -> None:
        """A crash: SIGKILL of the server process this directory's pid file names (a server these tests started)."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists():
            try:
                if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            except OSError:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self}: pid {pid} survived SIGKILL")
            time.sleep(0.02)

    def connect(self, database: str | None = None, timeout: float = 60):
        import pymysql  # noqa: PLC0415 - only the MySQL backend needs it (tests/requirements.txt)
        return pymysql.connect(host="127.0.0.1", port=self.port, user=ADMIN_USER, password=self.password,
                               database=database, autocommit=True, connect_timeout=5, read_timeout=timeout,
                               write_timeout=timeout, charset="utf8mb4")

    def query(self, sql: str, args: Any = None, database: str | None = None, timeout: float = 60) -> list[dict]:
        """Runs one statement as the admin user on a fresh connection; rows as dicts (sqlite3 -json's types)."""
        connection = self.connect(database, timeout)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                if cursor.description is None:
                    return []
                names = [column[0] for column in cursor.description]
                return [{name: _plain(value) for name, value in zip(names, row)} for row in cursor.fetchall()]
        finally:
            connection.close()

    def sessions(self, database: str, user: str = APP_USER) -> list[dict]:
        """The server's sessions of `user` on `database`, with their open InnoDB transaction, if any.
        (InnoDB refreshes INNODB_TRX only when nobody read it for 0.1 s: poll it no faster than that, or
        it shows the same old transactions for ever.)"""
        return self.query(
            "SELECT p.ID AS id, p.HOST AS host, p.COMMAND AS command, p.STATE AS state, p.TIME AS seconds, "
            "t.trx_id AS trx, t.trx_rows_modified AS rows_modified FROM information_schema.PROCESSLIST p "
            "LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID "
            "WHERE p.DB = %s AND p.USER = %s", (database, user))


_database_numbers = itertools.count(1)
_database_lock = threading.Lock()
CREATED_DATABASES: list[tuple[MariaDB, str]] = []


def new_database_name() -> str:
    """A database name the ledger user may use (cb_*), unique to this process."""
    with _database_lock:
        return f"cb_rel_{os.getpid()}_{next(_database_numbers)}"


def shared_mariadb() -> MariaDB:
    """The MariaDB server of the MySQL backend's suites (CASHBACK_MARIADB_DIR, started by tests/run.sh)."""
    return MariaDB(MARIADB_DIR)


class MysqlLedger(LedgerFile):
    """A ledger in a database of a MariaDB server, with LedgerFile's methods: set up through the extension
    (a mysql:// URL as the ledger user, as the hosts get it), inspected as the admin user through PyMySQL.
    `path` is the URL (str), so `str(ledger.path)` is what a config or a worker is given."""

    backend = "mysql"

    def __init__(self, server: MariaDB, database: str | None = None, user: str | None = None,
                 prefix: str = TABLE_PREFIX):
        self.server = server
        self.database = database or new_database_name()
        self.prefix = prefix
        super().__init__(server.app_url + self.database, user)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"MysqlLedger({self.database} on {self.server})"

    def create(self, customers: dict[int, str]) -> None:
        """A fresh database, the tables migrated by the extension, customers and STORES as LedgerFile.create."""
        self.create_database()
        self._seed(customers)

    def create_database(self) -> None:
        """The empty database (dropped first if a leftover had the name), dropped again at the session's end."""
        self.server.query(f"DROP DATABASE IF EXISTS `{self.database}`")
        self.server.query(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        with _database_lock:
            CREATED_DATABASES.append((self.server, self.database))

    def drop(self) -> None:
        self.server.query(f"DROP DATABASE IF EXISTS `{self.database}`")

    def table(self, name: str) -> str:
        return self.prefix + name

    def sql(self, query: str, timeout: float = 60) -> list[dict]:
        """One statement (tables named through table()); rows as dicts with sqlite3 -json's types."""
        return self.server.query(query, database=self.database, timeout=timeout)

    def integrity_check(self) -> str:
        """CHECK TABLE of every ledger table: 'ok' when InnoDB finds each one sound."""
        rows = self.sql("CHECK TABLE " + ", ".join(f"`{self.table(t)}`" for t in LEDGER_TABLES))
        bad = [f"{r['Table']}: {r['Msg_type']} {r['Msg_text']}" for r in rows
               if not (r["Msg_type"] == "status" and r["Msg_text"] == "OK")]
        return "; ".join(bad) if bad else "ok"

    def entries(self) -> list[dict]:
        e = self.table("entries")
        return self.sql(
            "SELECT e.id, e.external_id, e.user_id, e.phone, e.kind, e.amount, e.original_id, "
            "o.external_id AS original_external_id, e.source, e.store_id, e.description, e.created_at "
            f"FROM {e} e LEFT JOIN {e} o ON o.id = e.original_id ORDER BY e.id")

    def accounts(self) -> dict[int, int]:
        return {row["user_id"]: row["balance"] for row in self.sql(f"SELECT user_id, balance FROM {self.table('accounts')}")}

    def differences(self, reference: "LedgerFile", columns: tuple[str, ...]) -> dict[str, int]:
        """As LedgerFile.differences: both ledgers are databases of the same server."""
        if not isinstance(reference, MysqlLedger) or reference.server.port != self.server.port:
            raise ValueError("differences() compares two ledgers of one MariaDB server")
        cols = ", ".join(columns)
        mine_e, ref_e = f"`{self.database}`.{self.table('entries')}", f"`{reference.database}`.{reference.table('entries')}"
        mine_a, ref_a = f"`{self.database}`.{self.table('accounts')}", f"`{reference.database}`.{reference.table('accounts')}"
        query = (f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM {ref_e} EXCEPT SELECT {cols} FROM {mine_e}) m) AS missing, "
                 f"(SELECT count(*) FROM (SELECT {cols} FROM {mine_e} EXCEPT SELECT {cols} FROM {ref_e}) x) AS extra, "
                 f"(SELECT count(*) FROM (SELECT user_id, balance FROM {ref_a} EXCEPT SELECT user_id, balance FROM {mine_a}) b1) "
                 f"+ (SELECT count(*) FROM (SELECT user_id, balance FROM {mine_a} EXCEPT SELECT user_id, balance FROM {ref_a}) b2) AS balances, "
                 f"(SELECT count(*) - count(DISTINCT external_id) FROM {mine_e}) AS doubled, "
                 f"(SELECT count(*) FROM {mine_e}) AS entries")
        return self.sql(query)[-1]

    def count_external_ids(self, external_ids: list[str]) -> int:
        if not external_ids:
            return 0
        total = 0
        for start in range(0, len(external_ids), 5000):
            chunk = external_ids[start:start + 5000]
            rows = self.server.query(f"SELECT count(*) AS n FROM {self.table('entries')} WHERE external_id IN "
                                     f"({', '.join(['%s'] * len(chunk))})", [c.encode() for c in chunk],
                                     database=self.database)
            total += rows[0]["n"]
        return total

    def settle(self, seconds: float = 30) -> None:
        """Waits until no session of the ledger user on this database runs a statement or holds an open
        transaction: a killed client's last transaction has then been committed or rolled back by the
        server, so what the tables hold is final. (Idle pooled sessions, e.g. php-fpm workers', stay.)"""
        deadline = time.monotonic() + seconds
        while True:
            time.sleep(0.12)  # INNODB_TRX is a cache, refreshed only after 0.1 s without readers
            busy = [s for s in self.server.sessions(self.database) if s["command"] != "Sleep" or s["trx"] is not None]
            if not busy:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"sessions of {APP_USER} on {self.database} still run a statement or hold an "
                                     f"open transaction {seconds} s on: {busy}")

    def disk_bytes(self) -> int:
        """The database's files in the server's data directory (its tables' .ibd files)."""
        total = 0
        for entry in (self.server.datadir / self.database).iterdir():
            total += entry.stat().st_size
        return total


def ledger_at(path: Path, user: str | None = None, *, server: MariaDB | None = None) -> LedgerFile:
    """The ledger of a test, in the backend under test: the SQLite file at `path`, or (CASHBACK_TEST_BACKEND=mysql,
    or a `server` given) a fresh database on that MariaDB server (the shared one by default); for the latter, the
    file `path` names a note with the database's name, for whoever inspects a kept work directory."""
    if BACKEND != "mysql" and server is None:
        return LedgerFile(path, user)
    ledger = MysqlLedger(server or shared_mariadb(), user=user)
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "mysql-database.txt").write_text(f"{ledger.database} on {ledger.server.dir} "
                                                    f"(port {ledger.server.port})\n")
    return ledger


def drop_created_databases() -> None:
    """Drops the databases this process created (on servers that still run)."""
    with _database_lock:
        created, CREATED_DATABASES[:] = list(CREATED_DATABASES), []
    for server, name in created:
        if server.running():
            try:
                server.query(f"DROP DATABASE IF EXISTS `{name}`")
            except Exception:  # noqa: BLE001 - best effort at the end of a session
                pass


def tcp_ports_to(pid: int, remote_port: int) -> list[int]:
    """The local ports of the TCP connections process `pid` has open to 127.0.0.1:remote_port (how a test
    finds the server session of a given php-fpm worker: PROCESSLIST's HOST is 127.0.0.1:<local port>)."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return []
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == remote_port and state == "01":
                ports.append(int(local.rsplit(":", 1)[1], 16))
    return ports


# --------------------------------------------------------------------------- processes

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Stops a process this module started in its own session (start_new_session=True), with its children."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)
        except ProcessLookupError:
            pass
    # Children that outlive their leader (php -S workers under runuser, FPM children) still hold the
    # database open for a moment: wait until the whole group is gone, killing stragglers.
    deadline = time.monotonic() + grace
    while group_members(process.pid):
        if time.monotonic() > deadline:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            deadline = time.monotonic() + grace
        time.sleep(0.02)


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after "pid (comm)": state ppid pgrp ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may contain spaces, so split after the last ')'.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


# --------------------------------------------------------------------------- HTTP

@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes
    body: Any = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None

    def __repr__(self) -> str:
        return f"<HTTP {self.status} Retry-After={self.header('Retry-After')} {self.raw[:300]!r}>"


class Client:
    """One keep-alive HTTP/1.1 connection (one per thread); JSON in, JSON out (money as Decimal)."""

    def __init__(self, base_url: str, api_key: str | None, timeout: float = 60):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.api_key = api_key
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                raw: bytes | None = None) -> Reply:
        """Raises ConnectionError when the answer is lost (the request may or may not have been processed)."""
        url = path if path.startswith("/") else API + path
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        send = {"Accept": "application/json"}
        if self.api_key:
            send["X-API-Key"] = self.api_key
        if data is not None:
            send["Content-Type"] = "application/json"
        send.update(headers or {})
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.connection.request(method, url, body=data, headers=send)
            response = self.connection.getresponse()
            payload = response.read()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise ConnectionError(f"{method} {url}: {error!r}") from error
        try:
            reply.body = json.loads(payload, parse_float=Decimal) if payload else None
        except ValueError:
            reply.body = None
        return reply

    def get(self, path: str, **query: str) -> Reply:
        return self.request("GET", path + ("?" + urllib.parse.urlencode(query) if query else ""))

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Reply:
        return self.request("POST", path, body=body, headers=headers)


# --------------------------------------------------------------------------- hosts

def write_config(path: Path, values: dict[str, Any]) -> None:
    """A host settings file (keys of php/src/Settings.php)."""
    def literal(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    body = "".join(f"    {literal(k)} => {literal(v)},\n" for k, v in values.items())
    path.write_text(f"<?php\n\n// reliability test host settings\nreturn [\n{body}];\n", encoding="utf-8")
    os.chmod(path, 0o644)


class Host:
    """Common parts of the two hosts."""

    base_url: str
    log_dir: Path
    hook_dir: Path

    def client(self, api_key: str | None, timeout: float = 60) -> Client:
        return Client(self.base_url, api_key, timeout)

    def wait_ready(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        probe = self.client(None, timeout=5)
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                reply = probe.get("health")
                if reply.status in (200, 503) and isinstance(reply.body, dict):
                    probe.close()
                    return
            except ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self} did not answer within {seconds}s:\n{self.logs()[-3000:]}")

    def check_alive(self) -> None:
        raise NotImplementedError

    def php_problems(self) -> list[str]:
        """PHP errors, warnings and stack traces in the host's logs (a fault must never produce one)."""
        problems = []
        for log in sorted(self.log_dir.glob("*.log")):
            for line in log.read_text(errors="replace").splitlines():
                if PHP_PROBLEM.search(line):
                    problems.append(f"{log.name}: {line.strip()[:300]}")
        return problems

    def logs(self) -> str:
        texts = []
        for log in sorted(self.log_dir.glob("*.log")):
            texts.append(f"---- {log.name}\n" + log.read_text(errors="replace")[-4000:])
        return "\n".join(texts)

    def hook_headers(self, token: str, mode: str) -> dict[str, str]:
        """Headers that make tests/reliability/php/hook.php mark (and optionally hold) this request."""
        return {"X-Reliability-Token": token, "X-Reliability-Mode": mode}

    def wait_marker(self, token: str, suffix: str, seconds: float = 30) -> int:
        """Waits for the hook's marker file; returns the worker pid written in it."""
        marker = self.hook_dir / f"{token}.{suffix}"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                text = marker.read_text().strip()
                if text:
                    return int(text)
            except (OSError, ValueError):
                pass
            time.sleep(0.002)
        raise AssertionError(f"no {marker.name} marker within {seconds}s")


class BuiltinHost(Host):
    """PHP's built-in server (php -S) on php/public/index.php, optionally as an unprivileged user."""

    def __init__(self, workdir: Path, config: Path, *, workers: int = 4, user: str | None = None,
                 hook: bool = False):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_dir = workdir / f"builtin-{self.port}"
        self.log_dir.mkdir(parents=True)
        self.hook_dir = self.log_dir / "hook"
        self.hook_dir.mkdir()
        chown_tree(self.log_dir, user)
        env = dict(os.environ, CASHBACK_CONFIG=str(config), RELIABILITY_HOOK_DIR=str(self.hook_dir))
        if workers > 1:
            env["PHP_CLI_SERVER_WORKERS"] = str(workers)
        extra = ["-d", f"auto_prepend_file={PHP_SCRIPTS / 'hook.php'}"] if hook else []
        self._log = open(self.log_dir / "server.log", "wb")
        self.process = subprocess.Popen(
            [*as_user(user), *php_cmd(*extra, "-S", f"127.0.0.1:{self.port}", "php/public/index.php")],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def __repr__(self) -> str:
        return f"php -S {self.base_url}"

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"php -S exited with {self.process.returncode}:\n{self.logs()[-3000:]}")

    def stop(self) -> None:
        stop_group(self.process)
        self._log.close()


class FpmHost(Host):
    """nginx + php-fpm on loopback, from php/server/nginx-site.conf and fpm-pool.conf rendered exactly
    as tests/fpm/run.sh does. Test-only additions to the pool: the request hook (hook=True) and
    overrides of pool settings (pool_overrides, e.g. {"pm.max_children": "8"})."""

    def __init__(self, workdir: Path, config: Path, database: Path, *, hook: bool = False,
                 pool_overrides: dict[str, str] | None = None):
        for tool in (PHP_FPM, NGINX):
            if shutil.which(tool) is None:
                raise FileNotFoundError(f"{tool} is not installed (apt-get install php8.2-fpm nginx-light)")
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.dir = workdir / f"fpm-{self.port}"
        self.log_dir = self.dir / "log"
        self.hook_dir = self.dir / "hook"
        for sub in (self.log_dir, self.hook_dir, self.dir / "nginx", self.dir / "conf.d"):
            sub.mkdir(parents=True)
        os.chmod(self.dir, 0o755)
        self.user = "www-data" if IS_ROOT else pwd.getpwuid(os.geteuid()).pw_name
        chown_tree(self.hook_dir, self.user if IS_ROOT else None)
        # A unix socket path must stay under 108 bytes: keep it short, whatever the work directory.
        self.socket_dir = Path(tempfile.mkdtemp(prefix="cbk-", dir="/tmp"))
        os.chmod(self.socket_dir, 0o755)
        socket_path = self.socket_dir / "fpm.sock"
        replace = {
            "@ROOT@": str(REPO), "@PORT@": f"127.0.0.1:{self.port}", "@SOCKET@": str(socket_path),
            "@CONFIG@": str(config), "@EXTENSION@": str(EXTENSION), "@DATABASE@": str(database),
            "@LOGDIR@": str(self.log_dir), "@USER@": self.user,
        }

        def render(template: Path) -> str:
            text = template.read_text()
            for key, value in replace.items():
                text = text.replace(key, value)
            return text

        site = render(REPO / "php/server/nginx-site.conf")
        pool = render(REPO / "php/server/fpm-pool.conf")
        if not IS_ROOT:
            pool = "\n".join(line for line in pool.splitlines()
                             if not line.split("=")[0].strip() in ("user", "group", "listen.owner", "listen.group"))
        lines = pool.splitlines()
        for key, value in (pool_overrides or {}).items():
            lines = [f"{key} = {value}" if line.split("=")[0].strip() == key else line for line in lines]
        if hook:
            # Test-only: never in the production templates.
            lines.insert(lines.index("[cashback]") + 1,
                         f"php_admin_value[auto_prepend_file] = {PHP_SCRIPTS / 'hook.php'}\n"
                         f"env[RELIABILITY_HOOK_DIR] = {self.hook_dir}")
        (self.dir / "nginx-site.conf").write_text(site)
        (self.dir / "fpm-pool.conf").write_text("\n".join(lines) + "\n")
        (self.dir / "php-fpm.conf").write_text(
            f"[global]\npid = {self.dir}/php-fpm.pid\nerror_log = {self.log_dir}/php-fpm.log\n"
            f"daemonize = no\ninclude = {self.dir}/fpm-pool.conf\n")
        for ini in sorted(Path("/etc/php/8.2/fpm/conf.d").glob("*.ini")):
            if "cashback" not in ini.name:
                (self.dir / "conf.d" / ini.name).symlink_to(ini)
        shutil.copy("/etc/nginx/fastcgi_params", self.dir)
        shutil.copy("/etc/nginx/mime.types", self.dir)
        user_line = "user www-data;" if IS_ROOT else ""
        (self.dir / "nginx.conf").write_text(f"""{user_line}
daemon off;
worker_processes 2;
pid {self.dir}/nginx.pid;
error_log {self.log_dir}/nginx-main-error.log warn;
events {{ worker_connections 512; }}
http {{
    include mime.types;
    default_type application/octet-stream;
    client_body_temp_path {self.dir}/nginx/client_body;
    fastcgi_temp_path {self.dir}/nginx/fastcgi;
    proxy_temp_path {self.dir}/nginx/proxy;
    uwsgi_temp_path {self.dir}/nginx/uwsgi;
    scgi_temp_path {self.dir}/nginx/scgi;
    include {self.dir}/nginx-site.conf;
}}
""")
        fpm_ini = ["-c", "/etc/php/8.2/fpm/php.ini"] if Path("/etc/php/8.2/fpm/php.ini").is_file() else []
        env = dict(os.environ, PHP_INI_SCAN_DIR=str(self.dir / "conf.d"))
        self._fpm_log = open(self.log_dir / "fpm-stdout.log", "wb")
        self._nginx_log = open(self.log_dir / "nginx-stdout.log", "wb")
        self.fpm = subprocess.Popen([PHP_FPM, *fpm_ini, "--fpm-config", str(self.dir / "php-fpm.conf"), "--nodaemonize"],
                                    env=env, stdin=subprocess.DEVNULL, stdout=self._fpm_log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.nginx = None
        try:
            deadline = time.monotonic() + 10
            while not socket_path.exists():
                self.check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"php-fpm did not create its socket:\n{self.logs()[-3000:]}")
                time.sleep(0.05)
            self.nginx = subprocess.Popen(
                [NGINX, "-c", str(self.dir / "nginx.conf"), "-p", f"{self.dir}/", "-e", str(self.log_dir / "nginx-startup.log")],
                stdin=subprocess.DEVNULL, stdout=self._nginx_log, stderr=subprocess.STDOUT, start_new_session=True)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def __repr__(self) -> str:
        return f"nginx+php-fpm {self.base_url}"

    def check_alive(self) -> None:
        for name, process in (("php-fpm", self.fpm), ("nginx", self.nginx)):
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.logs()[-3000:]}")

    def worker_pids(self) -> list[int]:
        return children_of(self.fpm.pid)

    def kill_worker(self, pid: int) -> bool:
        """SIGKILL one of this pool's workers (never anything else); False if it had already gone."""
        if parent_of(pid) != self.fpm.pid:
            return False
        try:
            os.kill(pid, signal.SIGKILL)
            return True
        except ProcessLookupError:
            return False

    def stop(self) -> None:
        if self.nginx is not None:
            stop_group(self.nginx)
        stop_group(self.fpm)
        shutil.rmtree(self.socket_dir, ignore_errors=True)
        self._fpm_log.close()
        self._nginx_log.close()


# --------------------------------------------------------------------------- summary

def section(name: str) -> str:
    """A summary section's name for the backend under test (the MySQL runs' sections end in _mysql)."""
    return f"{name}_mysql" if BACKEND == "mysql" else name


@dataclass
class Summary:
    """Figures of this run, merged into var/reliability-last-run.json at the end of the session."""

    path: Path
    sections: dict[str, Any] = field(default_factory=dict)

    def record(self, section: str, figures: dict[str, Any]) -> None:
        figures = dict(figures, recorded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        self.sections.setdefault(section, {}).update(figures)

    def write(self, meta: dict[str, Any], session_key: str = "last_session") -> None:
        """Merges this session's sections into the file; `meta` goes under `session_key` (the MySQL
        backend's sessions keep theirs apart, so a run of each backend leaves both)."""
        if not self.sections:
            return
        try:
            previous = json.loads(self.path.read_text())
        except (OSError, ValueError):
            previous = {}
        merged = previous.get("sections", {})
        for name, figures in self.sections.items():
            merged[name] = figures
        document = {key: value for key, value in previous.items() if key.startswith("last_session")}
        document.update({session_key: meta, "sections": merged})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
        tmp.replace(self.path)
