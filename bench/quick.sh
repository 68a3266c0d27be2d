#!/usr/bin/env bash
# `make bench-quick` (about 60-90 s): smaller versions of the batch comparison
# (extension vs pure PHP, on SQLite and on MariaDB) and of the HTTP run (nginx +
# php-fpm + wrk, a SQLite and a MariaDB ledger in the same pool and rounds),
# printing one line per ratio that ends with the figure, e.g.
#
#   batch_vs_pure_php: 1.7x
#   mariadb_batch_vs_pure_php: 30.1x
#
#   bash bench/quick.sh [path/to/libcashback.so]
#
# No Rust build needed: only PHP (pdo_sqlite, pdo_mysql), the release extension,
# nginx, php-fpm, wrk and MariaDB (a private server, bench/mariadb.sh: started
# when not running, stopped at the end if this run started it).
# Progress goes to stderr; the ratio lines to stdout. Knobs: BENCH_QUICK_BATCH
# (2000 items), BENCH_QUICK_MARIADB_BATCH (1000 items: the pure-PHP reference on
# MariaDB commits every item, 2-8 s a round at that size), BENCH_QUICK_ROUNDS (3),
# BENCH_QUICK_HTTP_SECONDS (1), and bench/mariadb.sh's BENCH_MARIADB_DIR / BENCH_MARIADB_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXT=$(realpath "${1:-$ROOT/target/release/libcashback.so}")
export CASHBACK_EXTENSION=$EXT
BATCH=${BENCH_QUICK_BATCH:-2000}
MARIADB_BATCH=${BENCH_QUICK_MARIADB_BATCH:-1000}
ROUNDS=${BENCH_QUICK_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_QUICK_HTTP_SECONDS:-1}

for tool in php php-fpm8.2 nginx wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "missing $tool: make bench-deps" >&2; exit 1; }
done
php -r 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);' || { echo "missing pdo_sqlite: apt-get install -y php8.2-sqlite3" >&2; exit 1; }
[ -f "$EXT" ] || { echo "no extension at $EXT (make build)" >&2; exit 1; }

# shellcheck source=bench/http/stack.sh
source "$ROOT/bench/http/stack.sh"
# shellcheck source=bench/mariadb.sh
source "$ROOT/bench/mariadb.sh"
mkdir -p "$ROOT/target/bench-work"
WORK=$(mktemp -d "$ROOT/target/bench-work/quick.XXXXXX")
chmod 0755 "$WORK" "$ROOT/target/bench-work"
cleanup() { local status=$?; stack_stop 2>/dev/null || true; mariadb_stop; rm -rf "$WORK"; exit "$status"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== batch: $BATCH items, extension vs pure PHP, $ROUNDS rounds" >&2
php -d extension="$EXT" bench/php/setup.php --db "$WORK/base.db" >/dev/null
php bench/php/batch_bench.php --base "$WORK/base.db" --work "$WORK/batch" --size "$BATCH" \
    --yesterday $((BATCH / 10)) --rounds "$ROUNDS" --engines ext,php --check --out "$WORK/batch.json"

echo "== MariaDB" >&2
mariadb_start
echo "== batch on MariaDB: $MARIADB_BATCH items, extension vs pure PHP (a transaction per item, as the brief) vs raw limit, $ROUNDS rounds" >&2
mariadb_batch "$WORK/mariadb-batch.json" --size "$MARIADB_BATCH" --yesterday $((MARIADB_BATCH / 10)) --rounds "$ROUNDS" --engines ext,php,raw

echo "== HTTP: nginx + php-fpm, wrk, $ROUNDS rounds of ${SECONDS_PER_RUN}s per load; a SQLite and a MariaDB ledger in the same rounds" >&2
mkdir -p "$WORK/http"
php -d extension="$EXT" bench/php/setup.php --db "$WORK/http/ledger.db" --key-file "$WORK/http/key" --config "$WORK/http/config.php" >/dev/null
mariadb_ledger "cb_${MARIADB_TAG}_http" "$WORK/mariadb"
[ "$(id -u)" -ne 0 ] || chown -R www-data:www-data "$WORK/http" "$WORK/mariadb"
stack_start "$WORK/http/ledger.db" "$WORK/http/config.php" "" "$WORK/mariadb/config.php"
php bench/php/http_bench.php --api "$STACK_BASE" --bare "$STACK_BARE" --key "$(cat "$WORK/http/key")" --rounds "$ROUNDS" \
    --duration "$SECONDS_PER_RUN" --warmup 1 --fsync-dir "$WORK/http" --label quick \
    --api2 "$STACK_BASE2" --key2 "$(cat "$WORK/mariadb/key")" --label2 mariadb --endpoints2 balance,post --single2 bare,post \
    --commit-probe2 "$(php -r 'require $argv[1]; echo CashbackBench\Mysql::withDatabase($argv[2], $argv[3]);' \
        bench/php/lib/bootstrap.php "$MARIADB_APP" "cb_${MARIADB_TAG}_http")" --out "$WORK/http.json"
stack_stop

# One line per ratio, ending with the figure (3 significant digits).
php -r '
$fmt = static fn (float $v): string => ($v >= 100 ? sprintf("%.0f", $v) : ($v >= 10 ? sprintf("%.1f", $v) : ($v >= 1 ? sprintf("%.2f", $v) : sprintf("%.3g", $v)))) . "x";
$batch = json_decode(file_get_contents($argv[1]), true);
$http = json_decode(file_get_contents($argv[2]), true);
$mariadb = json_decode(file_get_contents($argv[3]), true);
echo "batch_vs_pure_php: ", $fmt($batch["empty"]["median"]["ext_vs_php"]), "\n";
foreach ($http["median"]["ratios"] as $name => $value) {
    if ($name !== "batch_items_per_s") {
        echo "$name: ", $fmt($value), "\n";
    }
}
// MariaDB (goals: batch >= 10x the pure-PHP reference and >= 0.5x the raw limit; balance >= 0.5x SQLite; POST p50 <= 2x).
echo "mariadb_batch_vs_pure_php: ", $fmt($mariadb["median"]["ext_vs_php"]), "\n";
echo "mariadb_batch_fraction_of_raw: ", $fmt($mariadb["median"]["ext_fraction_of_raw"]), "\n";
echo "mariadb_balance_rps_vs_sqlite: ", $fmt($http["second_vs_first"]["load"]["balance"]["rps"]), "\n";
echo "mariadb_post_single_p50_vs_bare_plus_commit: ", $fmt($http["second"]["median"]["ratios"]["post_single_p50_vs_bare_plus_commit"]), "\n";
exit($mariadb["mismatches"] === 0 ? 0 : 1);' "$WORK/batch.json" "$WORK/http.json" "$WORK/mariadb-batch.json"
