#!/usr/bin/env bash
# The MariaDB section of the benchmarks (section 8 of docs/benchmarks.md), on a
# private server of its own (tests/mariadb/server.sh: data in var/mariadb-bench,
# loopback port 13350), started when it is not running and stopped at the end
# when this run started it.
#
#   bash bench/mariadb.sh [path/to/libcashback.so]    the full section alone: results in
#                                                     target/bench-results/<time>-mariadb/, then the
#                                                     section's markdown on stdout (bench/php/report.php --section mariadb)
#
# bench/run.sh (make bench) and bench/quick.sh (make bench-quick) source this
# file for its functions:
#   mariadb_start                 sets MARIADB_ADMIN and MARIADB_APP (server URLs without a database)
#   mariadb_ledger NAME DIR       a database NAME with the benchmark customers (bench/php/setup.php through
#                                 the extension); with DIR, also DIR/key and DIR/config.php for the HTTP stack
#   mariadb_batch OUT ARGS...     bench/php/mysql_batch_bench.php on a fresh base ledger (ARGS: --size, --rounds, ...)
#   mariadb_section RESULTS WORK  the full section: batch (ext, pure PHP per item and per batch, raw limit),
#                                 then HTTP (SQLite vs MariaDB in the same pool and rounds) into RESULTS
#   mariadb_stop                  drops the databases this run made; stops the server if this run started it
#
# Knobs: BENCH_MARIADB_DIR (var/mariadb-bench), BENCH_MARIADB_PORT (13350),
# BENCH_MARIADB_ROUNDS (3: rounds of the batch; the per-item PHP reference takes
# 20-60 s a round on a 2-CPU host: it commits 7,000 times), BENCH_MARIADB_ENGINES (ext,php,php_tx,raw), and for the full
# section BENCH_BATCH, BENCH_ROUNDS (HTTP rounds) and BENCH_HTTP_SECONDS as in run.sh.

MARIADB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MARIADB_DIR=${BENCH_MARIADB_DIR:-$MARIADB_ROOT/var/mariadb-bench}
MARIADB_PORT=${BENCH_MARIADB_PORT:-13350}
MARIADB_STARTED=
MARIADB_ADMIN=
MARIADB_APP=
# Every database of this run is named cb_<tag>_…, so that mariadb_stop can drop them all (also those made in subshells).
MARIADB_TAG=b$(date +%s | tail -c 7)$$

mariadb_server() { "$MARIADB_ROOT/tests/mariadb/server.sh" "$@"; }

mariadb_start() {
    if MARIADB_ADMIN=$(mariadb_server url "$MARIADB_DIR" 2>/dev/null) && [ -n "$MARIADB_ADMIN" ]; then
        echo "   MariaDB: reusing the server running in $MARIADB_DIR" >&2
        MARIADB_STARTED=
    else
        echo "   MariaDB: starting a private server in $MARIADB_DIR on 127.0.0.1:$MARIADB_PORT ..." >&2
        MARIADB_ADMIN=$(mariadb_server start "$MARIADB_DIR" "$MARIADB_PORT") || return 1
        MARIADB_STARTED=1
    fi
    MARIADB_APP=$(mariadb_server app-url "$MARIADB_DIR")
    php -r 'exit(extension_loaded("pdo_mysql") ? 0 : 1);' || { echo "missing pdo_mysql: apt-get install -y php8.2-mysql" >&2; return 1; }
}

# Drops the databases this run created, then stops the server when this run started it.
mariadb_stop() {
    if [ -n "$MARIADB_ADMIN" ]; then
        php -r 'require $argv[1]; $admin = CashbackBench\Mysql::pdo($argv[2]);
            foreach ($admin->query("SHOW DATABASES LIKE " . $admin->quote("cb\\_" . $argv[3] . "\\_%"))->fetchAll(PDO::FETCH_COLUMN) as $name) {
                CashbackBench\Mysql::dropDatabase($admin, $name);
            }' "$MARIADB_ROOT/bench/php/lib/bootstrap.php" "$MARIADB_ADMIN" "$MARIADB_TAG" 2>/dev/null || true
    fi
    if [ -n "$MARIADB_STARTED" ]; then
        mariadb_server stop "$MARIADB_DIR" || true
        MARIADB_STARTED=
    fi
}

# mariadb_ledger NAME [DIR]: a fresh database with the benchmark customers, made through the extension.
mariadb_ledger() {
    local name=$1 dir=${2:-} url
    php -r 'require $argv[1]; $admin = CashbackBench\Mysql::pdo($argv[2]); CashbackBench\Mysql::dropDatabase($admin, $argv[3]);
        $admin->exec("CREATE DATABASE `" . $argv[3] . "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");' \
        "$MARIADB_ROOT/bench/php/lib/bootstrap.php" "$MARIADB_ADMIN" "$name" || return 1
    url=$(php -r 'require $argv[1]; echo CashbackBench\Mysql::withDatabase($argv[2], $argv[3]);' "$MARIADB_ROOT/bench/php/lib/bootstrap.php" "$MARIADB_APP" "$name")
    if [ -n "$dir" ]; then
        mkdir -p "$dir"
        php -d extension="$CASHBACK_EXTENSION" "$MARIADB_ROOT/bench/php/setup.php" --db "$url" --key-file "$dir/key" --config "$dir/config.php" >/dev/null
    else
        php -d extension="$CASHBACK_EXTENSION" "$MARIADB_ROOT/bench/php/setup.php" --db "$url" >/dev/null
    fi
}

# mariadb_batch OUT ARGS...: the batch comparison on fresh copies of a base ledger made for it.
mariadb_batch() {
    local out=$1
    shift
    mariadb_ledger "cb_${MARIADB_TAG}_base" || return 1
    php "$MARIADB_ROOT/bench/php/mysql_batch_bench.php" --server "$MARIADB_APP" --admin "$MARIADB_ADMIN" --base "cb_${MARIADB_TAG}_base" \
        --tag "${MARIADB_TAG}" --check --out "$out" "$@"
}

# mariadb_section RESULTS WORK: the whole section of make bench (the server must be started).
mariadb_section() {
    local results=$1 work=$2 batch=${BENCH_BATCH:-10000} rounds=${BENCH_ROUNDS:-5} seconds=${BENCH_HTTP_SECONDS:-2}
    local batch_rounds=${BENCH_MARIADB_ROUNDS:-3} engines=${BENCH_MARIADB_ENGINES:-ext,php,php_tx,raw}
    echo "   batch: $batch_rounds rounds of $batch items, engines $engines (the per-item PHP reference commits every item: 20-60 s a round)" >&2
    mariadb_batch "$results/mariadb-batch.json" --size "$batch" --yesterday $((batch / 10)) --rounds "$batch_rounds" --engines "$engines" || return 1
    echo "   HTTP: GET balance and POST on SQLite and on MariaDB, same pool, $rounds rounds of ${seconds}s per load" >&2
    mkdir -p "$work/mariadb-http/sqlite" "$work/mariadb-http/mariadb"
    php -d extension="$CASHBACK_EXTENSION" "$MARIADB_ROOT/bench/php/setup.php" --db "$work/mariadb-http/sqlite/ledger.db" \
        --key-file "$work/mariadb-http/sqlite/key" --config "$work/mariadb-http/sqlite/config.php" >/dev/null || return 1
    mariadb_ledger "cb_${MARIADB_TAG}_http" "$work/mariadb-http/mariadb" || return 1
    [ "$(id -u)" -ne 0 ] || chown -R www-data:www-data "$work/mariadb-http"
    chmod 0755 "$work/mariadb-http"
    stack_start "$work/mariadb-http/sqlite/ledger.db" "$work/mariadb-http/sqlite/config.php" "" "$work/mariadb-http/mariadb/config.php" || return 1
    php "$MARIADB_ROOT/bench/php/http_bench.php" --api "$STACK_BASE" --bare "$STACK_BARE" --key "$(cat "$work/mariadb-http/sqlite/key")" \
        --rounds "$rounds" --duration "$seconds" --endpoints bare,balance,post --single bare,balance,post --fsync-dir "$work/mariadb-http/sqlite" \
        --label sqlite --api2 "$STACK_BASE2" --key2 "$(cat "$work/mariadb-http/mariadb/key")" --label2 mariadb \
        --commit-probe2 "$(php -r 'require $argv[1]; echo CashbackBench\Mysql::withDatabase($argv[2], $argv[3]);' \
            "$MARIADB_ROOT/bench/php/lib/bootstrap.php" "$MARIADB_APP" "cb_${MARIADB_TAG}_http")" \
        --out "$results/mariadb-http.json"
    local status=$?
    stack_stop
    return $status
}

# Run directly: the section alone, then its markdown.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    cd "$MARIADB_ROOT"
    export CASHBACK_EXTENSION=$(realpath "${1:-$MARIADB_ROOT/target/release/libcashback.so}")
    [ -f "$CASHBACK_EXTENSION" ] || { echo "no extension at $CASHBACK_EXTENSION (make build)" >&2; exit 1; }
    for tool in php php-fpm8.2 nginx wrk curl jq; do
        command -v "$tool" >/dev/null || { echo "missing $tool: make deps-test (apt-get install -y php8.2-fpm nginx-light wrk curl jq)" >&2; exit 1; }
    done
    # shellcheck source=bench/http/stack.sh
    source "$MARIADB_ROOT/bench/http/stack.sh"
    started=$(date +%s)
    results=$MARIADB_ROOT/target/bench-results/$(date +%Y%m%d-%H%M%S)-mariadb
    mkdir -p "$results" "$MARIADB_ROOT/target/bench-work"
    chmod 0755 "$MARIADB_ROOT/target/bench-work"
    work=$(mktemp -d "$MARIADB_ROOT/target/bench-work/mariadb.XXXXXX")
    chmod 0755 "$work"
    trap 'status=$?; stack_stop 2>/dev/null || true; mariadb_stop; rm -rf "$work"; exit $status' EXIT
    trap 'exit 130' INT TERM
    mariadb_start
    mariadb_section "$results" "$work"
    jq -n --arg rounds "${BENCH_ROUNDS:-5}" --arg http "${BENCH_HTTP_SECONDS:-2}" --arg batch "${BENCH_BATCH:-10000}" \
        --arg seconds "$(($(date +%s) - started))" --arg date "$(date -Iseconds)" --arg nproc "$(nproc)" \
        '{rounds: $rounds, http_seconds: $http, batch: $batch, total_seconds: $seconds, date: $date, nproc: $nproc}' >"$results/mariadb-settings.json"
    php bench/php/report.php --results "$results" --section mariadb
    echo "results in $results ($(($(date +%s) - started))s)" >&2
fi
