#!/usr/bin/env bash
# `make bench-quick` (under 60 s): smaller versions of the batch comparison
# (extension vs pure PHP) and of the HTTP run (nginx + php-fpm + wrk), printing
# one line per ratio that ends with the figure, e.g.
#
#   batch_vs_pure_php: 1.7x
#
#   bash bench/quick.sh [path/to/libcashback.so]
#
# No Rust build needed: only PHP, the release extension, nginx, php-fpm and wrk.
# Progress goes to stderr; the ratio lines to stdout. Knobs: BENCH_QUICK_BATCH
# (2000 items), BENCH_QUICK_ROUNDS (3), BENCH_QUICK_HTTP_SECONDS (1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXT=$(realpath "${1:-$ROOT/target/release/libcashback.so}")
export CASHBACK_EXTENSION=$EXT
BATCH=${BENCH_QUICK_BATCH:-2000}
ROUNDS=${BENCH_QUICK_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_QUICK_HTTP_SECONDS:-1}

for tool in php php-fpm8.2 nginx wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "missing $tool: make bench-deps" >&2; exit 1; }
done
php -r 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);' || { echo "missing pdo_sqlite: apt-get install -y php8.2-sqlite3" >&2; exit 1; }
[ -f "$EXT" ] || { echo "no extension at $EXT (make build)" >&2; exit 1; }

# shellcheck source=bench/http/stack.sh
source "$ROOT/bench/http/stack.sh"
mkdir -p "$ROOT/target/bench-work"
WORK=$(mktemp -d "$ROOT/target/bench-work/quick.XXXXXX")
chmod 0755 "$WORK" "$ROOT/target/bench-work"
cleanup() { local status=$?; stack_stop 2>/dev/null || true; rm -rf "$WORK"; exit "$status"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== batch: $BATCH items, extension vs pure PHP, $ROUNDS rounds" >&2
php -d extension="$EXT" bench/php/setup.php --db "$WORK/base.db" >/dev/null
php bench/php/batch_bench.php --base "$WORK/base.db" --work "$WORK/batch" --size "$BATCH" \
    --yesterday $((BATCH / 10)) --rounds "$ROUNDS" --engines ext,php --check --out "$WORK/batch.json"

echo "== HTTP: nginx + php-fpm, wrk, $ROUNDS rounds of ${SECONDS_PER_RUN}s per load" >&2
mkdir -p "$WORK/http"
php -d extension="$EXT" bench/php/setup.php --db "$WORK/http/ledger.db" --key-file "$WORK/http/key" --config "$WORK/http/config.php" >/dev/null
[ "$(id -u)" -ne 0 ] || chown -R www-data:www-data "$WORK/http"
stack_start "$WORK/http/ledger.db" "$WORK/http/config.php"
php bench/php/http_bench.php --api "$STACK_BASE" --bare "$STACK_BARE" --key "$(cat "$WORK/http/key")" --rounds "$ROUNDS" \
    --duration "$SECONDS_PER_RUN" --warmup 1 --fsync-dir "$WORK/http" --label quick --out "$WORK/http.json"
stack_stop

# One line per ratio, ending with the figure (3 significant digits).
php -r '
$fmt = static fn (float $v): string => ($v >= 100 ? sprintf("%.0f", $v) : ($v >= 10 ? sprintf("%.1f", $v) : ($v >= 1 ? sprintf("%.2f", $v) : sprintf("%.3g", $v)))) . "x";
$batch = json_decode(file_get_contents($argv[1]), true);
$http = json_decode(file_get_contents($argv[2]), true);
echo "batch_vs_pure_php: ", $fmt($batch["empty"]["median"]["ext_vs_php"]), "\n";
foreach ($http["median"]["ratios"] as $name => $value) {
    if ($name !== "batch_items_per_s") {
        echo "$name: ", $fmt($value), "\n";
    }
}' "$WORK/batch.json" "$WORK/http.json"
