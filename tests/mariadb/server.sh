#!/usr/bin/env bash
# A private MariaDB server for the tests: its own data directory, socket and
# loopback port, started as the mysql user (never the system service, never
# 3306 or /var/lib/mysql).
#
#   server.sh start DIR PORT   start (or reuse) the server in DIR; prints its admin URL
#   server.sh stop DIR         stop it by its PID
#   server.sh url DIR          the admin URL of a running server
#   server.sh app-url DIR      the URL of the ledger's user (without a database)
#
# The admin user `cashback_test` (password in DIR/password) creates the
# databases each test needs; the ledger itself connects as `cashback_app`,
# which may use only databases named `cb_*` and has no global privilege (so
# `read_only=1` applies to it, as to a site's own database user).
set -euo pipefail

command=${1:?usage: server.sh start|stop|url DIR [PORT]}
dir=$(realpath -m "${2:?data directory}")
port=${3:-}

running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }

url() { echo "mysql://cashback_test:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/"; }
app_url() { echo "mysql://cashback_app:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/"; }

ensure_packages() {
    command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null && return
    local sudo; sudo=$( [ "$(id -u)" -eq 0 ] || echo sudo )
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq mariadb-server >&2
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs the server as mysql when the tests run as root (mariadbd refuses root without --user).
as_server_user() { if [ "$(id -u)" -eq 0 ]; then echo "--user=mysql"; fi; }

start() {
    [ -n "$port" ] || { echo "server.sh start: PORT is required" >&2; exit 2; }
    if running; then url; return; fi
    ensure_packages
    port_free "$port" || { echo "server.sh: port $port is taken; pick another (CASHBACK_MARIADB_PORT)" >&2; exit 1; }
    mkdir -p "$dir"
    if [ ! -d "$dir/data/mysql" ]; then
        rm -rf "$dir/data" && mkdir -p "$dir/data" "$dir/tmp"
        [ "$(id -u)" -ne 0 ] || chown -R mysql:mysql "$dir"
        mariadb-install-db --no-defaults $(as_server_user) --datadir="$dir/data" \
            --auth-root-authentication-method=socket --skip-test-db > "$dir/install.log" 2>&1 \
            || { cat "$dir/install.log" >&2; exit 1; }
        head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"
    fi
    echo "$port" > "$dir/port"
    [ "$(id -u)" -ne 0 ] || chown -R mysql:mysql "$dir"
    rm -f "$dir/pid"
    setsid mariadbd --no-defaults $(as_server_user) --datadir="$dir/data" --tmpdir="$dir/tmp" --socket="$dir/sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/pid" --log-error="$dir/error.log" \
        --innodb-buffer-pool-size=128M --innodb-log-file-size=32M --performance-schema=OFF \
        --max-connections=400 --skip-name-resolve < /dev/null > "$dir/stdout.log" 2>&1 &
    for _ in $(seq 1 100); do
        [ -S "$dir/sock" ] && mariadb --no-defaults --socket="$dir/sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
        sleep 0.1
    done
    mariadb --no-defaults --socket="$dir/sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 \
        || { echo "server.sh: MariaDB did not start; see $dir/error.log" >&2; tail -20 "$dir/error.log" >&2; exit 1; }
    mariadb --no-defaults --socket="$dir/sock" -uroot <<SQL
CREATE USER IF NOT EXISTS 'cashback_test'@'127.0.0.1' IDENTIFIED BY '$(cat "$dir/password")';
CREATE USER IF NOT EXISTS 'cashback_test'@'localhost' IDENTIFIED BY '$(cat "$dir/password")';
GRANT ALL PRIVILEGES ON *.* TO 'cashback_test'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'cashback_test'@'localhost' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'cashback_app'@'127.0.0.1' IDENTIFIED BY '$(cat "$dir/password")';
CREATE USER IF NOT EXISTS 'cashback_app'@'localhost' IDENTIFIED BY '$(cat "$dir/password")';
GRANT ALL PRIVILEGES ON \`cb\_%\`.* TO 'cashback_app'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`cb\_%\`.* TO 'cashback_app'@'localhost';
SQL
    url
}

stop() {
    running || { rm -f "$dir/pid"; return 0; }
    local pid; pid=$(cat "$dir/pid")
    kill "$pid"
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
}

case $command in
    start) start ;;
    stop) stop ;;
    url) running && url ;;
    app-url) running && app_url ;;
    *) echo "usage: server.sh start|stop|url|app-url DIR [PORT]" >&2; exit 2 ;;
esac
