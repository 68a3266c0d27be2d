"""Where the test ledgers live: SQLite files (the default) or databases on a
MariaDB server (CASHBACK_TEST_BACKEND=mysql), and the ledger's tables read
and damaged from outside the extension, as an operator's tools would.

Environment:
  CASHBACK_TEST_BACKEND  sqlite (default) or mysql
  CASHBACK_MARIADB_DIR   the test MariaDB server's directory (default var/mariadb-test; tests/run.sh
                         starts it with tests/mariadb/server.sh and exports this)

On MySQL every host gets a database of its own, `cb_e2e_<run>_<n>`, created
with the server's admin account and dropped when the session ends
(drop_everything(), from the conftests' pytest_sessionfinish); the hosts
connect as the ledger's own user (`cashback_app`: databases `cb_*` only, no
global privilege) or as a user made for one host (new_user()).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BACKEND = (os.environ.get("CASHBACK_TEST_BACKEND") or "sqlite").strip().lower()
BACKENDS = ("sqlite", "mysql")
MYSQL = BACKEND == "mysql"
MARIADB_DIR = Path(os.environ.get("CASHBACK_MARIADB_DIR") or REPO / "var" / "mariadb-test")
SERVER_SH = REPO / "tests" / "mariadb" / "server.sh"
TABLE_PREFIX = "local_cashback_"  # the extension's default (crates/cashback-mysql/src/target.rs)
SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"
CLIENT = shutil.which("mariadb") or shutil.which("mysql") or "mariadb"
DUMP = shutil.which("mariadb-dump") or shutil.which("mysqldump") or "mariadb-dump"
# Every table of the MySQL schema (crates/cashback-mysql/migrations/0001_initial.sql), unprefixed.
MYSQL_TABLES = ("entries", "accounts", "phones", "sync_log", "stores", "api_keys", "auth_failures", "writer",
                "commit_tokens", "schema")

_RUN = f"{os.getpid()}{secrets.token_hex(2)}"
_numbers = itertools.count(1)


def is_url(setting: str) -> bool:
    return str(setting).lower().startswith(("mysql://", "mariadb://"))


def backend_problem() -> str | None:
    """Why the configured backend cannot run here, or None."""
    if BACKEND not in BACKENDS:
        return f"CASHBACK_TEST_BACKEND={BACKEND!r}: use one of {', '.join(BACKENDS)}"
    if MYSQL:
        try:
            shared_server()
        except RuntimeError as error:
            return str(error)
    return None


def _unescape(field: str) -> str | None:
    """A field of the client's --batch output (\\0 \\t \\n \\\\ escaped, NULL for null)."""
    if field == "NULL":
        return None
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 1 < len(field):
            out.append({"0": "\0", "t": "\t", "n": "\n", "\\": "\\"}.get(field[i + 1], field[i + 1]))
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Server:
    """A MariaDB server of tests/mariadb/server.sh, reached over TCP with its admin account."""

    directory: Path
    host: str
    port: int
    admin_user: str
    admin_password: str
    app_user: str
    app_password: str

    @classmethod
    def of(cls, directory: Path) -> "Server":
        urls = []
        for command in ("url", "app-url"):
            done = subprocess.run(["bash", str(SERVER_SH), command, str(directory)], capture_output=True, text=True,
                                  timeout=30)
            if done.returncode != 0 or not done.stdout.strip():
                raise RuntimeError(f"no MariaDB server is running in {directory} (start one with "
                                   f"tests/mariadb/server.sh start {directory} 13306, or set CASHBACK_MARIADB_DIR)")
            urls.append(urllib.parse.urlsplit(done.stdout.strip()))
        admin, app = urls
        return cls(directory, admin.hostname, admin.port, urllib.parse.unquote(admin.username),
                   urllib.parse.unquote(admin.password), urllib.parse.unquote(app.username),
                   urllib.parse.unquote(app.password))

    def client(self, database: str | None = None, *options: str) -> tuple[list[str], dict]:
        """The command line and environment of the mariadb client as the admin (password in MYSQL_PWD)."""
        args = [CLIENT, "--no-defaults", "--protocol=tcp", f"--host={self.host}", f"--port={self.port}",
                f"--user={self.admin_user}", "--batch", *options]
        return args + ([database] if database else []), dict(os.environ, MYSQL_PWD=self.admin_password)

    def sql(self, statements: str, database: str | None = None, timeout: float = 60) -> list[dict]:
        """Runs SQL as the admin; the rows of the last statement that returned any."""
        args, env = self.client(database)
        done = subprocess.run(args, input=statements.encode(), capture_output=True, env=env, timeout=timeout)
        assert done.returncode == 0, f"mariadb failed ({done.returncode}): {done.stderr.decode(errors='replace')}"
        lines = done.stdout.decode("utf-8", "replace").split("\n")
        if not lines or not lines[0]:
            return []
        names = lines[0].split("\t")
        return [dict(zip(names, map(_unescape, line.split("\t")))) for line in lines[1:] if line]

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        """A ledger URL for `database`, as the ledger's user unless another is named."""
        user, password = (user, password) if user else (self.app_user, self.app_password)
        quote = lambda text: urllib.parse.quote(text, safe="")  # noqa: E731
        return f"mysql://{quote(user)}:{quote(password)}@{self.host}:{self.port}/{database}"

    def new_database(self, tag: str) -> str:
        """An empty database `cb_e2e_<run>_<n>_<tag>` (dropped at the session's end)."""
        name = f"cb_e2e_{_RUN}_{next(_numbers)}_{tag}"[:64]
        self.sql(f"CREATE DATABASE `{name}`")
        _created.append(lambda: self.sql(f"DROP DATABASE IF EXISTS `{name}`"))
        return name

    def new_user(self, database: str, password: str) -> str:
        """A user that may use `database` only (dropped at the session's end); its name."""
        name = f"cb_e2e_{_RUN}_{next(_numbers)}"[:80]
        self.sql(f"CREATE USER '{name}'@'{self.host}' IDENTIFIED BY '{password}';\n"
                 f"GRANT ALL PRIVILEGES ON `{database}`.* TO '{name}'@'{self.host}'")
        _created.append(lambda: self.sql(f"DROP USER IF EXISTS '{name}'@'{self.host}'"))
        return name


_created: list = []  # what to drop at the session's end (the last made first)
_shared: list[Server] = []
_servers: dict[tuple[str, int], Server] = {}


def shared_server() -> Server:
    """The session's MariaDB server (CASHBACK_MARIADB_DIR)."""
    if not _shared:
        server = Server.of(MARIADB_DIR)
        _shared.append(server)
        _servers[(server.host, server.port)] = server
    return _shared[0]


def drop_everything() -> None:
    """Drops the databases and users this session made (the servers it started stop themselves)."""
    while _created:
        drop = _created.pop()
        try:
            drop()
        except Exception as error:  # noqa: BLE001 - the rest is still dropped; the leftover is named
            print(f"\nbackends.py: could not drop what the session made: {error}", file=sys.stderr)


def leaks_of(password: str | None, text: str) -> list[str]:
    """The forms of a database password (as typed, as percent-encoded in a URL) found in `text`."""
    if not password:
        return []
    return [form for form in {password, urllib.parse.quote(password, safe="")} if form in text]


def new_ledger_setting(sqlite_path: Path, tag: str) -> str | Path:
    """Where a new ledger goes: `sqlite_path` on SQLite, a new empty database on MySQL (a URL)."""
    if not MYSQL:
        return sqlite_path
    server = shared_server()
    return server.url(server.new_database(tag))


class PrivateServer:
    """A MariaDB server of its own (tests/mariadb/server.sh in a temporary directory), for faults that
    would touch every database of a shared server: its global read_only, its files damaged on disk."""

    def __init__(self):
        # Under /tmp, not pytest's tmp_path: the server runs as the mysql user, which cannot enter root's 0700 dirs.
        self.directory = Path(tempfile.mkdtemp(prefix="cb-e2e-mariadb-"))
        with contextlib.closing(socket.socket()) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self._server_sh("start", str(port))
        self.server = Server.of(self.directory)
        _servers[(self.server.host, self.server.port)] = self.server

    def _server_sh(self, *args: str) -> None:
        done = subprocess.run(["bash", str(SERVER_SH), args[0], str(self.directory), *args[1:]],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"server.sh {args[0]} failed: {done.stderr}{done.stdout}"

    def stop_server(self) -> None:
        """Stops the server, keeping its files (nothing of its tables stays cached in memory)."""
        self._server_sh("stop")

    def start_server(self) -> None:
        self._server_sh("start", str(self.server.port))

    def stop(self) -> None:
        """Stops the server and removes its files."""
        self._server_sh("stop")
        _servers.pop((self.server.host, self.server.port), None)
        shutil.rmtree(self.directory, ignore_errors=True)


def tables_of(setting) -> "SqliteTables | MysqlTables":
    """The ledger's tables behind a database setting (a SQLite path or a URL of a known server)."""
    if not is_url(str(setting)):
        return SqliteTables(Path(setting))
    url = urllib.parse.urlsplit(str(setting))
    server = _servers.get((url.hostname, url.port))
    assert server is not None, f"{url.hostname}:{url.port} is not a server of this session"
    prefix = dict(urllib.parse.parse_qsl(url.query)).get("table_prefix", TABLE_PREFIX)
    return MysqlTables(server, url.path.strip("/"), prefix)


class SqliteTables:
    """A SQLite ledger file, with /usr/bin/sqlite3 and Python's sqlite3 module."""

    backend = "sqlite"
    prefix = ""

    def __init__(self, path: Path):
        self.path = path

    def __str__(self) -> str:
        return str(self.path)

    def query(self, sql: str) -> list[dict]:
        """Rows as dicts, read-only (`sqlite3 -readonly`): the file is never written."""
        done = subprocess.run([SQLITE3, "-readonly", "-batch", "-bail", "-json", str(self.path), sql],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"sqlite3 failed ({done.returncode}): {done.stderr}"
        return json.loads(done.stdout) if done.stdout.strip() else []

    def execute(self, sql: str) -> None:
        subprocess.run([SQLITE3, str(self.path), sql], check=True, timeout=10)

    def dump(self, table: str) -> str:
        return subprocess.run([SQLITE3, str(self.path), f".dump {table}"], capture_output=True, text=True,
                              check=True, timeout=30).stdout

    def tables(self) -> set[str]:
        return {row["name"] for row in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def php_count(self, sql: str) -> str:
        """A PHP closure that counts with `sql` from another process (the sqlite3 shell)."""
        return (f"fn () => (int) shell_exec('sqlite3 ' . escapeshellarg({json.dumps(str(self.path))}) . ' '"
                f" . escapeshellarg({json.dumps(sql)}))")

    def write_lock(self) -> "SqliteWriteLock":
        return SqliteWriteLock(self.path)

    def delete_ledger(self) -> None:
        """What an operator does to start afresh: delete the file (and its WAL)."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


class SqliteWriteLock:
    """SQLite's write lock on the ledger, held until released (a long writer elsewhere)."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=5)
        self.connection.execute("BEGIN IMMEDIATE")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.connection.execute("ROLLBACK")
            self.connection.close()
            self.held = False

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.release()


class MysqlTables:
    """A ledger's prefixed tables in a MariaDB database, through the admin account's client."""

    backend = "mysql"

    def __init__(self, server: Server, database: str, prefix: str = TABLE_PREFIX):
        self.server, self.database, self.prefix = server, database, prefix

    def __str__(self) -> str:
        return f"{self.server.host}:{self.server.port}/{self.database} ({self.prefix}*)"

    def query(self, sql: str) -> list[dict]:
        return self.server.sql(sql, self.database)

    def execute(self, sql: str) -> None:
        self.server.sql(sql, self.database)

    def dump(self, table: str) -> str:
        args, env = self.server.client(self.database, "--skip-column-names")
        done = subprocess.run(args, input=f"SELECT * FROM {self.prefix}{table}".encode(), capture_output=True,
                              env=env, timeout=30, check=True)
        return done.stdout.decode("utf-8", "replace")

    def tables(self) -> set[str]:
        """The ledger's table names without the prefix."""
        rows = self.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()")
        return {row["name"][len(self.prefix):] for row in rows if row["name"].startswith(self.prefix)}

    def php_count(self, sql: str) -> str:
        """A PHP closure that counts with `sql` from a connection of its own (mysqli)."""
        server = self.server
        args = ", ".join(json.dumps(v) for v in (server.host, server.admin_user, server.admin_password, self.database))
        return (f"fn () => (int) (new mysqli({args}, {server.port}))"
                f"->query({json.dumps(sql)})->fetch_row()[0]")

    def write_lock(self) -> "MysqlWriteLock":
        return MysqlWriteLock(self)

    def delete_ledger(self) -> None:
        """What an operator does to start afresh: drop the ledger's tables (the database stays: on a
        site's server it holds the site's own tables too)."""
        self.execute("DROP TABLE IF EXISTS " + ", ".join(f"`{self.prefix}{t}`" for t in MYSQL_TABLES))

    def copy_to(self, server: Server, database: str) -> None:
        """Copies the ledger's tables into `database` on `server` (mariadb-dump, one snapshot)."""
        args, env = self.server.client(self.database)
        dump = [DUMP, *args[1:args.index("--batch")], "--single-transaction", "--skip-triggers", self.database,
                *(f"{self.prefix}{t}" for t in MYSQL_TABLES)]
        dumped = subprocess.run(dump, capture_output=True, env=env, timeout=120)
        assert dumped.returncode == 0, f"mariadb-dump failed: {dumped.stderr.decode(errors='replace')}"
        load, load_env = server.client(database)
        loaded = subprocess.run(load, input=dumped.stdout, capture_output=True, env=load_env, timeout=120)
        assert loaded.returncode == 0, f"loading the copy failed: {loaded.stderr.decode(errors='replace')}"

    def data_file(self, table: str) -> Path:
        """The InnoDB file of a table (file-per-table) on a private server."""
        return self.server.directory / "data" / self.database / f"{self.prefix}{table}.ibd"


class MysqlWriteLock:
    """The ledger's writers' lock (the row every write transaction updates first), held by a client
    session until released: a long writer on another web node."""

    def __init__(self, tables: MysqlTables):
        args, env = tables.server.client(tables.database, "--skip-column-names", "--unbuffered")
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=env, text=True)
        self.process.stdin.write(f"START TRANSACTION;\nUPDATE {tables.prefix}writer SET commits = commits + 1"
                                 " WHERE id = 1;\nSELECT 'held';\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "held":
            self.process.kill()
            raise AssertionError(f"could not take the writers' lock: {answer} {self.process.stderr.read()}")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.process.stdin.write("ROLLBACK;\n")
            self.process.stdin.close()
            self.process.wait(timeout=10)
            self.held = False

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.release()


def corrupt_innodb_file(path: Path) -> None:
    """Overwrites every page of an InnoDB file but its three header pages with noise (the server must
    be stopped): each index page then fails its checksum, and the server reports the table corrupted."""
    page = 16 * 1024
    size = path.stat().st_size
    assert size > 3 * page, f"{path} has no index pages ({size} bytes)"
    with open(path, "r+b") as file:
        for offset in range(3 * page, size, page):
            file.seek(offset)
            file.write(os.urandom(page))

