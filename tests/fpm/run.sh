#!/usr/bin/env bash
# End-to-end test of the production configs php/server/nginx-site.conf and
# php/server/fpm-pool.conf: renders both into a temp dir exactly as an operator
# would (placeholders replaced, nothing else changed), runs real nginx and
# php-fpm8.2 on loopback with a demo ledger, and talks to them with curl.
#
#   bash tests/fpm/run.sh [path/to/libcashback.so]
#
# Needs php8.2-cli, php8.2-fpm, nginx (or nginx-light), curl, jq. As root the
# pool runs as www-data (so file permissions apply to it, as in production);
# as another user the pool's user/owner lines are dropped. Loopback only,
# about 10 seconds. The last line is "N passed, M failed"; the exit status is
# non-zero on any failure. nginx and php-fpm are always stopped on exit.
set -euo pipefail
set -E # the ERR trap below also sees failures inside functions

cd "$(dirname "$0")/../.."
ROOT=$PWD
EXT=$(realpath "${1:-$ROOT/target/release/libcashback.so}")
FPM_BIN=${PHP_FPM:-php-fpm8.2}
NGINX_BIN=${NGINX:-nginx}
API=/local/api/cashback/v1

passed=0
failed=0
fpm_pid=
nginx_pid=
aborted=

ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; [ $# -lt 2 ] || printf '      %s\n' "${@:2}"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name" "last response: HTTP $code $(head -c 400 "$TMP/body" 2>/dev/null | tr '\n' ' ')"; fi; }
not() { ! "$@"; }
code=-

for tool in php "$FPM_BIN" "$NGINX_BIN" curl jq; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y php8.2-fpm nginx-light curl jq)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -f "$EXT" ] || { echo "no extension at $EXT"; echo "0 passed, 1 failed"; exit 1; }

TMP=$(mktemp -d /tmp/cashback-fpm.XXXXXX)
# The pool user must reach the socket, the ledger and the config in here.
chmod 0755 "$TMP"
mkdir -p "$TMP/log" "$TMP/nginx" "$TMP/burst/code" "$TMP/burst/body" "$TMP/conf.d"
VAR=$TMP/var
SOCKET=$TMP/cashback.sock

stop_process() { # pid: TERM, then KILL after 5 s; only the processes this script started
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

finish() {
    local status=$?
    trap - EXIT ERR
    set +e
    stop_process "$nginx_pid"
    stop_process "$fpm_pid"
    if [ -n "$aborted" ]; then
        fail "script aborted at $aborted"
    elif [ "$status" -ne 0 ]; then
        fail "script aborted with exit status $status"
    fi
    if [ "$failed" -ne 0 ]; then
        for log in "$TMP"/log/*; do
            [ -s "$log" ] || continue
            echo "---- tail of $log"
            tail -n 15 "$log"
        done
        echo "---- files kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    echo "$passed passed, $failed failed"
    # An EXIT trap's last status is not the script's: exit explicitly.
    [ "$failed" -eq 0 ] && exit 0 || exit 1
}
trap finish EXIT
trap 'exit 130' INT TERM # so that finish runs on Ctrl+C too
trap 'aborted="line $LINENO: $BASH_COMMAND"' ERR

free_port() {
    php -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo parse_url("tcp://" . stream_socket_get_name($s, false), PHP_URL_PORT);'
}
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT

# ---------------------------------------------------------------- demo ledger
php -n -d extension="$EXT" php/bin/setup-demo.php "$VAR" "$PORT" >/dev/null
KEY=$(cat "$VAR/demo-api-key")
DB=$VAR/cashback.db
CONFIG=$VAR/config.php
cp "$CONFIG" "$TMP/config.orig.php"

if [ "$(id -u)" -eq 0 ]; then
    POOL_USER=www-data
    chown -R "$POOL_USER:$POOL_USER" "$VAR"
    as_pool() { runuser -u "$POOL_USER" -- "$@"; }
else
    POOL_USER=$(id -un)
    as_pool() { "$@"; }
fi

# ---------------------------------------------------------------- render
render() { # template output
    sed -e "s|@ROOT@|$ROOT|g" -e "s|@PORT@|127.0.0.1:$PORT|g" -e "s|@SOCKET@|$SOCKET|g" \
        -e "s|@CONFIG@|$CONFIG|g" -e "s|@EXTENSION@|$EXT|g" -e "s|@DATABASE@|$DB|g" \
        -e "s|@LOGDIR@|$TMP/log|g" -e "s|@USER@|$POOL_USER|g" "$1" >"$2"
}
render php/server/nginx-site.conf "$TMP/nginx-site.conf"
render php/server/fpm-pool.conf "$TMP/fpm-pool.conf"
if [ "$(id -u)" -ne 0 ]; then
    # Not root: FPM cannot switch user or chown the socket.
    sed -i -E '/^(user|group|listen\.owner|listen\.group) *=/d' "$TMP/fpm-pool.conf"
fi
leftover=$(grep -ho '@[A-Z_]*@' "$TMP/nginx-site.conf" "$TMP/fpm-pool.conf" | sort -u | tr '\n' ' ' || true)
check "templates render with no placeholder left ($leftover)" test -z "$leftover"

cat >"$TMP/php-fpm.conf" <<EOF
[global]
pid = $TMP/php-fpm.pid
error_log = $TMP/log/php-fpm.log
daemonize = no
include = $TMP/fpm-pool.conf
EOF

# Debian's FPM php.ini and conf.d, minus a cashback ini from `make install`, so
# the extension under test is loaded once, by the pool's php_admin_value.
fpm_ini=()
[ ! -f /etc/php/8.2/fpm/php.ini ] || fpm_ini=(-c /etc/php/8.2/fpm/php.ini)
for ini in /etc/php/8.2/fpm/conf.d/*.ini; do
    [ -e "$ini" ] || continue
    case $ini in *cashback*) continue ;; esac
    ln -s "$ini" "$TMP/conf.d/"
done

nginx_user=
[ "$(id -u)" -eq 0 ] && nginx_user="user www-data;"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$TMP/"
cat >"$TMP/nginx.conf" <<EOF
$nginx_user
daemon off;
worker_processes 2;
pid $TMP/nginx.pid;
error_log $TMP/log/nginx-main-error.log warn;
events { worker_connections 256; }
http {
    include mime.types;
    default_type application/octet-stream;
    client_body_temp_path $TMP/nginx/client_body;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    proxy_temp_path $TMP/nginx/proxy;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    include $TMP/nginx-site.conf;
}
EOF
ngx_args=(-c "$TMP/nginx.conf" -p "$TMP/" -e "$TMP/log/nginx-startup.log")

if PHP_INI_SCAN_DIR=$TMP/conf.d "$FPM_BIN" "${fpm_ini[@]}" --fpm-config "$TMP/php-fpm.conf" -t >"$TMP/log/fpm-test.out" 2>&1; then ok "php-fpm -t accepts the rendered pool"; else fail "php-fpm -t accepts the rendered pool" "$(tail -n 5 "$TMP/log/fpm-test.out")"; fi
if "$NGINX_BIN" "${ngx_args[@]}" -t -q >"$TMP/log/nginx-test.out" 2>&1; then ok "nginx -t accepts the rendered site"; else fail "nginx -t accepts the rendered site" "$(tail -n 5 "$TMP/log/nginx-test.out")"; fi

# ---------------------------------------------------------------- start
# Simple commands, so $! is php-fpm's and nginx's own pid (the masters).
PHP_INI_SCAN_DIR=$TMP/conf.d "$FPM_BIN" "${fpm_ini[@]}" --fpm-config "$TMP/php-fpm.conf" --nodaemonize >"$TMP/log/fpm-stdout.log" 2>&1 &
fpm_pid=$!
for _ in $(seq 100); do [ -S "$SOCKET" ] && break; sleep 0.1; done
"$NGINX_BIN" "${ngx_args[@]}" >"$TMP/log/nginx-stdout.log" 2>&1 &
nginx_pid=$!

code=000
# request METHOD PATH [curl args]: sets $code; body in $TMP/body, headers in $TMP/headers.
request() {
    local method=$1 path=$2
    shift 2
    code=$(curl -sS --max-time 30 -X "$method" -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@" "$BASE$path" 2>"$TMP/curl.err") || code=000
}
# raw_request BYTES: sends BYTES (a printf format) as they are, for requests
# curl will not make; sets $code, $TMP/headers and $TMP/body as request does.
raw_request() {
    code=$(printf "$1" | php -n -r '
        $socket = stream_socket_client("tcp://127.0.0.1:" . $argv[1], $errno, $error, 5) or exit(1);
        stream_set_timeout($socket, 10);
        fwrite($socket, stream_get_contents(STDIN));
        [$head, $body] = explode("\r\n\r\n", stream_get_contents($socket), 2) + ["", ""];
        file_put_contents($argv[2], $head . "\r\n");
        file_put_contents($argv[3], $body);
        echo explode(" ", $head)[1] ?? "000";' "$PORT" "$TMP/headers" "$TMP/body") || code=000
}
header() { grep -i "^$1:" "$TMP/headers" | head -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
json() { jq -r "$1" "$TMP/body" 2>/dev/null; }
# json_error STATUS CODE: the answer is that API error, with the API's
# Content-Type (nginx's own answers must look like PHP's).
json_error() { test "$code:$(json .error):$(header Content-Type)" = "$1:$2:application/json; charset=utf-8"; }

wait_ready() { # until health answers 200 (10 s)
    local i
    for i in $(seq 100); do
        request GET "$API/health"
        [ "$code" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}
status_page() { curl -sS --max-time 5 "$BASE/fpm-status?json&full" 2>/dev/null || true; }
worker_pids() { { status_page | jq -r '.processes[].pid' | sort -n | tr '\n' ' '; } 2>/dev/null || true; }
reload_fpm() { # graceful reload (what an operator does after editing the config); waits for new workers
    local before i now
    before=$(worker_pids)
    kill -USR2 "$fpm_pid"
    for i in $(seq 100); do
        sleep 0.1
        now=$(worker_pids)
        [ -n "$now" ] || continue
        # Ready when none of the old workers is left.
        comm -12 <(tr ' ' '\n' <<<"$before" | sed '/^$/d') <(tr ' ' '\n' <<<"$now" | sed '/^$/d') | grep -q . || return 0
    done
    return 1
}

check "nginx and php-fpm come up (health 200 within 10 s)" wait_ready

# ---------------------------------------------------------------- basics
request GET "$API/health"
check "GET health: 200" test "$code" = 200
check "GET health: JSON with status ok" test "$(json .status)" = ok
check "GET health: Content-Type application/json" grep -qi '^content-type: application/json' "$TMP/headers"
check "no nginx version in Server header ($(header Server))" test "$(header Server)" = nginx
check "no X-Powered-By header" not grep -qi '^x-powered-by' "$TMP/headers"

request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "GET balance with the demo key: 200" test "$code" = 200
check "GET balance: 1250.5 for user 42" grep -q '"user_id":42,.*"balance":1250.5[,}]' "$TMP/body"

request GET "$API/balance?user_phone=79001234567"
check "GET balance without a key: 401 unauthorized" test "$code:$(json .error)" = 401:unauthorized
request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: wrong-$KEY"
check "GET balance with a wrong key: 401" test "$code" = 401

# 1C's ЗаписатьJSON writes a BOM; 1C dates have no offset (read in Europe/Moscow).
printf '\xEF\xBB\xBF{"external_id":"FPM_0001","type":"accrual","amount":10,"user_phone":"8 (900) 123-45-67","store_id":"store-1","created_at":"2026-11-28T09:30:00","description":"nginx + fpm"}' >"$TMP/tx.json"
request POST "$API/transactions" -H "X-API-Key: $KEY" -H 'Content-Type: application/json; charset=utf-8' --data-binary "@$TMP/tx.json"
check "POST transaction (BOM, offset-less date): 200 ok" test "$code:$(json .status)" = 200:ok
[ "$code:$(json .status)" = 200:ok ] && credited=1000 || credited=0
check "POST transaction: balance 1260.5" test "$(json .balance)" = 1260.5
first_id=$(json .transaction_id)
request POST "$API/transactions" -H "X-API-Key: $KEY" -H 'Content-Type: application/json; charset=utf-8' --data-binary "@$TMP/tx.json"
check "resend: 200 already_exists with the same transaction_id" test "$code:$(json .status):$(json .transaction_id)" = "200:already_exists:$first_id"
request GET "$API/transactions?user_phone=79001234567&limit=5" -H "X-API-Key: $KEY"
check "history: the offset-less 09:30 was read as Moscow time ($(json '.items[]? | select(.external_id == "FPM_0001") | .created_at'))" \
    test "$(json '.items[]? | select(.external_id == "FPM_0001") | .created_at')" = "2026-11-28T09:30:00+03:00"

# ---------------------------------------------------------------- routing
request GET /index.php
check "GET /index.php: 404 not_found JSON from nginx, PHP not run ($(header Content-Type))" json_error 404 not_found
request GET /.nginx-errors/bad_request
check "GET of nginx's error page location itself: 404 not_found JSON" json_error 404 not_found
# The base itself, with or without its slash, answers as on php -S (tests/e2e/test_newcomer.py).
for base in "$API" "$API/"; do
    request GET "$base"
    check "GET $base: 404 not_found JSON from PHP naming the endpoints ($(json .message))" \
        test "$code:$(json .error):$(json .message)" = "404:not_found:Endpoints under the API base: balance, transactions, transactions/batch, health"
done
request GET /.git/config
check "GET /.git/config: 404" test "$code" = 404
request GET /php/src/Settings.php
check "GET /php/src/Settings.php: 404" test "$code" = 404
request GET "$API/no-such-endpoint" -H "X-API-Key: $KEY"
check "unknown API path: 404 JSON from the API" test "$code:$(json .error)" = 404:not_found
# PHP's built-in server answers methods it does not know (QUERY) with its own 501; production reaches the API.
request QUERY "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "QUERY balance: 405 method_not_allowed, Allow: GET" test "$code:$(json .error):$(header Allow)" = "405:method_not_allowed:GET"
# With enable_post_data_reading off PHP leaves a multipart body alone: no warning, the JSON is read.
request POST "$API/transactions" -H "X-API-Key: $KEY" -H 'Content-Type: multipart/form-data' \
    --data-binary '{"external_id":"FPM_MULTIPART","type":"accrual","amount":1,"user_id":44}'
check "POST with a multipart Content-Type and no boundary: 200 ok" test "$code:$(json .status)" = 200:ok
request GET "/fpm-status?json"
check "FPM status page from loopback: 200" test "$code:$(json .pool)" = 200:cashback

# ---------------------------------------------------------------- nginx's own 400s
# Refused by nginx before PHP: the API's JSON all the same, so 1C shows a reason.
raw_request 'GARBAGE\r\n\r\n'
check "a malformed request line: 400 bad_request JSON" json_error 400 bad_request
raw_request "GET $API/health HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n"
check "a header line without a colon: 400 bad_request JSON" json_error 400 bad_request
request GET "$API/health" -H "X-Padding: $(printf '%*s' 10000 '' | tr ' ' x)"
check "a header over large_client_header_buffers (nginx's 494): 400 bad_request JSON" json_error 400 bad_request
request GET "$API/health?pad=$(printf '%*s' 10000 '' | tr ' ' x)"
check "a request line over large_client_header_buffers: 414 uri_too_long JSON" json_error 414 uri_too_long

# ---------------------------------------------------------------- body sizes
# 12 MiB is above PHP's default post_max_size (8M): the pool raises it, else
# PHP warns "POST Content-Length ... exceeds the limit" on every such request.
php -n -r '$pad = str_repeat(" ", 12 * 1024 * 1024);
echo "{\"external_id\":\"FPM_BIG_0001\",\"type\":\"accrual\",\"amount\":\"5.00\",\"user_id\":42,$pad\"store_id\":\"store-1\"}";' >"$TMP/big.json"
request POST "$API/transactions" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' --data-binary "@$TMP/big.json"
check "POST of a 12 MiB body: 200 ok" test "$code:$(json .status)" = 200:ok
check "POST of a 12 MiB body: no post_max_size warning in the logs" not grep -rq 'exceeds the limit' "$TMP/log"
[ "$code:$(json .status)" != 200:ok ] || credited=$((credited + 500))
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TMP/huge.json"
request POST "$API/transactions" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' --data-binary "@$TMP/huge.json"
check "POST of 16 MiB + 1 byte: 413 payload_too_large JSON ($(header Content-Type))" json_error 413 payload_too_large
# 4 million tiny arrays in 16 MB: PHP's json_decode built them all (an empty 500 once the
# worker ran out of memory); the ledger reads max_batch + 1 items and stops.
php -n -r 'echo "[", str_repeat("[0],", 3999999), "[0]]";' >"$TMP/tiny.json"
request POST "$API/transactions/batch" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' --data-binary "@$TMP/tiny.json"
check "POST of 4 million tiny arrays to the batch: 413 batch_too_large JSON" json_error 413 batch_too_large
rm -f "$TMP/big.json" "$TMP/huge.json" "$TMP/tiny.json"

# The largest batch the API takes (max_batch 10,000) within the timeouts, in
# one commit: customer 43 gets 10,000 × 0.01.
php -n -r '$items = [];
for ($i = 1; $i <= 10000; $i++) {
    $items[] = ["external_id" => sprintf("FPM_BATCH_%05d", $i), "type" => "accrual", "amount" => "0.01", "user_phone" => "+7 912 000-11-22",
                "store_id" => "store-1", "description" => "batch through nginx", "created_at" => "2026-11-28T11:00:00"];
}
echo json_encode(["transactions" => $items]);' >"$TMP/batch.json"
batch_size=$(stat -c %s "$TMP/batch.json")
start=$(date +%s.%N)
request POST "$API/transactions/batch" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' --data-binary "@$TMP/batch.json"
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
successes=$(jq '[.results[] | select(.status == "success")] | length' "$TMP/body" 2>/dev/null || echo 0)
check "POST a 10,000-item batch ($((batch_size / 1024)) KiB, ${elapsed}s): 200 with 10000 successes ($successes)" test "$code:$successes" = 200:10000
rm -f "$TMP/batch.json"
request GET "$API/balance?user_phone=89120001122" -H "X-API-Key: $KEY"
check "customer 43 after the batch: 400 (300 + 10,000 × 0.01)" test "$(json .balance)" = 400

# ---------------------------------------------------------------- burst
# 200 requests, 8 at a time: odd i accrue 1.10 (phone in 1C's 8-format),
# i % 10 == 0 resend the accrual of i-1 (a race with the original: either one
# is the duplicate), other i % 4 == 0 debit 0.10, the rest read the balance.
burst_one() {
    local i=$1 code out
    out=$TMP/burst/body/$i
    if [ $((i % 2)) -eq 1 ]; then
        code=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
            --data-binary "{\"external_id\":\"FPM_BURST_$i\",\"type\":\"accrual\",\"amount\":\"1.10\",\"user_phone\":\"89001234567\",\"created_at\":\"2026-11-28T10:00:00\"}" \
            "$BASE$API/transactions") || code=000
    elif [ $((i % 10)) -eq 0 ]; then
        code=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
            --data-binary "{\"external_id\":\"FPM_BURST_$((i - 1))\",\"type\":\"accrual\",\"amount\":\"1.10\",\"user_phone\":\"89001234567\",\"created_at\":\"2026-11-28T10:00:00\"}" \
            "$BASE$API/transactions") || code=000
    elif [ $((i % 4)) -eq 0 ]; then
        code=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
            --data-binary "{\"external_id\":\"FPM_BURST_$i\",\"type\":\"debit\",\"amount\":\"0.10\",\"user_id\":42}" \
            "$BASE$API/transactions") || code=000
    else
        code=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' -H "X-API-Key: $KEY" \
            "$BASE$API/balance?user_phone=%2B7%20900%20123-45-67") || code=000
    fi
    echo "$code" >"$TMP/burst/code/$i"
}
export -f burst_one
export TMP KEY BASE API

before_status=$(status_page)
start=$(date +%s.%N)
seq 1 200 | xargs -P8 -I{} bash -c 'burst_one {}'
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
after_status=$(status_page)

codes=$(cat "$TMP"/burst/code/* | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')
code=-
check "burst: 200 requests (8 parallel, ${elapsed}s) all answered 200 ($codes)" test "$(cat "$TMP"/burst/code/* | grep -cx 200)" = 200
good=$(grep -l '"status":"ok"\|"status":"already_exists"\|"balance":' "$TMP"/burst/body/* | wc -l)
check "burst: every body is an ok, already_exists or balance answer ($good/200)" test "$good" = 200

# Who served the burst: PHP-FPM's per-worker request counters before and after.
served=$(jq -n --argjson a "$before_status" --argjson b "$after_status" '
    [$b.processes[] | . as $p | {pid, requests: ($p.requests - (([$a.processes[] | select(.pid == $p.pid and ."start time" == $p."start time") | .requests] | first) // 0))}]')
workers=$(jq 'map(select(.requests > 0)) | length' <<<"$served")
total=$(jq 'map(.requests) | add' <<<"$served")
busiest=$(jq 'map(.requests) | max' <<<"$served")
echo "      workers: $(jq -c 'map("\(.pid):\(.requests)")' <<<"$served")"
check "burst: served by $workers workers (<= pm.max_children 8)" test "$workers" -ge 1 -a "$workers" -le 8
check "burst: the workers served $total requests (>= 200; status page counts itself too)" test "$total" -ge 200
check "burst: each worker reused across requests (busiest served $busiest)" test "$busiest" -ge 20
check "no worker crashed (no 'exited on signal' in the FPM log)" not grep -q 'exited on signal' "$TMP/log/php-fpm.log"
check "every php_admin_value of the pool applied (no 'Unable to set' in the FPM log)" not grep -q 'Unable to set' "$TMP/log/php-fpm.log"

accruals=0; debits=0
for i in $(seq 1 200); do
    if [ $((i % 2)) -eq 1 ]; then accruals=$((accruals + 1)); elif [ $((i % 10)) -ne 0 ] && [ $((i % 4)) -eq 0 ]; then debits=$((debits + 1)); fi
done
expected_kopecks=$((125050 + credited + accruals * 110 - debits * 10))
expected=$(php -n -r 'echo json_encode($argv[1] / 100);' "$expected_kopecks")
request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "balance after the burst is $expected (1250.50 + 10 + 5 + $accruals × 1.10 − $debits × 0.10)" test "$(json .balance)" = "$expected"

verify_ledger() {
    as_pool php -n -d extension="$EXT" -r '$v = (new CashbackLedger($argv[1]))->verify(); echo json_encode($v), "\n"; exit($v["ok"] ? 0 : 1);' "$DB" >"$TMP/verify.out" 2>&1
}
check "verify() is ok after the burst ($(verify_ledger; head -c 200 "$TMP/verify.out"))" verify_ledger

# ---------------------------------------------------------------- admin
# Reachable through the pool, and its PHP session works there: sign in with the
# demo password and see the dashboard.
request GET /admin/
admin_ok() { [[ $code =~ ^(200|301|302|303|401|403)$ ]]; }
check "GET /admin/ reachable: 200 or a login (401/403/30x), got $code" admin_ok
jar=$TMP/admin-cookies
request GET /admin/login -c "$jar"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/body" | head -1 | sed 's/.*value="//; s/"$//' || true)
check "GET /admin/login: 200 form with a CSRF token" test "$code" = 200 -a -n "$csrf"
request POST /admin/login -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "password=$(cat "$VAR/admin-password")"
check "POST /admin/login with the demo password: 303 to /admin/" test "$code:$(header Location)" = "303:/admin/"
request GET /admin/ -b "$jar"
check "GET /admin/ signed in: 200 HTML" bash -c "[ '$code' = 200 ] && grep -qi '^content-type: text/html' '$TMP/headers'"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/body" | head -1 | sed 's/.*value="//; s/"$//' || true)
request GET /admin/admin.css
check "GET /admin/admin.css: 200" test "$code" = 200
# Signing out also removes the session file from the system's session directory.
request POST /admin/logout -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf"
check "POST /admin/logout: 303 to /admin/login" test "$code:$(header Location)" = "303:/admin/login"

# ---------------------------------------------------------------- 503
no_trace() { ! grep -qiE 'stack trace|#0 |\.php|exception|/work/|/tmp/' "$TMP/body"; }
retry_after() { [[ "$(header Retry-After)" =~ ^[0-9]+$ ]]; }
unavailable() { [ "$code" = 503 ] && retry_after; }
json_error_without_trace() { jq -e '.error | strings' "$TMP/body" >/dev/null && no_trace; }

# A corrupt ledger file: the config points at it, the operator reloads FPM.
head -c 65536 /dev/urandom >"$VAR/corrupt.db"
chown --reference="$VAR" "$VAR/corrupt.db"
php -n -r '$c = require $argv[1]; $c["database"] = $argv[2]; file_put_contents($argv[1], "<?php\nreturn " . var_export($c, true) . ";\n");' "$CONFIG" "$VAR/corrupt.db"
check "FPM reloads (USR2) with new workers" reload_fpm
request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "corrupt database: GET balance 503 ($(json .error))" test "$code" = 503
check "corrupt database: Retry-After header" retry_after
check "corrupt database: JSON error, no stack trace or paths" json_error_without_trace
request GET "$API/health"
check "corrupt database: health 503 ($(json .error)) with Retry-After" unavailable

# A database directory the pool user cannot write (real permissions: the pool
# does not run as root).
cp "$TMP/config.orig.php" "$CONFIG"
chmod 0555 "$VAR"
chmod 0444 "$DB" "$DB"-wal "$DB"-shm 2>/dev/null || chmod 0444 "$DB"
check "FPM reloads (USR2) with new workers" reload_fpm
printf '{"external_id":"FPM_RO_0001","type":"accrual","amount":1,"user_id":42}' >"$TMP/ro.json"
request POST "$API/transactions" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' --data-binary "@$TMP/ro.json"
check "read-only database: POST 503 ($(json .error)) with Retry-After" unavailable
check "read-only database: JSON error, no stack trace or paths" json_error_without_trace
request GET "$API/health"
check "read-only database: health 503 ($(json .error)) with Retry-After" unavailable
chmod 0700 "$VAR"
chmod 0644 "$DB" "$DB"-wal "$DB"-shm 2>/dev/null || chmod 0644 "$DB"

# Recovery: permissions and config restored, reload, all is well again.
check "FPM reloads (USR2) with new workers" reload_fpm
request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "after recovery: balance 200 and still $expected" test "$code:$(json .balance)" = "200:$expected"
check "after recovery: verify() ok" verify_ledger

# The pool's php_admin_value[cashback.database] is in effect: with an empty
# 'database' in the config the ledger opens the ini's file.
php -n -r '$c = require $argv[1]; $c["database"] = ""; file_put_contents($argv[1], "<?php\nreturn " . var_export($c, true) . ";\n");' "$CONFIG"
check "FPM reloads (USR2) with new workers" reload_fpm
request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "config without 'database': the pool's cashback.database is used (balance $expected)" test "$code:$(json .balance)" = "200:$expected"
cp "$TMP/config.orig.php" "$CONFIG"

# ---------------------------------------------------------------- FPM down
stop_process "$fpm_pid"
fpm_pid=
request GET "$API/balance?user_phone=79001234567" -H "X-API-Key: $KEY"
check "PHP-FPM down: nginx answers 503 with Retry-After" unavailable
check "PHP-FPM down: JSON error service_unavailable" test "$(json .error)" = service_unavailable
