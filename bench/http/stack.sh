#!/usr/bin/env bash
# nginx + php-fpm on loopback for the HTTP benchmarks, from the production
# templates php/server/nginx-site.conf and php/server/fpm-pool.conf rendered
# exactly as tests/fpm/run.sh does (placeholders replaced, nothing else), plus
# one extra server block on a second port whose every URL runs
# bench/http/bare.php (a fixed JSON body) in the same FPM pool: the floor of
# what any PHP request costs on this stack; /shell there runs
# bench/http/shell.php (the API's PHP classes without the ledger).
#
# Source it, then:
#   stack_start DATABASE CONFIG [POOL_EDITS] [CONFIG2]
#                                              sets STACK_BASE and STACK_BARE (http://127.0.0.1:PORT); with
#                                              CONFIG2, the site is rendered a second time on another port
#                                              with that settings file (another ledger, same pool): STACK_BASE2
#   stack_workers                              pids of the pool's workers
#   stack_stop                                 stops what stack_start started (only those pids)
# POOL_EDITS is a sed script applied to the rendered pool (e.g. the memory
# test's pm = static); empty for the production pool as shipped.
# As root the pool runs as www-data, which must own the database directory.

STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_EXT=${CASHBACK_EXTENSION:-$STACK_ROOT/target/release/libcashback.so}
STACK_FPM_PID=
STACK_NGINX_PID=
STACK_DIR=

stack_free_port() {
    php -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo parse_url("tcp://" . stream_socket_get_name($s, false), PHP_URL_PORT);'
}

stack_start() {
    local db=$1 config=$2 pool_edits=${3:-} config2=${4:-} user port bare_port port2=
    STACK_DIR=$(mktemp -d /tmp/cashback-bench-http.XXXXXX)
    chmod 0755 "$STACK_DIR"
    mkdir -p "$STACK_DIR/log" "$STACK_DIR/nginx" "$STACK_DIR/conf.d"
    if [ "$(id -u)" -eq 0 ]; then user=www-data; else user=$(id -un); fi
    STACK_USER=$user
    port=$(stack_free_port)
    bare_port=$(stack_free_port)
    local socket=$STACK_DIR/cashback.sock
    render() { # template output [port] [config]
        sed -e "s|@ROOT@|$STACK_ROOT|g" -e "s|@PORT@|127.0.0.1:${3:-$port}|g" -e "s|@SOCKET@|$socket|g" \
            -e "s|@CONFIG@|${4:-$config}|g" -e "s|@EXTENSION@|$STACK_EXT|g" -e "s|@DATABASE@|$db|g" \
            -e "s|@LOGDIR@|$STACK_DIR/log|g" -e "s|@USER@|$user|g" "$1" >"$2"
    }
    render "$STACK_ROOT/php/server/nginx-site.conf" "$STACK_DIR/nginx-site.conf"
    render "$STACK_ROOT/php/server/fpm-pool.conf" "$STACK_DIR/fpm-pool.conf"
    : >"$STACK_DIR/nginx-site2.conf"
    if [ -n "$config2" ]; then
        port2=$(stack_free_port)
        render "$STACK_ROOT/php/server/nginx-site.conf" "$STACK_DIR/nginx-site2.conf" "$port2" "$config2"
    fi
    if [ "$(id -u)" -ne 0 ]; then
        sed -i -E '/^(user|group|listen\.owner|listen\.group) *=/d' "$STACK_DIR/fpm-pool.conf"
    fi
    [ -z "$pool_edits" ] || sed -i -E "$pool_edits" "$STACK_DIR/fpm-pool.conf"
    bench_location() { # nginx location MATCH that runs bench/http/SCRIPT in the pool
        cat <<LOCATION
    location $1 {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $STACK_ROOT/bench/http/$2;
        fastcgi_param SCRIPT_NAME /$2;
        fastcgi_param HTTP_PROXY "";
        fastcgi_pass unix:$socket;
    }
LOCATION
    }
    cat >"$STACK_DIR/bare-site.conf" <<EOF
server {
    listen 127.0.0.1:$bare_port;
    server_name _;
    server_tokens off;
    root $STACK_ROOT/bench/http;
    access_log $STACK_DIR/log/nginx-bare-access.log;
    error_log $STACK_DIR/log/nginx-bare-error.log warn;
$(bench_location / bare.php)
$(bench_location "= /shell" shell.php)
}
EOF
    cat >"$STACK_DIR/php-fpm.conf" <<EOF
[global]
pid = $STACK_DIR/php-fpm.pid
error_log = $STACK_DIR/log/php-fpm.log
daemonize = no
include = $STACK_DIR/fpm-pool.conf
EOF
    # Debian's FPM php.ini and conf.d (opcache on), minus a cashback ini from `make install`.
    local fpm_ini=() ini
    [ ! -f /etc/php/8.2/fpm/php.ini ] || fpm_ini=(-c /etc/php/8.2/fpm/php.ini)
    for ini in /etc/php/8.2/fpm/conf.d/*.ini; do
        [ -e "$ini" ] || continue
        case $ini in *cashback*) continue ;; esac
        ln -s "$ini" "$STACK_DIR/conf.d/"
    done
    local nginx_user=
    [ "$(id -u)" -eq 0 ] && nginx_user="user www-data;"
    cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$STACK_DIR/"
    cat >"$STACK_DIR/nginx.conf" <<EOF
$nginx_user
daemon off;
worker_processes 2;
pid $STACK_DIR/nginx.pid;
error_log $STACK_DIR/log/nginx-main-error.log warn;
events { worker_connections 1024; }
http {
    include mime.types;
    default_type application/octet-stream;
    client_body_temp_path $STACK_DIR/nginx/client_body;
    fastcgi_temp_path $STACK_DIR/nginx/fastcgi;
    proxy_temp_path $STACK_DIR/nginx/proxy;
    uwsgi_temp_path $STACK_DIR/nginx/uwsgi;
    scgi_temp_path $STACK_DIR/nginx/scgi;
    include $STACK_DIR/nginx-site.conf;
    include $STACK_DIR/nginx-site2.conf;
    include $STACK_DIR/bare-site.conf;
}
EOF
    PHP_INI_SCAN_DIR=$STACK_DIR/conf.d php-fpm8.2 "${fpm_ini[@]}" --fpm-config "$STACK_DIR/php-fpm.conf" --nodaemonize \
        >"$STACK_DIR/log/fpm-stdout.log" 2>&1 &
    STACK_FPM_PID=$!
    local i
    for i in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
    nginx -c "$STACK_DIR/nginx.conf" -p "$STACK_DIR/" -e "$STACK_DIR/log/nginx-startup.log" \
        >"$STACK_DIR/log/nginx-stdout.log" 2>&1 &
    STACK_NGINX_PID=$!
    STACK_BASE=http://127.0.0.1:$port
    STACK_BARE=http://127.0.0.1:$bare_port
    STACK_BASE2=${port2:+http://127.0.0.1:$port2}
    for i in $(seq 100); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "$STACK_BASE/local/api/cashback/v1/health")" = 200 ] \
            && [ "$(curl -s -o /dev/null -w '%{http_code}' "$STACK_BARE/")" = 200 ] \
            && { [ -z "$port2" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' "$STACK_BASE2/local/api/cashback/v1/health")" = 200 ]; }; then
            return 0
        fi
        sleep 0.1
    done
    echo "the nginx + php-fpm stack did not come up; logs in $STACK_DIR/log" >&2
    tail -n 20 "$STACK_DIR"/log/*.log >&2 || true
    return 1
}

stack_workers() {
    # Children of the FPM master we started.
    [ -n "$STACK_FPM_PID" ] && ps -o pid= --ppid "$STACK_FPM_PID" | tr -d ' ' | sort -n | tr '\n' ' '
}

stack_stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stack_stop() {
    stack_stop_pid "$STACK_NGINX_PID"
    stack_stop_pid "$STACK_FPM_PID"
    STACK_NGINX_PID=
    STACK_FPM_PID=
    if [ -n "$STACK_DIR" ] && ! grep -qs 'exited on signal' "$STACK_DIR/log/php-fpm.log"; then
        rm -rf "$STACK_DIR"
    elif [ -n "$STACK_DIR" ]; then
        echo "an FPM worker crashed; logs kept in $STACK_DIR/log" >&2
    fi
    STACK_DIR=
}
