#!/usr/bin/env bash
# Smoke test of every bench program at tiny sizes (no timing assertions), for
# `make test`: they build, run, and produce sane output. The valuable part is
# the equivalence: the pure-PHP reference and the extension must give the same
# per-item results and the same final tables on the same batch, and the PHP
# and Rust batch generators must produce the same batch.
#
#   bash bench/smoke.sh [path/to/libcashback.so]
#
# Builds the Rust bench programs in the test profile (cargo test --no-run,
# sharing target/debug with `cargo test`), then runs each for a few seconds.
# The HTTP programs need php-fpm8.2, nginx and wrk; without them those checks
# fail with the install hint. The MariaDB programs use the test suite's server
# when tests/run.sh started one (CASHBACK_MARIADB_DIR), else a private one
# (bench/mariadb.sh: var/mariadb-bench, port 13350, stopped at the end).
# The last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXT=$(realpath "${1:-$ROOT/target/release/libcashback.so}" 2>/dev/null || echo "${1:-$ROOT/target/release/libcashback.so}")
export CASHBACK_EXTENSION=$EXT

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; [ $# -lt 2 ] || printf '%s\n' "${@:2}" | sed 's/^/      /' | head -n 30; }
# check NAME COMMAND...: passes when COMMAND succeeds; shows its output when it fails.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}

mkdir -p "$ROOT/target/bench-work"
chmod 0755 "$ROOT/target/bench-work" 2>/dev/null || true
TMP=$(mktemp -d "$ROOT/target/bench-work/smoke.XXXXXX")
chmod 0755 "$TMP"
# shellcheck source=bench/http/stack.sh
source "$ROOT/bench/http/stack.sh"
if [ -n "${CASHBACK_MARIADB_DIR:-}" ] && "$ROOT/tests/mariadb/server.sh" url "$CASHBACK_MARIADB_DIR" >/dev/null 2>&1; then
    export BENCH_MARIADB_DIR=$CASHBACK_MARIADB_DIR
fi
# shellcheck source=bench/mariadb.sh
source "$ROOT/bench/mariadb.sh"
finish() {
    stack_stop >/dev/null 2>&1 || true
    mariadb_stop >/dev/null 2>&1
    if [ "$failed" -eq 0 ]; then rm -rf "$TMP"; else echo "files kept in $TMP"; fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
trap 'finish; exit $?' EXIT
trap 'exit 130' INT TERM

php_ext() { php -d extension="$EXT" "$@"; }
json_test() { jq -e "$2" "$1" >/dev/null; } # FILE FILTER: FILTER is true on FILE

# ---------------------------------------------------------------- prerequisites
if [ -f "$EXT" ]; then ok "extension at $EXT"; else fail "extension at $EXT" "build it: make build"; exit 1; fi
if php -r 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);'; then ok "pdo_sqlite loaded"; else fail "pdo_sqlite loaded" "apt-get install -y php8.2-sqlite3"; exit 1; fi
check "every bench PHP file passes php -l" bash -c 'for f in bench/php/*.php bench/php/lib/*.php bench/http/*.php; do php -l "$f" >/dev/null || exit 1; done'

# ---------------------------------------------------------------- Rust programs
if cargo test --no-run --bench core --bench storage_limit --bench gen_db --message-format=json-render-diagnostics \
    >"$TMP/cargo.json" 2>"$TMP/cargo.log"; then
    ok "the Rust bench programs build (cargo test --no-run --bench core --bench storage_limit --bench gen_db)"
else
    fail "the Rust bench programs build" "$(tail -n 20 "$TMP/cargo.log")"
fi
bin() { jq -r --arg n "$1" 'select(.reason == "compiler-artifact" and .target.name == $n and .executable != null) | .executable' "$TMP/cargo.json" 2>/dev/null | tail -1; }
CORE_BIN=$(bin core)
STORAGE_BIN=$(bin storage_limit)
GEN_BIN=$(bin gen_db)

# The PHP and Rust generators produce the same batch (so criterion and PHP measure the same thing).
same_batch() {
    "$STORAGE_BIN" emit-batch --prefix smoke --seed 7 --yesterday 100 --today 1000 >"$TMP/batch-rust.json" || return 1
    php -r 'require "bench/php/lib/bootstrap.php";
        $rust = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
        $php = json_decode(json_encode(CashbackBench\Batch::generate("smoke", 7, 100, 1000), JSON_PRESERVE_ZERO_FRACTION), true);
        foreach ([0, 1] as $part) foreach ($php[$part] as $i => $item) if ($rust[$part][$i] !== $item) {
            echo "item $part/$i differs:\n rust ", json_encode($rust[$part][$i]), "\n php  ", json_encode($item), "\n"; exit(1); }
        exit(count($rust[1]) === 1000 ? 0 : 1);' "$TMP/batch-rust.json"
}
check "the Rust and PHP batch generators produce the same 1,100 items" same_batch

core_once() {
    BENCH_CORE_BATCH=200 "$CORE_BIN" >"$TMP/core.log" 2>&1 || { cat "$TMP/core.log"; return 1; }
    [ "$(grep -c '^Success' "$TMP/core.log")" -eq 4 ] || { cat "$TMP/core.log"; return 1; }
}
check "criterion benches run once each in test mode (apply_batch, apply_one, balance_by_phone, normalize_phone)" core_once

storage_once() {
    BENCH_BATCH=300 "$STORAGE_BIN" >"$TMP/storage.log" 2>&1 || { cat "$TMP/storage.log"; return 1; }
    tail -n 1 "$TMP/storage.log" >"$TMP/storage.json"
    json_test "$TMP/storage.json" '.ledger_core_items_per_s > 0 and .storage_items_per_s > 0 and .core_fraction_of_storage > 0' \
        || { cat "$TMP/storage.log"; return 1; }
}
check "storage_limit: the core and the raw writer side by side (300 items)" storage_once

generate_small() {
    BENCH_SCALE_CUSTOMERS=1000 BENCH_SCALE_ENTRIES=6000 "$GEN_BIN" --out "$TMP/scale.db" >"$TMP/scale.json" 2>"$TMP/scale.log" \
        || { tail -n 20 "$TMP/scale.log"; return 1; }
    json_test "$TMP/scale.json" '.verify_ok == true and .entries == 6000 and .customers == 1000' || { cat "$TMP/scale.json"; return 1; }
    grep -q '100%' "$TMP/scale.log" || { echo "no progress output"; return 1; }
}
check "gen_db: 1,000 customers and 6,000 entries, with progress, pass verify()" generate_small

# ---------------------------------------------------------------- PHP programs
phones_agree() {
    php_ext -r 'require "bench/php/lib/bootstrap.php";
        $inputs = ["+7 (900) 123-45-67", "8 900 123 45 67", "89001234567", "9001234567", "7-900-123-45-67", " +7.900.123.45.67 ",
            "79001234567", "8(900)1234567", "007 900 123 45 67", "8\u{a0}900\u{a0}123-45-67", "+375 29 123-45-67", "00375291234567",
            "+7 727 258 4567", "", "   ", "abc", "8900123456a", "+7 900 123 45 6", "+7 900 123 45 678", "12345", "900123456",
            "890012345678", "375291234567", "7+9001234567", "+", "+0123456789", "+1234567", "+1234567890123456", "8;900;1234567"];
        foreach ($inputs as $input) {
            try { $ext = CashbackLedger::normalizePhone($input); } catch (CashbackException $e) { $ext = null; }
            $php = CashbackBench\PureLedger::normalizePhone($input);
            if ($ext !== $php) { echo "phone ", json_encode($input), ": extension ", json_encode($ext), ", reference ", json_encode($php), "\n"; exit(1); }
        }'
}
check "the reference normalizes 29 phone forms exactly as the extension" phones_agree

check "setup.php: a base ledger with the benchmark customers" php_ext bench/php/setup.php --db "$TMP/base.db"

equivalence_empty() {
    php bench/php/batch_bench.php --base "$TMP/base.db" --work "$TMP/batch" --size 800 --yesterday 100 --rounds 2 \
        --storage "$STORAGE_BIN" --check --out "$TMP/batch-empty.json" 2>"$TMP/batch-empty.log" || { cat "$TMP/batch-empty.log"; return 1; }
    json_test "$TMP/batch-empty.json" '.mismatches == 0 and .empty.median.ext_items_per_s > 0 and .empty.median.php_items_per_s > 0
        and .empty.median.storage_items_per_s > 0 and (.empty.mix | length) >= 8' || { cat "$TMP/batch-empty.json"; return 1; }
}
check "batch_bench: extension and pure PHP agree item by item and table by table (2 rounds of 800 items, storage limit too)" equivalence_empty

equivalence_scale() {
    [ -f "$TMP/scale.db" ] || { echo "no generated ledger"; return 1; }
    php_ext bench/php/setup.php --db "$TMP/scale.db" >/dev/null || return 1
    # Fresh copies of the generated ledger for each engine: the full comparison again, on a ledger with history.
    php bench/php/batch_bench.php --base "$TMP/scale.db" --work "$TMP/batch" --size 500 --yesterday 50 \
        --rounds 1 --check --out "$TMP/batch-history.json" 2>"$TMP/batch-history.log" || { cat "$TMP/batch-history.log"; return 1; }
    json_test "$TMP/batch-history.json" '.mismatches == 0 and .empty.median.ext_items_per_s > 0' || { cat "$TMP/batch-history.json"; return 1; }
    # And what make bench runs: fresh copies of the base and the shared generated ledger, side by side.
    php bench/php/batch_bench.php --base "$TMP/base.db" --target "$TMP/scale.db" --work "$TMP/batch" --size 300 --yesterday 30 \
        --rounds 1 --storage "$STORAGE_BIN" --check --out "$TMP/batch.json" 2>"$TMP/batch.log" || { cat "$TMP/batch.log"; return 1; }
    json_test "$TMP/batch.json" '.mismatches == 0 and .scale.median.ext_items_per_s > 0 and .scale.median.php_items_per_s > 0
        and .scale.median.storage_items_per_s > 0 and .scale_slower_by.ext > 0' || { cat "$TMP/batch.json"; return 1; }
}
check "batch_bench on the generated ledger: both agree on fresh copies of it (500 items); the shared mode runs" equivalence_scale

# The comparison itself must catch a difference: tamper with the reference's answer and expect a failure.
comparison_catches() {
    php -r 'require "bench/php/lib/bootstrap.php";
        $a = ["external_id" => "x", "status" => "success", "transaction_id" => 1, "user_id" => 2, "balance" => 1.5, "negative_balance" => false];
        $b = $a; $b["balance"] = 1.0;
        $c = $a; $c["balance"] = 2;
        $d = ["external_id" => "x", "status" => "error", "error" => "validation_failed", "field" => "amount", "message" => "one"];
        $e = $d; $e["message"] = "another wording";
        use CashbackBench\Bench;
        exit(Bench::comparable($a) !== Bench::comparable($b) && Bench::comparable($a) !== Bench::comparable($c)
            && Bench::comparable($d) === Bench::comparable($e) ? 0 : 1);'
}
check "the equivalence comparison sees a changed balance or type, and ignores only messages" comparison_catches

# ---------------------------------------------------------------- MariaDB
MARIADB_READY=
if mariadb_start >"$TMP/mariadb.log" 2>&1; then
    MARIADB_READY=1
    ok "MariaDB server ($(basename "${BENCH_MARIADB_DIR:-var/mariadb-bench}")) and pdo_mysql"
else
    fail "MariaDB server and pdo_mysql" "$(tail -n 20 "$TMP/mariadb.log")"
fi
mariadb_batch_once() {
    mariadb_batch "$TMP/mariadb-batch.json" --size 300 --yesterday 30 --rounds 1 --engines ext,php,php_tx,raw 2>"$TMP/mariadb-batch.log" \
        || { cat "$TMP/mariadb-batch.log"; return 1; }
    json_test "$TMP/mariadb-batch.json" '.mismatches == 0 and .median.ext_items_per_s > 0 and .median.php_items_per_s > 0
        and .median.php_tx_items_per_s > 0 and .median.raw_items_per_s > 0 and .median.commit_ms > 0 and (.mix | length) >= 6' \
        || { cat "$TMP/mariadb-batch.json"; return 1; }
}
[ -z "$MARIADB_READY" ] || check "mysql_batch_bench: extension, pure PHP (per item, per batch) and the raw limit agree on MariaDB (300 items)" mariadb_batch_once

# ---------------------------------------------------------------- HTTP programs
http_ready() { command -v php-fpm8.2 >/dev/null && command -v nginx >/dev/null && command -v wrk >/dev/null; }
if http_ready; then
    mkdir -p "$TMP/http" "$TMP/http2"
    php_ext bench/php/setup.php --db "$TMP/http/ledger.db" --key-file "$TMP/http/key" --config "$TMP/http/config.php" >/dev/null
    # The second ledger is on MariaDB when the server is up (what make bench's MariaDB section runs), else SQLite.
    second=SQLite
    if [ -n "$MARIADB_READY" ] && mariadb_ledger "cb_${MARIADB_TAG}_http" "$TMP/http2" >"$TMP/mariadb-http.log" 2>&1; then
        second=MariaDB
        probe=(--commit-probe2 "$(php -r 'require $argv[1]; echo CashbackBench\Mysql::withDatabase($argv[2], $argv[3]);' \
            bench/php/lib/bootstrap.php "$MARIADB_APP" "cb_${MARIADB_TAG}_http")")
    else
        probe=()
        php_ext bench/php/setup.php --db "$TMP/http2/ledger.db" --key-file "$TMP/http2/key" --config "$TMP/http2/config.php" >/dev/null
    fi
    [ "$(id -u)" -ne 0 ] || chown -R www-data:www-data "$TMP/http" "$TMP/http2"
    if stack_start "$TMP/http/ledger.db" "$TMP/http/config.php" "" "$TMP/http2/config.php" >"$TMP/stack.log" 2>&1; then
        ok "nginx + php-fpm from php/server, with the bare endpoint and a second ledger ($second)"
        http_once() {
            php bench/php/http_bench.php --api "$STACK_BASE" --bare "$STACK_BARE" --key "$(cat "$TMP/http/key")" --rounds 1 --duration 1 \
                --warmup 0 --batch-items 20 --endpoints bare,balance,batch --single bare,post --fsync-dir "$TMP/http" --label smoke \
                --api2 "$STACK_BASE2" --key2 "$(cat "$TMP/http2/key")" --label2 second "${probe[@]}" --out "$TMP/http.json" 2>"$TMP/http.log" \
                || { cat "$TMP/http.log"; return 1; }
            json_test "$TMP/http.json" '([.median.load[], .second.median.load[] | .requests > 0 and .errors == 0] | all and length == 6)
                and .median.single.post.requests > 0 and .median.ratios.balance_rps_vs_bare > 0
                and .median.ratios.post_single_p50_vs_bare_plus_fsync > 0 and .second_worse_by.load.balance.rps > 0
                and .second_vs_first.load.balance.rps > 0' || { cat "$TMP/http.json"; return 1; }
            if [ "$second" = MariaDB ]; then
                json_test "$TMP/http.json" '.second.median.ratios.post_single_p50_vs_bare_plus_commit > 0 and .second.commit.median > 0' \
                    || { cat "$TMP/http.json"; return 1; }
            fi
        }
        check "http_bench: wrk on bare, balance, batch and (one connection) post, SQLite and $second ledgers, no errors (1 s each)" http_once
        check "catchup: 200 operations in batches of 50, all in the ledger" \
            php bench/php/catchup.php --api "$STACK_BASE" --key "$(cat "$TMP/http/key")" --db "$TMP/http/ledger.db" --receipts 200 \
            --batch-size 50 --rounds 1 --out "$TMP/catchup.json"
        memory_once() {
            php bench/php/memory.php --api "$STACK_BASE" --key "$(cat "$TMP/http/key")" --fpm-pid "$STACK_FPM_PID" --requests 300 \
                --warmup 30 --out "$TMP/memory.json" 2>"$TMP/memory.log" || { cat "$TMP/memory.log"; return 1; }
            json_test "$TMP/memory.json" '.served >= 300 and (.workers | length) >= 1 and .workers[0].rss_before_kib > 0' \
                || { cat "$TMP/memory.json"; return 1; }
        }
        check "memory: VmRSS of the FPM workers around 300 requests" memory_once
        stack_stop >/dev/null 2>&1
    else
        fail "nginx + php-fpm from php/server, with the bare endpoint and a second ledger" "$(tail -n 20 "$TMP/stack.log")"
    fi
else
    fail "HTTP bench programs" "need php-fpm8.2, nginx and wrk: apt-get install -y php8.2-fpm nginx-light wrk"
fi

# ---------------------------------------------------------------- report
report_once() {
    mkdir -p "$TMP/results"
    cp "$TMP/batch.json" "$TMP/results/batch.json" 2>/dev/null || cp "$TMP/batch-empty.json" "$TMP/results/batch.json"
    cp "$TMP/http.json" "$TMP/results/http.json" 2>/dev/null || true
    cp "$TMP/catchup.json" "$TMP/results/catchup.json" 2>/dev/null || true
    cp "$TMP/memory.json" "$TMP/results/memory.json" 2>/dev/null || true
    cp "$TMP/scale.json" "$TMP/results/scale-meta.json" 2>/dev/null || true
    cp "$TMP/mariadb-batch.json" "$TMP/results/mariadb-batch.json" 2>/dev/null || true
    [ "${second:-}" != MariaDB ] || cp "$TMP/http.json" "$TMP/results/mariadb-http.json"
    php bench/php/report.php --results "$TMP/results" --out "$TMP/benchmarks.md" || return 1
    grep -q '^## Targets' "$TMP/benchmarks.md" && grep -q '| Batch through the extension vs the pure-PHP reference' "$TMP/benchmarks.md" \
        || { head -n 40 "$TMP/benchmarks.md"; return 1; }
    if [ -f "$TMP/results/mariadb-batch.json" ]; then
        grep -q '^## 8. MariaDB backend' "$TMP/benchmarks.md" && grep -q '| MariaDB: batch through the extension vs the pure-PHP reference' "$TMP/benchmarks.md" \
            || { sed -n '/^## 8/,/^## How/p' "$TMP/benchmarks.md" | head -n 40; return 1; }
    fi
}
check "report.php renders the results into markdown" report_once
