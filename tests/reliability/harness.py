"""Shared machinery of the reliability tests: the extension and PHP CLI, the
ledger file read back with /usr/bin/sqlite3, the two HTTP hosts (PHP's
built-in server and nginx + php-fpm rendered from php/server/), a small
keep-alive HTTP client, and process bookkeeping that only ever signals the
processes these tests started.

Environment:
  CASHBACK_EXTENSION  the extension (default target/release/libcashback.so)
  PHP                 the PHP CLI (default php)
  PHP_FPM, NGINX      php-fpm8.2 and nginx binaries
"""

from __future__ import annotations

import http.client
import json
import os
import pwd
import re
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

    def create(self, customers: dict[int, str]) -> None:
        """Creates (migrates) the file, links each user_id to its phone, verified, and registers
        the workloads' STORES (API writes name registered stores only)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        chown_tree(self.path.parent, self.user)
        self.php(f"foreach ({php_literal({str(k): v for k, v in customers.items()})} as $user => $phone) "
                 "{ $ledger->linkPhone((int) $user, $phone, true); }"
                 f"foreach ({php_literal(STORES)} as $store) {{ $ledger->registerStore($store); }}")

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

@dataclass
class Summary:
    """Figures of this run, merged into var/reliability-last-run.json at the end of the session."""

    path: Path
    sections: dict[str, Any] = field(default_factory=dict)

    def record(self, section: str, figures: dict[str, Any]) -> None:
        figures = dict(figures, recorded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        self.sections.setdefault(section, {}).update(figures)

    def write(self, meta: dict[str, Any]) -> None:
        if not self.sections:
            return
        try:
            previous = json.loads(self.path.read_text())
        except (OSError, ValueError):
            previous = {}
        merged = previous.get("sections", {})
        for name, figures in self.sections.items():
            merged[name] = figures
        document = {"last_session": meta, "sections": merged}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
        tmp.replace(self.path)
