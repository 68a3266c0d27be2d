#!/usr/bin/env bash
# A private three-node Galera cluster (MariaDB + galera-4) on loopback for the
# tests: each node has its own data directory, defaults file, socket and ports
# under DIR, runs as the mysql user, and is stopped by its PID (never the
# system service, never 3306 or /var/lib/mysql).
#
#   galera.sh start DIR [BASE_PORT]  bootstrap node 1, join nodes 2 and 3 (rsync SST), wait until all
#                                    are Synced, create the test users; prints node 1's admin URL.
#                                    A cluster that is already up is reused; a stopped (or crashed) one
#                                    is bootstrapped again from the node with the latest commit.
#   galera.sh stop DIR               stop every node (SIGTERM by PID, SIGKILL after 60 s)
#   galera.sh kill DIR N             SIGKILL node N (a crash)
#   galera.sh restart DIR N          start node N again: --wsrep-recover for its position, rejoin by IST
#                                    (a full SST if the cluster no longer has what it missed), wait Synced
#   galera.sh url DIR N              node N's admin URL
#   galera.sh app-url DIR N          node N's URL for the ledger's user (without a database)
#   galera.sh status DIR             one line per node: pid, state, cluster size and status
#
# Ports, from BASE_PORT (default 14000, CASHBACK_GALERA_PORT): node N uses
# BASE+10(N-1) for SQL, +1 group communication, +2 IST, +3 SST (rsync); all
# must be below 32768 (Linux's ephemeral ports start there) and free.
#
# The users are server.sh's: `cashback_test` (admin, every privilege) and
# `cashback_app` (the ledger's user: databases `cb_*` only), both with the
# password in DIR/password. Eviction of a dead node takes ~3.5 s (evs.* below)
# instead of ~6.5 s; writes on the survivors stall for that long.
set -euo pipefail

command=${1:-}
dir=$(realpath -m "${2:-var/galera}")
arg=${3:-}
NODES=(1 2 3)
SYNC_SECONDS=${CASHBACK_GALERA_SYNC_SECONDS:-180}

die() { echo "galera.sh: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The base port: the one being set up (BASE), else the one DIR was set up with.
BASE=""
base_port() { [ -n "$BASE" ] && echo "$BASE" && return; cat "$dir/base_port" 2>/dev/null || die "no cluster in $dir (run: galera.sh start $dir)"; }
sql_port() { echo $(( $(base_port) + 10 * ($1 - 1) )); }
gcomm_port() { echo $(( $(base_port) + 10 * ($1 - 1) + 1 )); }
ist_port() { echo $(( $(base_port) + 10 * ($1 - 1) + 2 )); }
sst_port() { echo $(( $(base_port) + 10 * ($1 - 1) + 3 )); }

node_dir() { echo "$dir/node$1"; }
pid_of() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }
# Alive and not a zombie (a killed node's parent may be slow to reap it).
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -qs '^[^)]*) Z' "/proc/$1/stat"; }
running() { alive "$(pid_of "$1")"; }

# Root over the node's socket (unix_socket authentication), no option files read.
client() { local n=$1; shift; mariadb --no-defaults --socket="$(node_dir "$n")/sock" -uroot --batch --skip-column-names "$@"; }
status_value() { client "$1" -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'; }

url() { echo "mysql://cashback_test:$(cat "$dir/password")@127.0.0.1:$(sql_port "$1")/"; }
app_url() { echo "mysql://cashback_app:$(cat "$dir/password")@127.0.0.1:$(sql_port "$1")/"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node_number() {
    case ${1:-} in 1|2|3) echo "$1" ;; *) die "node must be 1, 2 or 3, not '${1:-}'" ;; esac
}

# Not installed from here: installing mariadb-server starts the system service (make deps-test installs them).
ensure_packages() {
    command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null \
        && [ -f /usr/lib/galera/libgalera_smm.so ] && command -v rsync >/dev/null \
        || die "needs mariadb-server, galera-4 and rsync (make deps-test installs them)"
}

# The server must run as mysql: with rsync SST under root, the joiner's rsync daemon drops to
# nobody and cannot write the data directory.
server_user() { if [ "$(id -u)" -eq 0 ]; then echo "--user=mysql"; else echo "--user=$(id -un)"; fi; }
own() { [ "$(id -u)" -ne 0 ] || chown -R mysql:mysql "$@"; }

write_defaults() {
    local n=$1 d; d=$(node_dir "$n")
    local members; members="127.0.0.1:$(gcomm_port 1),127.0.0.1:$(gcomm_port 2),127.0.0.1:$(gcomm_port 3)"
    cat > "$d/my.cnf" <<CNF
# Node $n of the test cluster in $dir (written by tests/mariadb/galera.sh).
[mariadbd]
datadir = $d/data
tmpdir = $d/tmp
socket = $d/sock
port = $(sql_port "$n")
pid-file = $d/mariadbd.pid
log-error = $d/error.log
bind-address = 127.0.0.1
skip-name-resolve
max_connections = 300

# Memory trims: ~100 MB per node instead of ~150 MB.
innodb_buffer_pool_size = 64M
innodb_log_file_size = 16M
innodb_log_buffer_size = 2M
aria_pagecache_buffer_size = 8M
key_buffer_size = 1M
performance_schema = OFF

# What Galera requires.
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2

wsrep_on = ON
wsrep_provider = /usr/lib/galera/libgalera_smm.so
wsrep_cluster_name = cashback_test
wsrep_cluster_address = gcomm://$members
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(gcomm_port "$n")
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$(sst_port "$n")
# A dead node is evicted after ~3.5 s (defaults: ~6.5 s); the keepalive must stay below a third
# of suspect_timeout, and shorter timeouts evict healthy nodes on a loaded 2-core machine.
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=16M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S"
CNF
}

# launch N [extra mariadbd options...]: starts node N in the background, its PID in nodeN/pid.
launch() {
    local n=$1 d; shift; d=$(node_dir "$n")
    rm -f "$d/pid" "$d/mariadbd.pid"
    own "$d"
    setsid mariadbd --defaults-file="$d/my.cnf" $(server_user) "$@" < /dev/null >> "$d/stdout.log" 2>&1 &
    echo $! > "$d/pid"
}

# wait_synced N SECONDS: until node N answers and is Synced in a Primary component.
wait_synced() {
    local n=$1 seconds=$2 start; start=$(now)
    local deadline=$(( $(date +%s) + seconds ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        running "$n" || { tail -30 "$(node_dir "$n")/error.log" >&2; die "node $n exited while starting; see $(node_dir "$n")/error.log"; }
        if [ "$(status_value "$n" wsrep_local_state_comment)" = Synced ] \
            && [ "$(status_value "$n" wsrep_cluster_status)" = Primary ]; then
            return 0
        fi
        sleep 0.2
    done
    tail -30 "$(node_dir "$n")/error.log" >&2
    die "node $n not Synced within ${seconds}s (after $(since "$start") s); see $(node_dir "$n")/error.log"
}

check_ports() {
    local n p
    for n in "${NODES[@]}"; do
        for p in "$(sql_port "$n")" "$(gcomm_port "$n")" "$(ist_port "$n")" "$(sst_port "$n")"; do
            [ "$p" -ge 1024 ] && [ "$p" -lt 32768 ] || die "port $p is outside 1024-32767; pick another BASE_PORT"
            [ "$p" -ne 3306 ] || die "port 3306 is the system server's; pick another BASE_PORT"
            port_free "$p" || die "port $p is taken; pick another BASE_PORT (CASHBACK_GALERA_PORT)"
        done
    done
}

create_users() {
    local password; password=$(cat "$dir/password")
    client 1 <<SQL
CREATE USER IF NOT EXISTS 'cashback_test'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'cashback_test'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'cashback_test'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'cashback_test'@'localhost' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'cashback_app'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'cashback_app'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`cb\_%\`.* TO 'cashback_app'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`cb\_%\`.* TO 'cashback_app'@'localhost';
SQL
    # The users reached every node (DDL replicates in total order; wait for it explicitly).
    local n
    for n in "${NODES[@]}"; do
        [ "$(client "$n" -e "SET SESSION wsrep_sync_wait = 1; SELECT count(*) FROM mysql.user WHERE user IN ('cashback_test', 'cashback_app')")" = 4 ] \
            || die "the test users did not replicate to node $n"
    done
}

# The seqno and safe_to_bootstrap recorded in node N's grastate.dat ("-1 0" when unknown).
grastate() {
    local file; file="$(node_dir "$1")/data/grastate.dat"
    [ -f "$file" ] || { echo "-1 0"; return; }
    awk '/^seqno:/ {s=$2} /^safe_to_bootstrap:/ {b=$2} END {print (s == "" ? -1 : s), (b == "" ? 0 : b)}' "$file"
}

# Node N's last committed position, recovered from InnoDB (after a crash grastate.dat says -1).
recover_position() {
    local n=$1 d; d=$(node_dir "$n")
    rm -f "$d/recover.log"
    own "$d"
    timeout 120 mariadbd --defaults-file="$d/my.cnf" $(server_user) --wsrep-recover \
        --log-error="$d/recover.log" --pid-file="$d/recover.pid" < /dev/null >> "$d/stdout.log" 2>&1 \
        || { tail -20 "$d/recover.log" >&2; die "mariadbd --wsrep-recover failed on node $n"; }
    sed -n 's/.*WSREP: Recovered position: *\([0-9a-f-]*:-\{0,1\}[0-9]*\).*/\1/p' "$d/recover.log" | tail -1
}

start() {
    local base=${arg:-${CASHBACK_GALERA_PORT:-14000}}
    [[ $base =~ ^[0-9]+$ ]] || die "BASE_PORT must be a number, not '$base'"
    local n up=0
    if [ -f "$dir/base_port" ]; then
        for n in "${NODES[@]}"; do if running "$n"; then up=$((up + 1)); fi; done
        if [ "$up" -eq 3 ]; then
            for n in "${NODES[@]}"; do wait_synced "$n" "$SYNC_SECONDS"; done
            url 1; return
        fi
        [ "$up" -eq 0 ] || die "only $up of 3 nodes run in $dir: restart the others (galera.sh restart $dir N) or stop all"
        [ -z "$arg" ] || [ "$arg" = "$(base_port)" ] || die "$dir was set up for base port $(base_port), not $arg"
    else
        [ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir exists and holds no cluster; give an empty or new directory"
        BASE=$base
    fi
    ensure_packages
    check_ports
    if [ -n "$BASE" ]; then mkdir -p "$dir" && echo "$BASE" > "$dir/base_port"; fi
    local started; started=$(now)
    for n in "${NODES[@]}"; do mkdir -p "$(node_dir "$n")/data" "$(node_dir "$n")/tmp"; write_defaults "$n"; done
    chmod 0755 "$dir"
    [ -f "$dir/password" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"; chmod 0600 "$dir/password"; }

    # The first node: a fresh cluster's node 1; of a stopped or crashed cluster, the node with the highest
    # committed position (recovered from InnoDB after a crash), the one that stopped last on a tie.
    local first=1 position=""
    if [ -d "$(node_dir 1)/data/mysql" ] || [ -d "$(node_dir 2)/data/mysql" ] || [ -d "$(node_dir 3)/data/mysql" ]; then
        first=""
        local best=-2 best_safe=0 seqno safe at
        for n in "${NODES[@]}"; do
            [ -d "$(node_dir "$n")/data/mysql" ] || continue
            read -r seqno safe < <(grastate "$n")
            at=""
            if [ "$seqno" = -1 ]; then
                at=$(recover_position "$n"); seqno=${at##*:}
                [ -n "$seqno" ] && [ "$seqno" != -1 ] || { at=""; seqno=-1; }
            fi
            if [ "$seqno" -gt "$best" ] || { [ "$seqno" -eq "$best" ] && [ "$safe" = 1 ] && [ "$best_safe" != 1 ]; }; then
                best=$seqno best_safe=$safe first=$n position=$at
            fi
        done
        [ -n "$first" ] || die "no node of $dir has data to bootstrap from"
        sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$(node_dir "$first")/data/grastate.dat"
    else
        own "$dir"
        mariadb-install-db --no-defaults $(server_user) --datadir="$(node_dir 1)/data" \
            --auth-root-authentication-method=socket --skip-test-db > "$dir/install.log" 2>&1 \
            || { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
    fi
    launch "$first" --wsrep-new-cluster ${position:+--wsrep_start_position="$position"}
    wait_synced "$first" 60
    echo "galera: node $first bootstrapped in $(since "$started") s" >&2
    for n in "${NODES[@]}"; do
        [ "$n" = "$first" ] && continue
        local joined; joined=$(now)
        launch_rejoining "$n"
        wait_synced "$n" "$SYNC_SECONDS"
        echo "galera: node $n joined in $(since "$joined") s" >&2
    done
    create_users
    [ "$(status_value 1 wsrep_cluster_size)" = 3 ] || die "the cluster has $(status_value 1 wsrep_cluster_size) nodes, not 3"
    echo "galera: cluster of 3 up in $(since "$started") s" >&2
    url 1
}

# Waits for node N's process to end (SIGKILL after SECONDS).
stop_node() {
    local n=$1 seconds=$2 pid; pid=$(pid_of "$n")
    alive "$pid" || { rm -f "$(node_dir "$n")/pid"; return 0; }
    kill -TERM "$pid"
    local deadline=$(( $(date +%s) + seconds ))
    while alive "$pid"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "galera: node $n did not stop within ${seconds}s: SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.1
    done
    rm -f "$(node_dir "$n")/pid"
}

stop() {
    [ -f "$dir/base_port" ] || return 0
    local started; started=$(now)
    # Nodes 3 and 2 leave together, node 1 last: it is the one to bootstrap from next time.
    stop_node 3 60 & local three=$!
    stop_node 2 60 & local two=$!
    wait "$three" "$two"
    stop_node 1 60
    echo "galera: stopped in $(since "$started") s" >&2
}

kill_node() {
    local n; n=$(node_number "$arg")
    running "$n" || die "node $n is not running"
    kill -KILL "$(pid_of "$n")"
    local deadline=$(( $(date +%s) + 10 ))
    while running "$n"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "node $n survived SIGKILL for 10 s"
        sleep 0.05
    done
    rm -f "$(node_dir "$n")/pid"
}

# Starts node N into the running cluster: after a crash (seqno -1) from its recovered position, so that
# it catches up by IST when the others still have what it missed.
launch_rejoining() {
    local n=$1 seqno safe position=""
    read -r seqno safe < <(grastate "$n")
    if [ "$seqno" = -1 ] && [ -d "$(node_dir "$n")/data/mysql" ]; then
        local recovering; recovering=$(now)
        position=$(recover_position "$n")
        echo "galera: node $n recovered position ${position:-none} in $(since "$recovering") s" >&2
        [ "${position##*:}" != -1 ] || position=""
    fi
    launch "$n" ${position:+--wsrep_start_position="$position"}
}

restart() {
    local n; n=$(node_number "$arg")
    running "$n" && die "node $n is running; kill or stop it first"
    check_node_ports "$n"
    local started log_size
    started=$(now)
    log_size=$(stat -c %s "$(node_dir "$n")/error.log" 2>/dev/null || echo 0)
    launch_rejoining "$n"
    wait_synced "$n" "$SYNC_SECONDS"
    # How it caught up, from what it logged since this launch.
    local how=IST
    if tail -c +"$((log_size + 1))" "$(node_dir "$n")/error.log" | grep -q "rsync SST completed"; then how="full SST"; fi
    echo "galera: node $n rejoined ($how) in $(since "$started") s" >&2
}

check_node_ports() {
    local p
    for p in "$(sql_port "$1")" "$(gcomm_port "$1")" "$(ist_port "$1")" "$(sst_port "$1")"; do
        port_free "$p" || die "port $p of node $1 is taken"
    done
}

status() {
    local n
    for n in "${NODES[@]}"; do
        if running "$n"; then
            printf 'node %s pid %s port %s state %s cluster_size %s cluster_status %s\n' "$n" "$(pid_of "$n")" \
                "$(sql_port "$n")" "$(status_value "$n" wsrep_local_state_comment || echo '?')" \
                "$(status_value "$n" wsrep_cluster_size || echo '?')" "$(status_value "$n" wsrep_cluster_status || echo '?')"
        else
            printf 'node %s down port %s\n' "$n" "$(sql_port "$n")"
        fi
    done
}

case $command in
    start) start ;;
    stop) stop ;;
    kill) kill_node ;;
    restart) restart ;;
    url) n=$(node_number "$arg"); running "$n" || die "node $n is not running"; url "$n" ;;
    app-url) n=$(node_number "$arg"); running "$n" || die "node $n is not running"; app_url "$n" ;;
    status) base_port > /dev/null; status ;;
    *) echo "usage: galera.sh start DIR [BASE_PORT] | stop DIR | kill DIR N | restart DIR N | url DIR N | app-url DIR N | status DIR" >&2; exit 2 ;;
esac
