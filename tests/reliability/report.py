"""Figures of the last reliability run, as Markdown.

    var/test-venv/bin/python tests/reliability/report.py            # print them
    var/test-venv/bin/python tests/reliability/report.py --write    # refresh docs/reliability.md

Reads var/reliability-last-run.json (written by every run of tests/reliability,
one section per test, merged with earlier runs) and replaces what lies between
the `<!-- reliability-figures:begin -->` and `<!-- reliability-figures:end -->`
markers of docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SUMMARY = REPO / "var" / "reliability-last-run.json"
DOC = REPO / "docs" / "reliability.md"
BEGIN, END = "<!-- reliability-figures:begin -->", "<!-- reliability-figures:end -->"


def n(value) -> str:
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else str(value)


def render(data: dict) -> str:
    meta = data.get("last_session", {})
    s = data.get("sections", {})
    out = [f"Last run: {meta.get('finished_at', '?')}, {meta.get('mode', '?')}, seed {meta.get('seed', '?')}, "
           f"commit {meta.get('commit', '?')}, {meta.get('session_seconds', '?')} s for the session; "
           f"failed tests: {', '.join(meta.get('failed_tests') or []) or 'none'}.", ""]

    out += ["**Concurrency** (audit of every answer against the ledger)", "",
            "| Run | Clients | Seconds | Requests | Operations | Accepted | Duplicates | Refused | Conflicts | "
            "Insufficient | Race ids | Lost | Doubled | Overdrawn | Extra |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, label in (("concurrency_cli", "PHP CLI, extension direct"), ("concurrency_http_fpm", "HTTP, nginx + php-fpm"),
                       ("concurrency_http_builtin", "HTTP, php -S 4 workers")):
        f = s.get(key)
        if not f:
            out.append(f"| {label} | not run | | | | | | | | | | | | | |")
            continue
        st, er = f.get("statuses", {}), f.get("errors", {})
        out.append(f"| {label} | {f['processes']} | {f['seconds']} | {n(f['requests'])} | {n(f['operations'])} | "
                   f"{n(st.get('success', 0))} | {n(st.get('duplicate', 0))} | {n(st.get('error', 0))} | "
                   f"{n(er.get('external_id_conflict', 0))} | {n(er.get('insufficient_balance', 0))} | "
                   f"{n(f.get('race_ids', 0))} | {f['lost']} | {f['doubled']} | {f['overdrawn']} | {f['extra']} |")

    out += ["", "**Crashes** (SIGKILL, then resend; compared entry for entry with a crash-free reference run)", "",
            "| Run | Batches | Items | Kills | Before commit | After commit | Ledger entries | Lost | Extra | Doubled | "
            "Overdrawn | integrity_check | verify() |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, label in (("crashes_cli", "PHP CLI workers, 500-2000 items"), ("crashes_fpm", "php-fpm workers over HTTP, 1500-4000 items")):
        f = s.get(key)
        if not f:
            out.append(f"| {label} | not run | | | | | | | | | | | |")
            continue
        out.append(f"| {label} | {f['batches']} | {n(f['items'])} | {f['kills']} | {f['killed_before_commit']} | "
                   f"{f['killed_after_commit']} | {n(f['ledger_entries'])} | {f['lost']} | {f['extra']} | "
                   f"{f['doubled']} | {f['overdrawn']} | {f['integrity']} | {'ok' if f['verify_ok'] else 'FAILED'} |")
    for key, label in (("crash_after_commit_cli_batch", "killed after applyBatch() returned"),
                       ("crash_after_commit_cli_apply", "killed after apply() returned"),
                       ("crash_after_commit_fpm_batch", "FPM worker killed after the commit (batch)"),
                       ("crash_after_commit_fpm_single", "FPM worker killed after the commit (single)")):
        f = s.get(key)
        if f:
            out.append(f"| {label} | | | {f['crashes']} | | {f['crashes']} | {n(f.get('ledger_entries', '-'))} | "
                       f"{f.get('lost', 0)} | {f.get('extra', 0)} | {f.get('doubled', 0)} | {f.get('overdrawn', 0)} | "
                       f"{f.get('integrity', 'ok')} | {'ok' if f.get('verify_ok', True) else 'FAILED'} |")

    out += ["", "**Faults** (503 + code + Retry-After during the fault, resumption without restart)", "",
            "| Fault | Host | Expected code | API answered | Extension threw | Acknowledged | Lost | Extra | "
            "Resumed after | Broken guarantees |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    faults = sorted(k for k in s if k.startswith("fault_"))
    for key in faults:
        f = s[key]
        name = key[len("fault_"):].rsplit("_", 1)[0].replace("_", " ")
        value = f.get("resumed_after_s")
        resumed = "never" if value is None else value if isinstance(value, str) else f"{value} s"
        api = ", ".join(f.get("api_answers") or []) or "-"
        ext = ", ".join(str(x) for x in f.get("extension_answers") or []) or "-"
        out.append(f"| {name} | {f['host']} | {f['expected_code']} | {api} | {ext} | {f['acknowledged']} | "
                   f"{f['lost']} | {f['extra']} | {resumed} | {f['problems']} |")

    load = [s[k] for k in ("concurrency_cli", "concurrency_http_fpm", "concurrency_http_builtin") if k in s]
    crashes = [s[k] for k in s if k.startswith("crash") and not k.endswith("_mysql")]
    totals = {
        "operations": sum(f["operations"] for f in load) + sum(f.get("items", 0) for f in crashes),
        "processes": sum(f["processes"] for f in load),
        "crashes": sum(f.get("kills", f.get("crashes", 0)) for f in crashes),
        "faults": len(faults),
        "lost": sum(f.get("lost", 0) for f in load + crashes),
        "doubled": sum(f.get("doubled", 0) for f in load + crashes),
        "overdrawn": sum(f.get("overdrawn", 0) for f in load + crashes),
        "fault_lost": sum(s[k].get("lost", 0) for k in faults),
        "fault_broken": sum(1 for k in faults if s[k].get("problems")),
    }
    out[2:2] = [f"**Totals**: {n(totals['operations'])} operations (concurrency runs and crash batches) from "
                f"{totals['processes']} concurrent clients (PHP CLI processes and HTTP connections, 8 per run), "
                f"{totals['crashes']} crashes injected (SIGKILL), "
                f"{totals['faults']} storage faults injected. Under load and crashes: **{totals['lost']} lost, "
                f"{totals['doubled']} doubled, {totals['overdrawn']} overdrawn**. Under faults: {totals['fault_lost']} "
                f"lost, {totals['fault_broken']} of {totals['faults']} fault runs with a broken guarantee "
                "(the open bugs below).", ""]
    out += render_mysql(data)
    return "\n".join(out) + "\n"


def render_mysql(data: dict) -> list[str]:
    """The MySQL backend's runs (CASHBACK_TEST_BACKEND=mysql): the same tests on MariaDB (sections ending in
    _mysql), its own faults (mysqlfault_*) and the two-node web cluster (cluster_*)."""
    s = data.get("sections", {})
    meta = data.get("last_session_mysql")
    if not meta and not any(k.endswith("_mysql") or k.startswith(("mysqlfault_", "cluster_")) for k in s):
        return []
    out = ["", "**On MariaDB** (`CASHBACK_TEST_BACKEND=mysql`)", ""]
    if meta:
        out += [f"Last run: {meta.get('finished_at', '?')}, {meta.get('mode', '?')}, seed {meta.get('seed', '?')}, "
                f"commit {meta.get('commit', '?')}, {meta.get('session_seconds', '?')} s for the session; "
                f"failed tests: {', '.join(meta.get('failed_tests') or []) or 'none'}.", ""]
    load_keys = (("concurrency_cli_mysql", "PHP CLI, extension direct"), ("concurrency_http_fpm_mysql", "HTTP, nginx + php-fpm"),
                 ("concurrency_http_builtin_mysql", "HTTP, php -S 4 workers"),
                 ("cluster_concurrency", "HTTP, 2 web nodes (nginx + php-fpm each), one database"),
                 ("cluster_kills_under_load", "HTTP, 2 web nodes, php-fpm workers SIGKILLed under load"),
                 ("mysqlfault_server_shutdown_mid_load_fpm", "HTTP, nginx + php-fpm, server shut down mid-load"),
                 ("mysqlfault_server_crash_mid_load_fpm", "HTTP, nginx + php-fpm, server SIGKILLed mid-load"))
    out += ["| Run | Clients | Seconds | Requests | Retries | Operations | Accepted | Duplicates | Refused | "
            "Insufficient | Unanswered | Kills / outages | Lost | Doubled | Overdrawn | Extra |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, label in load_keys:
        f = s.get(key)
        if not f:
            continue
        st, er = f.get("statuses", {}), f.get("errors", {})
        events = f.get("kills", f.get("outages", "-"))
        out.append(f"| {label} | {f['processes']} | {f['seconds']} | {n(f['requests'])} | {n(f.get('retries', 0))} | "
                   f"{n(f['operations'])} | {n(st.get('success', 0))} | {n(st.get('duplicate', 0))} | "
                   f"{n(st.get('error', 0))} | {n(er.get('insufficient_balance', 0))} | {n(st.get('unknown', 0))} | "
                   f"{events} | {f['lost']} | {f['doubled']} | {f['overdrawn']} | {f['extra']} |")
    out += ["", "| Crash run | Batches | Items | Kills | Before commit | After commit | Ledger entries | Lost | Extra | "
            "Doubled | Overdrawn | CHECK TABLE | verify() |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    crash_keys = (("crashes_cli_mysql", "PHP CLI workers, 500-2000 items"),
                  ("crashes_fpm_mysql", "php-fpm workers over HTTP, 1500-4000 items"),
                  ("cluster_crashes_fpm", "2 web nodes: killed on one node, resent through the other"),
                  ("mysqlfault_connection_killed_mid_batch_fpm", "server session KILLed mid-batch (800-2000 items)"))
    for key, label in crash_keys:
        f = s.get(key)
        if f:
            kills = f.get("kills", 0)
            before = f.get("killed_before_commit", f.get("killed_in_a_statement", ""))
            out.append(f"| {label} | {f['batches']} | {n(f['items'])} | {kills} | {before} | "
                       f"{f.get('killed_after_commit', f.get('committed_before_503', ''))} | {n(f['ledger_entries'])} | "
                       f"{f['lost']} | {f['extra']} | {f['doubled']} | {f['overdrawn']} | {f['integrity']} | "
                       f"{'ok' if f['verify_ok'] else 'FAILED'} |")
    for key, label in (("crash_after_commit_cli_batch_mysql", "killed after applyBatch() returned"),
                       ("crash_after_commit_cli_apply_mysql", "killed after apply() returned"),
                       ("crash_after_commit_fpm_batch_mysql", "FPM worker killed after the commit (batch)"),
                       ("crash_after_commit_fpm_single_mysql", "FPM worker killed after the commit (single)"),
                       ("cluster_crash_after_commit_batch", "2 web nodes: killed after the commit, resent elsewhere (batch)"),
                       ("cluster_crash_after_commit_single", "2 web nodes: killed after the commit, resent elsewhere (single)")):
        f = s.get(key)
        if f:
            out.append(f"| {label} | | | {f['crashes']} | | {f['crashes']} | {n(f.get('ledger_entries', '-'))} | "
                       f"{f.get('lost', 0)} | {f.get('extra', 0)} | {f.get('doubled', 0)} | {f.get('overdrawn', 0)} | "
                       f"{f.get('integrity', 'ok')} | {'ok' if f.get('verify_ok', True) else 'FAILED'} |")
    faults = sorted(k for k in s if k.startswith("mysqlfault_") and "mid_load" not in k and "mid_batch" not in k)
    if faults:
        out += ["", "| MySQL fault | Host | Expected code | API answered | Extension threw | Acknowledged | Lost | Extra | "
                "Resumed after | Broken guarantees |", "|---|---|---|---|---|---|---|---|---|---|"]
    for key in faults:
        f = s[key]
        name = key[len("mysqlfault_"):].rsplit("_", 1)[0].replace("_", " ")
        value = f.get("resumed_after_s")
        resumed = "never" if value is None else value if isinstance(value, str) else f"{value} s"
        api = ", ".join(str(x) for x in f.get("api_answers") or []) or "-"
        ext = ", ".join(str(x) for x in f.get("extension_answers") or []) or "-"
        out.append(f"| {name} | {f['host']} | {f['expected_code']} | {api} | {ext} | {f['acknowledged']} | "
                   f"{f['lost']} | {f['extra']} | {resumed} | {f['problems']} |")
    flood = s.get("refusal_flood_mysql")
    if flood:
        out += ["", f"Refusal flood on MariaDB: {n(flood['flood_requests'])} bad-key requests in {flood['flood_seconds']} s, "
                f"tables grew {n(flood['growth_bytes'])} bytes, {n(flood['refusals_logged'])} refusals in "
                f"{flood['refusal_rows']} rows, valid key {flood['store_ok']}/{flood['store_requests']} x 200 "
                f"(p50 {flood['store_p50_ms']} ms)."]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="replace the figures block of docs/reliability.md")
    parser.add_argument("--summary", type=Path, default=SUMMARY)
    args = parser.parse_args()
    try:
        data = json.loads(args.summary.read_text())
    except OSError as error:
        print(f"no figures yet ({error}); run the tests first", file=sys.stderr)
        return 1
    text = render(data)
    if not args.write:
        print(text)
        return 0
    doc = DOC.read_text()
    if BEGIN not in doc or END not in doc:
        print(f"{DOC} has no {BEGIN} ... {END} block", file=sys.stderr)
        return 1
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{text}{END}{tail}")
    print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
