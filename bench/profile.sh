#!/usr/bin/env bash
# Where the time goes, for the targets docs/benchmarks.md reports as missed.
#
#   bash bench/profile.sh [path/to/libcashback.so]
#
# 1. The 10,000-item batch through the extension under `perf record` (DWARF
#    call graphs from .eh_frame: the release build keeps symbols): the share of
#    each stage of CashbackLedger::applyBatch (inclusive).
# 2. The same batch through the pure-PHP reference: its split between PHP and SQLite.
# 3. GET balance and POST transaction under load through nginx + php-fpm: the
#    syscalls of the FPM workers (`perf trace -s`), i.e. how many fsyncs each
#    request costs and how long the workers wait in them.
# Output on stdout; perf data in target/bench-work/profile-*/ (deleted at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXT=$(realpath "${1:-$ROOT/target/release/libcashback.so}")
export CASHBACK_EXTENSION=$EXT
PERF=${PERF:-/usr/bin/perf}
[ -x "$PERF" ] || { echo "perf not found at $PERF" >&2; exit 1; }
mkdir -p "$ROOT/target/bench-work"
chmod 0755 "$ROOT/target/bench-work"
WORK=$(mktemp -d "$ROOT/target/bench-work/profile-XXXXXX")
chmod 0755 "$WORK"
# shellcheck source=bench/http/stack.sh
source "$ROOT/bench/http/stack.sh"
cleanup() { local status=$?; stack_stop 2>/dev/null || true; rm -rf "$WORK"; exit "$status"; }
trap cleanup EXIT

php -d extension="$EXT" bench/php/setup.php --db "$WORK/base.db" >/dev/null

echo "== 1. CashbackLedger::applyBatch, 10,000 items x 10 (inclusive share of the samples in the call)"
"$PERF" record -q -F 999 --call-graph dwarf,16384 --delay 3000 -o "$WORK/ext.data" -- \
    php -d extension="$EXT" bench/php/profile_batch.php --base "$WORK/base.db" --work "$WORK/runs" --runs 10 --pause 3 2>&1 | grep -v '^ready'
"$PERF" report -i "$WORK/ext.data" --children --sort symbol --stdio -g none 2>/dev/null \
    | grep -F '[.]' | grep -E 'CashbackLedger::apply_batch$|Ledger::apply_batch|BatchState::(load|decide|write)|convert::(PhpTx::table|outcome_array)|tx::parse$|sqlite3_step|_int_malloc|_int_free' \
    | awk '{printf "  %7s  %s\n", $1, substr($0, index($0, "[.]") + 4)}' | sed 's/ *- *- *$//' | head -20

echo
echo "== 2. The pure-PHP reference, 10,000 items x 10 (self time by library)"
"$PERF" record -q -F 999 --delay 3000 -o "$WORK/php.data" -- \
    php -d extension="$EXT" bench/php/profile_batch.php --engine php --base "$WORK/base.db" --work "$WORK/runs" --runs 10 --pause 3 2>&1 | grep -v '^ready'
"$PERF" report -i "$WORK/php.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '%' | head -8 | sed 's/^/  /'

echo
echo "== 3. FPM workers under load (wrk, 8 connections, 4 s each): syscalls per request (8 static workers, all traced)"
mkdir -p "$WORK/http"
php -d extension="$EXT" bench/php/setup.php --db "$WORK/http/ledger.db" --key-file "$WORK/http/key" --config "$WORK/http/config.php" >/dev/null
[ "$(id -u)" -ne 0 ] || chown -R www-data:www-data "$WORK/http"
# Static workers, so that every worker that serves the load is traced.
stack_start "$WORK/http/ledger.db" "$WORK/http/config.php" 's/^pm = dynamic/pm = static/'
key=$(cat "$WORK/http/key")
for endpoint in balance post; do
    # Warm up so that every worker exists and has its connection, then trace exactly those workers.
    BENCH_HTTP_DIR=$ROOT/bench/http BENCH_API_KEY=$key wrk -t2 -c8 -d1s -s "bench/http/$endpoint.lua" "$STACK_BASE/local/api/cashback/v1/" >/dev/null
    pids=$(stack_workers | tr ' ' ',' | sed 's/,$//')
    "$PERF" trace -s -p "$pids" -o "$WORK/trace-$endpoint.txt" -- sleep 5 &
    trace=$!
    sleep 0.5
    out=$(BENCH_HTTP_DIR=$ROOT/bench/http BENCH_API_KEY=$key BENCH_RUN_TAG=prof-$RANDOM wrk -t2 -c8 -d4s -s "bench/http/$endpoint.lua" "$STACK_BASE/local/api/cashback/v1/" | grep '^{"requests"')
    wait "$trace" || true
    requests=$(jq -r .requests <<<"$out")
    echo "  $endpoint: $requests requests, $(jq -r '.requests / (.duration_us / 1e6) | floor' <<<"$out") rps, p50 $(jq -r '.p50_us / 1000' <<<"$out") ms"
    # Sum each syscall over the traced workers; one accept() per FastCGI request counts the requests they served.
    awk '
        $2 ~ /^[0-9]+$/ && $1 ~ /^[a-z_0-9]+$/ { calls[$1] += $2; ms[$1] += $4 }
        END {
            n = calls["accept"] > 0 ? calls["accept"] : 1
            printf "    %d requests traced (accept)\n", n
            for (s in calls) if (s != "accept") printf "    %-12s %6.2f per request  %7.3f ms per request\n", s, calls[s] / n, ms[s] / n
        }' "$WORK/trace-$endpoint.txt" | sort -k5 -g -r | head -10
done
stack_stop
