#!/usr/bin/env bash
# Runs every test suite against the built extension, prints one line per suite
# and a closing "N passed, N failed" total; exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CASHBACK_EXTENSION="${1:-$PWD/target/release/libcashback.so}"
extension=$CASHBACK_EXTENSION
log=$(mktemp -d)
summary=()
passed=0
failed=0

# Counts of each runner's own summary, as "passed failed".
counts_cargo()   { echo "$(grep -Eo '[0-9]+ passed' "$1" | awk '{s+=$1} END {print s+0}') $(grep -Eo '[0-9]+ failed' "$1" | awk '{s+=$1} END {print s+0}')"; }
counts_plain()   { tail -n 5 "$1" | grep -Eo '[0-9]+ passed, [0-9]+ failed' | tail -1 | awk '{print $1+0, $3+0}'; }
counts_phpt()    { echo "$(grep -E '^Tests passed *:' "$1" | sed -E 's/^[^:]*: *([0-9]+).*/\1/') $(grep -E '^Tests failed *:' "$1" | sed -E 's/^[^:]*: *([0-9]+).*/\1/')"; }
counts_node()    { echo "$(grep -E '^# pass ' "$1" | awk '{print $3}') $(grep -E '^# fail ' "$1" | awk '{print $3}')"; }
counts_pytest()  { tail -n 3 "$1" | awk '{for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p = $i; if ($(i+1) ~ /^(failed|errors?)/) f += $i }} END {print p+0, f+0}'; }
counts_phpunit() {
    if grep -qE '^OK \(' "$1"; then grep -E '^OK \(' "$1" | grep -Eo '[0-9]+ tests?' | awk '{print $1, 0}'
    else grep -E '^Tests: ' "$1" | awk -F'[:,] *' '{t=$2; f=0; for (i = 3; i < NF; i += 2) if ($i ~ /Failures|Errors/) f += $(i+1); print t-f, f}'; fi
}

# suite NAME PARSER COMMAND...: runs the command, shows its output, records its counts.
suite() {
    local name=$1 parser=$2
    shift 2
    echo "== $name: $*"
    local started=$SECONDS
    "$@" 2>&1 | tee "$log/$name"
    local status=${PIPESTATUS[0]}
    read -r ok bad < <(counts_"$parser" "$log/$name")
    ok=${ok:-0}; bad=${bad:-0}
    # A runner that failed without saying so, or ran nothing, still fails the suite.
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
    if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
    passed=$((passed + ok)); failed=$((failed + bad))
    summary+=("$(printf '%-17s %5d passed, %d failed  %4d s' "$name" "$ok" "$bad" $((SECONDS - started)))")
}

lint() {
    local dirs
    dirs=$(for d in php tests bitrix-module; do [ -d "$d" ] && echo "$d"; done)
    cargo fmt --all --check && cargo clippy --quiet --workspace --all-targets -- -D warnings \
        && find $dirs -name '*.php' -not -path '*/node_modules/*' -print0 | xargs -0 -n1 php -l > /dev/null \
        && echo "1 passed, 0 failed"
}

python_env() {
    local venv=var/test-venv
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt
}

browser_env() {
    (cd tests/browser && npm ci --no-audit --no-fund --silent)
}

# The MariaDB server of the MySQL backend's suites: private data directory, socket and loopback port.
mariadb_env() {
    export CASHBACK_MARIADB_DIR="$PWD/var/mariadb-test"
    tests/mariadb/server.sh start "$CASHBACK_MARIADB_DIR" "${CASHBACK_MARIADB_PORT:-13306}" > /dev/null
}
mariadb_env > "$log/mariadb" 2>&1 || { cat "$log/mariadb"; echo "cannot start the test MariaDB server"; }
# The phpt suite's private server (read-only and stopped-server cases) may be left up by a killed test.
trap 'for server in test phpt reliability; do tests/mariadb/server.sh stop "$PWD/var/mariadb-$server"; done' EXIT

suite lint plain lint
suite rust cargo cargo test --workspace
suite stubs plain tests/stubs/check.sh "$extension"
suite phpt phpt env TEST_PHP_EXECUTABLE="$(command -v php)" TEST_PHP_ARGS="-d extension=$extension" \
    php "$(php-config --extension-dir)/build/run-tests.php" -q --show-diff tests/phpt
# Two at once: each test has a database of its own, and the private-server tests take a lock.
suite phpt-mysql phpt env CASHBACK_TEST_BACKEND=mysql TEST_PHP_EXECUTABLE="$(command -v php)" TEST_PHP_ARGS="-d extension=$extension" \
    php "$(php-config --extension-dir)/build/run-tests.php" -q -j2 --show-diff tests/phpt
suite cli phpunit php -d extension="$extension" "$(command -v phpunit)" --configuration tests/cli/phpunit.xml
suite bitrix phpunit php -d extension="$extension" "$(command -v phpunit)" --configuration tests/bitrix/phpunit.xml
python_env > "$log/venv" 2>&1 || { cat "$log/venv"; echo "cannot prepare the Python test environment"; }
suite e2e pytest var/test-venv/bin/python -m pytest -q tests/e2e
suite hostile pytest var/test-venv/bin/python -m pytest -q tests/hostile
suite e2e-mysql pytest env CASHBACK_TEST_BACKEND=mysql var/test-venv/bin/python -m pytest -q tests/e2e
suite hostile-mysql pytest env CASHBACK_TEST_BACKEND=mysql var/test-venv/bin/python -m pytest -q tests/hostile
suite fpm plain bash tests/fpm/run.sh "$extension"
suite bench plain bash bench/smoke.sh "$extension"
suite reliability pytest var/test-venv/bin/python -m pytest -q tests/reliability
suite reliability-mysql pytest env CASHBACK_TEST_BACKEND=mysql var/test-venv/bin/python -m pytest -q tests/reliability
suite galera pytest var/test-venv/bin/python -m pytest -q tests/galera
suite onec plain bash tests/onec/run.sh "$extension"
browser_env > "$log/npm" 2>&1 || { cat "$log/npm"; echo "cannot install the browser test's packages"; }
suite browser node node --test tests/browser/

echo "== Summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
