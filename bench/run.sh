#!/usr/bin/env bash
# `make bench`: every benchmark of docs/benchmarks.md, then that file.
#
#   bash bench/run.sh [path/to/libcashback.so]
#
# Phases (progress on stderr, results as JSON in target/bench-results/<time>/):
#   1. machine and versions
#   2. cargo bench --no-run (CARGO_TARGET_DIR=target/bench, so the release
#      extension in target/release is never rebuilt or locked by this)
#   3. core: criterion benches of the Rust core (bench/core.rs)
#   4. storage limit, Rust only: the core against raw rusqlite (bench/storage_limit.rs)
#   5. the ledgers: an empty one, and the generated one (1,000,000 customers,
#      10,000,000 entries; bench/gen_db.rs, kept in target/bench-data and reused) copied
#   6. batch: extension vs pure PHP vs storage limit, same batch, side by side,
#      with the equivalence assertion, on both ledgers in every round (bench/php/batch_bench.php)
#   7. HTTP: nginx + php-fpm from php/server, wrk, both ledgers in every round
#      (bench/php/http_bench.php), then the offline-day catch-up (bench/php/catchup.php)
#   8. memory: FPM worker VmRSS before and after 100,000 requests (bench/php/memory.php)
#   9. MariaDB (bench/mariadb.sh): a private server (tests/mariadb/server.sh, var/mariadb-bench,
#      port 13350; started if not running, stopped at the end if this run started it); the batch
#      through the extension vs the pure-PHP PDO reference (a transaction per item, as the brief)
#      vs the raw limit (bench/php/mysql_batch_bench.php); GET balance and POST on SQLite vs
#      MariaDB in one pool, same rounds, with one INSERT + COMMIT on the server as the POST's budget
#  10. docs/benchmarks.md (bench/php/report.php)
#
# Knobs (environment): BENCH_ROUNDS (5), BENCH_HTTP_SECONDS (2 per wrk run),
# BENCH_BATCH (10000), BENCH_SCALE_CUSTOMERS (1000000), BENCH_SCALE_ENTRIES
# (10000000), BENCH_MEMORY_REQUESTS (100000), BENCH_SKIP (space-separated
# phase names to skip: core storage batch http scale memory mariadb), BENCH_DOC
# (docs/benchmarks.md); bench/mariadb.sh's BENCH_MARIADB_ROUNDS (3),
# BENCH_MARIADB_ENGINES, BENCH_MARIADB_DIR, BENCH_MARIADB_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXT=$(realpath "${1:-$ROOT/target/release/libcashback.so}")
export CASHBACK_EXTENSION=$EXT
ROUNDS=${BENCH_ROUNDS:-5}
HTTP_SECONDS=${BENCH_HTTP_SECONDS:-2}
BATCH=${BENCH_BATCH:-10000}
SCALE_CUSTOMERS=${BENCH_SCALE_CUSTOMERS:-1000000}
SCALE_ENTRIES=${BENCH_SCALE_ENTRIES:-10000000}
MEMORY_REQUESTS=${BENCH_MEMORY_REQUESTS:-100000}
SKIP=" ${BENCH_SKIP:-} "
DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
export CARGO_TARGET_DIR=${BENCH_CARGO_TARGET_DIR:-$ROOT/target/bench}
DATA=$ROOT/target/bench-data
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$ROOT/target/bench-results/$STAMP
WORK=$ROOT/target/bench-work/$STAMP
SHM=
STARTED=$(date +%s)

# shellcheck source=bench/http/stack.sh
source "$ROOT/bench/http/stack.sh"
# shellcheck source=bench/mariadb.sh
source "$ROOT/bench/mariadb.sh"

cleanup() {
    local status=$?
    stack_stop 2>/dev/null || true
    mariadb_stop
    rm -rf "$WORK"
    [ -z "$SHM" ] || rm -rf "$SHM"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

phase_number=0
phase() { phase_number=$((phase_number + 1)); printf '\n== [%d/10] %s (%ds elapsed)\n' "$phase_number" "$*" "$(($(date +%s) - STARTED))" >&2; }
skipped() { [[ "$SKIP" == *" $1 "* ]] && { echo "   skipped (BENCH_SKIP)" >&2; return 0; }; return 1; }
php_ext() { php -d extension="$EXT" "$@"; }
# The pool runs as www-data (as root): it must own the ledger's directory.
give_to_pool() { [ "$(id -u)" -ne 0 ] || chown -R www-data:www-data "$@"; }

for tool in php php-fpm8.2 nginx wrk curl jq cargo; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run make bench-deps (apt-get install -y php8.2-sqlite3 php8.2-fpm nginx-light wrk curl jq)" >&2; exit 1; }
done
php -r 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);' || { echo "missing pdo_sqlite: apt-get install -y php8.2-sqlite3" >&2; exit 1; }
[ -f "$EXT" ] || { echo "no extension at $EXT (make build)" >&2; exit 1; }
mkdir -p "$RESULTS" "$WORK" "$DATA"
chmod 0755 "$WORK" "$ROOT/target/bench-work"

# ---------------------------------------------------------------- 1
phase "machine and versions"
fsync=$(php -r 'require "bench/php/lib/bootstrap.php"; echo json_encode(CashbackBench\Bench::fsyncSeconds($argv[1], 200));' "$WORK")
jq -n \
    --arg nproc "$(nproc)" \
    --arg cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
    --arg kernel "$(uname -sr)" \
    --arg os "$(. /etc/os-release && echo "$PRETTY_NAME")" \
    --arg memory "$(free -h | awk '/^Mem:/ {print $2}')" \
    --arg disk "$(df -h "$ROOT/target" | awk 'NR == 2 {print $1 " (" $2 ", " $5 " used)"}')" \
    --arg php "$(php -r 'echo PHP_VERSION;')" \
    --arg rustc "$(rustc --version)" \
    --arg pdo_sqlite "$(php -r 'echo (new PDO("sqlite::memory:"))->query("select sqlite_version()")->fetchColumn();')" \
    --arg nginx "$(nginx -v 2>&1 | sed 's/^nginx version: //')" \
    --arg wrk "$(wrk --version 2>&1 | head -1 | awk '{print $2}')" \
    --arg extension "$(php_ext -r '$v = CashbackLedger::version(); echo $v["version"], " (", $v["commit"], ")";')" \
    --arg tree "$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes')" \
    --arg date "$(date -Iseconds)" \
    --argjson fsync "$fsync" \
    '{nproc: $nproc, cpu: $cpu, kernel: $kernel, os: $os, memory: $memory, disk: $disk, php: $php, rustc: $rustc,
      pdo_sqlite: $pdo_sqlite, nginx: $nginx, wrk: $wrk, extension: $extension, tree: $tree, date: $date, fsync: $fsync}' \
    >"$RESULTS/machine.json"
jq -c . "$RESULTS/machine.json" >&2

# ---------------------------------------------------------------- 2
phase "build the Rust bench programs (cargo bench --no-run, target dir $CARGO_TARGET_DIR)"
cargo bench --no-run --message-format=json-render-diagnostics 2>"$RESULTS/cargo-build.log" >"$RESULTS/cargo-build.json" \
    || { tail -n 30 "$RESULTS/cargo-build.log" >&2; exit 1; }
bin() { jq -r --arg n "$1" 'select(.reason == "compiler-artifact" and .target.name == $n and .executable != null) | .executable' "$RESULTS/cargo-build.json" | tail -1; }
CORE_BIN=$(bin core)
STORAGE_BIN=$(bin storage_limit)
GEN_BIN=$(bin gen_db)
echo "   $CORE_BIN, $STORAGE_BIN, $GEN_BIN" >&2
"$STORAGE_BIN" versions >"$RESULTS/sqlite.json"

# ---------------------------------------------------------------- 3
phase "core: criterion benches of the Rust core"
if ! skipped core; then
    CRITERION_HOME=$RESULTS/criterion BENCH_CORE_BATCH=$BATCH "$CORE_BIN" --bench 2>&1 | tee "$RESULTS/core.log" | grep -E '^(core/|Benchmarking .*: Analyzing|\s+(time|thrpt):)' >&2 || true
fi

# ---------------------------------------------------------------- 4
phase "storage limit: the ledger core against raw rusqlite, $ROUNDS rounds of $BATCH items"
if ! skipped storage; then
    BENCH_ROUNDS=$ROUNDS BENCH_BATCH=$BATCH "$STORAGE_BIN" --bench | tee "$RESULTS/storage-core.log" >&2
    tail -n 1 "$RESULTS/storage-core.log" >"$RESULTS/storage-core.json"
fi

# ---------------------------------------------------------------- 5
phase "the ledgers: empty, and $SCALE_CUSTOMERS customers with $SCALE_ENTRIES entries"
php_ext bench/php/setup.php --db "$WORK/base.db" >/dev/null
mkdir -p "$WORK/empty" "$WORK/scale"
php_ext bench/php/setup.php --db "$WORK/empty/ledger.db" --key-file "$WORK/empty/key" --config "$WORK/empty/config.php" >/dev/null
SCALE=
if ! skipped scale; then
    pristine=$DATA/scale-$SCALE_CUSTOMERS-$SCALE_ENTRIES.db
    if [ ! -f "$pristine" ] || ! jq -e '.verify_ok == true' "$pristine.meta.json" >/dev/null 2>&1; then
        echo "   generating $pristine (once; kept for later runs) ..." >&2
        "$GEN_BIN" --out "$pristine" --customers "$SCALE_CUSTOMERS" --entries "$SCALE_ENTRIES" >"$RESULTS/scale-generate.json"
    else
        echo "   reusing $pristine (generated $(jq -r '"in \(.generate_seconds | floor)s, verified in \(.verify_seconds | floor)s"' "$pristine.meta.json"))" >&2
    fi
    cp "$pristine.meta.json" "$RESULTS/scale-meta.json"
    # The benchmarks write into a copy, so the pristine file stays as generated and verified.
    echo "   copying $(du -h "$pristine" | cut -f1) to the work directory ..." >&2
    cp "$pristine" "$WORK/scale/ledger.db"
    php_ext bench/php/setup.php --db "$WORK/scale/ledger.db" --key-file "$WORK/scale/key" --config "$WORK/scale/config.php" >/dev/null
    SCALE=$WORK/scale/ledger.db
fi

# ---------------------------------------------------------------- 6
phase "batch: extension vs pure PHP vs storage limit, $ROUNDS rounds of $BATCH items${SCALE:+, empty and 10M ledgers side by side}"
if ! skipped batch; then
    php bench/php/batch_bench.php --base "$WORK/base.db" ${SCALE:+--target "$SCALE"} --work "$WORK/batch" --size "$BATCH" \
        --yesterday $((BATCH / 10)) --rounds "$ROUNDS" --storage "$STORAGE_BIN" --check --out "$RESULTS/batch.json"
    # Fold the benchmark's WAL into the file before the pool (another user) opens it.
    [ -z "$SCALE" ] || php -r '(new PDO("sqlite:" . $argv[1]))->query("PRAGMA wal_checkpoint(TRUNCATE)")->fetchAll();' "$SCALE"
fi

# ---------------------------------------------------------------- 7
phase "HTTP: nginx + php-fpm from php/server, wrk, $ROUNDS rounds of ${HTTP_SECONDS}s per load${SCALE:+, empty and 10M ledgers side by side}"
if ! skipped http; then
    give_to_pool "$WORK/empty" "$WORK/scale"
    stack_start "$WORK/empty/ledger.db" "$WORK/empty/config.php" "" ${SCALE:+"$WORK/scale/config.php"}
    php bench/php/http_bench.php --api "$STACK_BASE" --bare "$STACK_BARE" --key "$(cat "$WORK/empty/key")" --rounds "$ROUNDS" \
        --duration "$HTTP_SECONDS" --fsync-dir "$WORK/empty" --label empty ${SCALE:+--api2 "$STACK_BASE2" --key2 "$(cat "$WORK/scale/key")" --label2 scale} \
        --out "$RESULTS/http.json"
    echo "   offline-day catch-up: 5,000 operations in batches of 100, one after the other (empty ledger)" >&2
    php bench/php/catchup.php --api "$STACK_BASE" --key "$(cat "$WORK/empty/key")" --db "$WORK/empty/ledger.db" \
        --rounds "$ROUNDS" --out "$RESULTS/catchup.json"
    stack_stop
fi
rm -rf "$WORK/scale"

# ---------------------------------------------------------------- 8
phase "memory: FPM worker VmRSS before and after $MEMORY_REQUESTS requests"
if ! skipped memory; then
    # fsync does not change what a worker allocates, so this soak runs on tmpfs to fit the time budget.
    SHM=$(mktemp -d /dev/shm/cashback-bench-memory.XXXXXX)
    chmod 0755 "$SHM"
    php_ext bench/php/setup.php --db "$SHM/ledger.db" --key-file "$SHM/key" --config "$SHM/config.php" >/dev/null
    give_to_pool "$SHM"
    # The production pool recycles workers every 1,000 requests; here two static workers live through the whole run.
    stack_start "$SHM/ledger.db" "$SHM/config.php" 's/^pm = dynamic/pm = static/; s/^pm\.max_children = .*/pm.max_children = 2/; s/^pm\.max_requests = .*/pm.max_requests = 0/'
    php bench/php/memory.php --api "$STACK_BASE" --key "$(cat "$SHM/key")" --fpm-pid "$STACK_FPM_PID" --requests "$MEMORY_REQUESTS" \
        --out "$RESULTS/memory.json"
    stack_stop
    rm -rf "$SHM"
    SHM=
fi

# ---------------------------------------------------------------- 9
phase "MariaDB: batch (extension vs pure PHP vs raw limit), HTTP (SQLite vs MariaDB), POST vs one server commit"
if ! skipped mariadb; then
    mariadb_start
    BENCH_BATCH=$BATCH BENCH_ROUNDS=$ROUNDS BENCH_HTTP_SECONDS=$HTTP_SECONDS mariadb_section "$RESULTS" "$WORK"
    jq -n --arg date "$(date -Iseconds)" --arg nproc "$(nproc)" '{date: $date, nproc: $nproc}' >"$RESULTS/mariadb-settings.json"
    mariadb_stop
fi

# ---------------------------------------------------------------- 10
phase "report"
jq -n --arg rounds "$ROUNDS" --arg http "$HTTP_SECONDS" --arg batch "$BATCH" --arg customers "$SCALE_CUSTOMERS" \
    --arg entries "$SCALE_ENTRIES" --arg memory "$MEMORY_REQUESTS" --arg seconds "$(($(date +%s) - STARTED))" \
    '{rounds: $rounds, http_seconds: $http, batch: $batch, scale_customers: $customers, scale_entries: $entries,
      memory_requests: $memory, total_seconds: $seconds}' >"$RESULTS/settings.json"
ln -sfn "$STAMP" "$ROOT/target/bench-results/latest"
php bench/php/report.php --results "$RESULTS" --out "$DOC"
echo "wrote $DOC (results in $RESULTS, $(($(date +%s) - STARTED))s)" >&2
