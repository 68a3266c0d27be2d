#!/usr/bin/env bash
# Runs every test suite, prints one summary line per suite and a closing
# "N passed, N failed" total; exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
extension="${1:-$PWD/target/release/libcashback.so}"
passed=0
failed=0
log=$(mktemp -d)

record() { # suite, passed, failed, exit status
    local suite=$1 ok=$2 bad=$3 status=$4
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
    passed=$((passed + ok)); failed=$((failed + bad))
    printf '%-8s %5d passed, %d failed\n' "$suite" "$ok" "$bad"
}

echo "== Rust core (cargo test)"
cargo test 2>&1 | tee "$log/rust"
status=${PIPESTATUS[0]}
ok=$(grep -Eo '[0-9]+ passed' "$log/rust" | awk '{s+=$1} END {print s+0}')
bad=$(grep -Eo '[0-9]+ failed' "$log/rust" | awk '{s+=$1} END {print s+0}')
rust=("$ok" "$bad" "$status")

echo "== IDE stubs against the extension"
tests/stubs/check.sh "$extension" 2>&1 | tee "$log/stubs"
status=${PIPESTATUS[0]}
stubs=($([ "$status" -eq 0 ] && echo "1 0" || echo "0 1") "$status")

echo "== .phpt (PHP's run-tests.php)"
TEST_PHP_EXECUTABLE=$(command -v php) TEST_PHP_ARGS="-d extension=$extension" \
    php "$(php-config --extension-dir)/build/run-tests.php" -q --show-diff tests/phpt 2>&1 | tee "$log/phpt"
status=${PIPESTATUS[0]}
count() { grep -E "^Tests $1 *:" "$log/phpt" | head -1 | sed -E 's/^[^:]*: *([0-9]+).*/\1/'; }
ok=$(count passed)
bad=$(count failed)
phpt=("${ok:-0}" "${bad:-0}" "$status")

echo "== Summary"
record rust "${rust[@]}"
record stubs "${stubs[@]}"
record phpt "${phpt[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
