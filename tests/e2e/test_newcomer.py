"""A newcomer's first run: the README's curl examples pasted against a fresh
`make run`, `make run` again after deleting the database, and the API base
typed without an endpoint.

The examples are read from README.md, so this follows the README when it
changes. How the README writes an example (every ```sh block):
  - a command starts with `curl` and continues over lines ending in `\\`;
  - the lines after it, up to the next command, are what it prints (`curl -s`
    prints the body only); `…` inside a JSON string stands for any text
    (times, say);
  - a printed body with an "error" member is an example of a refusal: it must
    answer an error status with that body; any other example must answer 2xx;
  - `cbk_…` is the demo key and 127.0.0.1:8080 the host, both as `make run`
    prints them; the examples run in README order on one fresh demo ledger.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import urllib.parse
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

from backends import MYSQL, new_ledger_setting
from contract import API_BASE, ApiClient
from hosting import EXT_ARGS, EXTENSION, PHP, REPO, Host, Ledger

README = REPO / "README.md"
README_KEY = "cbk_…"
README_BASE = "http://127.0.0.1:8080"
PRINTED_KEY = re.compile(r"X-API-Key: (cbk_[0-9A-Za-z_]+)")


@dataclass
class Example:
    line: int  # in README.md
    command: str
    printed: str | None

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.command[:100]}"


def fenced_blocks(text: str) -> list[tuple[str, int, list[str]]]:
    """(language, line of the block's first line, lines) of every fenced block."""
    blocks, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        if current is None and line.startswith("```"):
            current = (line[3:].strip(), number + 1, [])
        elif current is not None and line == "```":
            blocks.append(current)
            current = None
        elif current is not None:
            current[2].append(line)
    return blocks


def readme_examples(text: str) -> list[Example]:
    examples: list[Example] = []
    for _, first_line, lines in (b for b in fenced_blocks(text) if b[0] == "sh"):
        i = 0
        while i < len(lines):
            if not lines[i].startswith("curl "):
                i += 1
                continue
            start = i
            command = lines[i]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + lines[i]
            i += 1
            printed = []
            while i < len(lines) and not lines[i].startswith("curl "):
                printed.append(lines[i])
                i += 1
            examples.append(Example(first_line + start, command, "\n".join(printed).strip() or None))
    return examples


def raw_requests(text: str) -> list[tuple[int, str, str, str]]:
    """The README's raw HTTP requests (fenced blocks without a language that start with a request line):
    (line, method, path, body)."""
    found = []
    for language, first_line, lines in fenced_blocks(text):
        request_line = re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE) (/\S*)", lines[0]) if lines else None
        if language == "" and request_line:
            body = "\n".join(lines).partition("\n\n")[2]
            found.append((first_line, request_line[1], request_line[2], body))
    return found


def matches(printed, actual) -> bool:
    """Equal JSON, where `…` in a printed string stands for any text."""
    if isinstance(printed, dict):
        return isinstance(actual, dict) and printed.keys() == actual.keys() and all(
            matches(printed[k], actual[k]) for k in printed)
    if isinstance(printed, list):
        return isinstance(actual, list) and len(printed) == len(actual) and all(map(matches, printed, actual))
    if isinstance(printed, str) and "…" in printed:
        pattern = ".*".join(re.escape(part) for part in printed.split("…"))
        return isinstance(actual, str) and re.fullmatch(pattern, actual, re.S) is not None
    if isinstance(printed, bool) or isinstance(actual, bool):
        return printed is actual
    return printed == actual


def setup_demo(vardir: Path, port: int) -> str:
    """What `make run` does before serving: php/bin/setup-demo.php VAR PORT; returns what it printed.
    On MySQL the first run names a new database (the optional DATABASE argument), later runs keep it."""
    if EXT_ARGS and not EXTENSION.is_file():
        pytest.exit(f"the extension is not built: {EXTENSION} (set CASHBACK_EXTENSION)", returncode=4)
    database = [str(new_ledger_setting(vardir / "cashback.db", "newcomer"))] \
        if MYSQL and not (vardir / "config.php").exists() else []
    done = subprocess.run([PHP, *EXT_ARGS, "php/bin/setup-demo.php", str(vardir), str(port), *database],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr + done.stdout
    return done.stdout


def printed_key(output: str) -> str:
    found = PRINTED_KEY.findall(output)
    assert len(found) == 1, f"setup-demo.php printed {len(found)} keys:\n{output}"
    return found[0]


def demo_database(vardir: Path) -> str:
    """The database setting of the demo's config."""
    done = subprocess.run([PHP, "-r", f"echo (require {json.dumps(str(vardir / 'config.php'))})['database'];"],
                          capture_output=True, text=True, check=True, timeout=30)
    return done.stdout


def demo_host(vardir: Path) -> Host:
    # As `make run` serves: php -S on php/public/index.php with the demo's own config, nothing changed.
    return Host(vardir, vardir / "config.php")


@dataclass
class Answer:
    method: str
    url: str
    status: int
    headers: Message
    raw: bytes


def run_curl(command: str, workdir: Path) -> Answer:
    """Runs the command in bash as pasted, with curl told to keep the status, headers and body aside."""
    body, headers = workdir / "body", workdir / "headers"
    body.unlink(missing_ok=True)
    wrapper = (f"curl() {{ command curl --max-time 20 -D {shlex.quote(str(headers))} -o {shlex.quote(str(body))}"
               " -w '%{http_code} %{method} %{url_effective}' \"$@\"; }\n")
    done = subprocess.run(["bash", "-c", wrapper + command], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"{command}\nexit {done.returncode}: {done.stderr}"
    status, method, url = done.stdout.split(" ", 2)
    # The last header block: a POST may first get "100 Continue".
    block = headers.read_text(encoding="latin-1").replace("\r\n", "\n").strip().split("\n\n")[-1]
    return Answer(method, url, int(status), Parser().parsestr(block.partition("\n")[2]), body.read_bytes())


def test_readme_examples_answer_as_printed_on_a_fresh_make_run(tmp_path, contract):
    text = README.read_text(encoding="utf-8")
    examples = readme_examples(text)
    assert examples, "README.md has no curl example"
    vardir = tmp_path / "var"
    # Port 8080 as in the README, so the printed line can be compared; the host itself runs elsewhere.
    output = setup_demo(vardir, 8080)
    key = printed_key(output)
    assert key == (vardir / "demo-api-key").read_text().strip()
    # The README shows the line `make run` prints: it must be one of its examples, byte for byte.
    ready_line = next(line.strip() for line in output.splitlines() if line.strip().startswith("curl "))
    assert ready_line.replace(key, README_KEY) in [e.command for e in examples], \
        f"make run prints a curl line the README does not show:\n{ready_line}"

    host = demo_host(vardir)
    try:
        for example in examples:
            command = example.command.replace(README_KEY, key).replace(README_BASE, host.base_url)
            answer = run_curl(command, tmp_path)
            where = f"{example}\n-> {answer.status} {answer.raw[:500]!r}"
            path = urllib.parse.urlsplit(answer.url).path
            reply = contract.check_response(answer.method, path, answer.status, answer.headers, answer.raw)
            printed = json.loads(example.printed) if example.printed else None
            if isinstance(printed, dict) and "error" in printed:
                assert answer.status >= 400, f"an error example answered {answer.status}: {where}"
            else:
                assert 200 <= answer.status < 300, where
            if printed is not None:
                assert matches(printed, reply.body), f"the README prints {example.printed}\n{where}"
    finally:
        host.stop()
    problems = host.php_problems()
    assert not problems, "PHP problems in the server log:\n" + "\n".join(problems[:20])


def test_readme_raw_requests_have_a_curl_form_that_sends_them():
    """A raw HTTP request in the README (the brief's 1C request) is run through its curl form."""
    text = README.read_text(encoding="utf-8")
    sent = []
    for example in readme_examples(text):
        args = shlex.split(example.command)
        data = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in ("-d", "--data", "--data-binary", "--data-raw")]
        url = next(arg for arg in args if arg.startswith(README_BASE))
        sent.append(("POST" if data else "GET", urllib.parse.urlsplit(url).path, json.loads(data[0]) if data else None))
    for line, method, path, body in raw_requests(text):
        assert (method, path, json.loads(body) if body.strip() else None) in sent, \
            f"README.md:{line}: {method} {path} has no curl example sending the same body"


def test_make_run_after_deleting_the_database_prints_a_key_the_new_database_knows(tmp_path, contract):
    vardir = tmp_path / "var"
    first = printed_key(setup_demo(vardir, 8080))
    # The natural reset: delete the ledger (the file; on MySQL its tables), keep the rest of var/.
    ledger = Ledger(demo_database(vardir))
    assert ledger.tables.tables(), f"no ledger tables in {ledger.tables}"
    ledger.tables.delete_ledger()
    assert (not ledger.tables.tables()) if MYSQL else (not ledger.db.exists()), "the ledger was not deleted"
    key = printed_key(setup_demo(vardir, 8080))
    assert key == (vardir / "demo-api-key").read_text().strip()
    host = demo_host(vardir)
    try:
        reply = ApiClient(host.base_url, contract, key).get("balance", user_phone="79001234567")
        assert (reply.status, reply.body["user_id"], reply.body["balance"]) == (200, 42, 1250.5), reply
        stale = ApiClient(host.base_url, contract, first).get("balance", user_phone="79001234567")
        assert stale.status == 401, stale
    finally:
        host.stop()
    # A database that knows its key keeps it: make run changes nothing that exists.
    assert printed_key(setup_demo(vardir, 8080)) == key


@pytest.mark.parametrize("path", [API_BASE.rstrip("/"), API_BASE])
def test_api_base_itself_lists_the_endpoints(anon, contract, path):
    reply = anon.request("GET", path)
    assert (reply.status, reply.body["error"]) == (404, "not_found"), reply
    listed = reply.body["message"].split(": ", 1)[-1].split(", ")
    documented = [p.removeprefix(API_BASE) for p in contract.doc["paths"]]
    assert sorted(listed) == sorted(documented), reply.body["message"]
