#!/usr/bin/env bash
# Fuzzes the ledger core with cargo-fuzz (libFuzzer) for a bounded time per target.
#
#   tests/fuzz/run.sh [seconds-per-target] [target...]     (default: 60 s, every target)
#
# 1. installs cargo-fuzz when missing (`cargo install cargo-fuzz --locked`);
# 2. builds every target once: `cargo fuzz build -O -a` (optimized, with debug
#    assertions and overflow checks, AddressSanitizer). cargo-fuzz needs nightly
#    features; RUSTC_BOOTSTRAP=1 unlocks them on the stable toolchain;
# 3. replays fuzz/regressions/<target>/* (inputs that crashed once) and fails
#    the target if any of them crashes again;
# 4. fuzzes each target for the given time, starting from the seeds in
#    fuzz/corpus/<target> plus what earlier runs found (var/fuzz/corpus/<target>,
#    where new inputs are written, so the committed seeds stay as they are);
#    crashing inputs go to fuzz/artifacts/<target>/;
# 5. prints per target the executions and whether it crashed, writes
#    var/fuzz-last-run.json, and ends with "N passed, M failed" (N = targets
#    without a crash). Exits non-zero on any crash or build failure.
#
# A crash is reproduced with   fuzz/target/<host>/release/<target> <artifact>
# and minimized with           RUSTC_BOOTSTRAP=1 cargo fuzz tmin -O -a <target> <artifact>
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [seconds-per-target] [target...]" >&2
    exit 2
fi
all_targets=(phone amount timestamp transaction batch body)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

export RUSTC_BOOTSTRAP=1
var=$root/var/fuzz
mkdir -p "$var/logs"
summary_file=$root/var/fuzz-last-run.json

# Removed on exit: the batch target keeps its database in a temp dir for the whole process.
export TMPDIR
TMPDIR=$(mktemp -d "$var/tmp.XXXXXX")
trap 'rm -rf "$TMPDIR"' EXIT

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked || { echo "cannot install cargo-fuzz"; echo "0 passed, ${#targets[@]} failed"; exit 1; }
fi

host=$(rustc -vV | sed -n 's/^host: //p')
bin_dir=$root/fuzz/target/$host/release

echo "== building fuzz targets: cargo fuzz build -O -a"
build_started=$(date +%s)
cargo fuzz build -O -a >"$var/logs/build.log" 2>&1
build_status=$?
grep -E '^(error|warning)|Finished' "$var/logs/build.log"
if [ "$build_status" -ne 0 ]; then
    echo "build failed, see $var/logs/build.log"
    tail -n 30 "$var/logs/build.log"
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi
echo "built in $(($(date +%s) - build_started)) s"

# The panic message or sanitizer report of a crash log, without the stack trace.
crash_excerpt() {
    grep -E -A3 'panicked at|ERROR: AddressSanitizer|ERROR: LeakSanitizer|ERROR: libFuzzer: (timeout|out-of-memory)' "$1" \
        | grep -vE '^ *#[0-9]|^stack backtrace|^--$' | head -n 12 | cut -c1-1000
}

artifacts() { find "$root/fuzz/artifacts/$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | sort; }

passed=0
failed=0
json_rows=()
for target in "${targets[@]}"; do
    bin=$bin_dir/$target
    log=$var/logs/$target.log
    if [ ! -x "$bin" ]; then
        echo "== $target: no such fuzz target ($bin)"
        failed=$((failed + 1))
        json_rows+=("\"$target\": {\"executions\": 0, \"crashes\": 1, \"regressions_replayed\": 0, \"error\": \"no such target\"}")
        continue
    fi
    mkdir -p "$var/corpus/$target" "$root/fuzz/artifacts/$target" "$root/fuzz/corpus/$target"

    # Regressions: every input that crashed once must keep passing.
    regressions=()
    if [ -d "$root/fuzz/regressions/$target" ]; then
        while IFS= read -r -d '' file; do regressions+=("$file"); done \
            < <(find "$root/fuzz/regressions/$target" -type f -print0 | sort -z)
    fi
    regression_crashes=0
    if [ ${#regressions[@]} -gt 0 ]; then
        if ! "$bin" -runs=0 "${regressions[@]}" >"$var/logs/$target.regressions.log" 2>&1; then
            regression_crashes=1
            echo "== $target: a regression input crashes again, see $var/logs/$target.regressions.log"
            crash_excerpt "$var/logs/$target.regressions.log"
        fi
    fi

    before=$(artifacts "$target")
    echo "== $target: fuzzing for $seconds s (seeds fuzz/corpus/$target, ${#regressions[@]} regression inputs)"
    # Transactions and batches are generated from the input bytes: let inputs grow to ~50-item batches.
    case $target in transaction | batch) max_len=(-max_len=8192) ;; *) max_len=() ;; esac
    "$bin" "$var/corpus/$target" "$root/fuzz/corpus/$target" "${max_len[@]}" \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096 \
        -artifact_prefix="$root/fuzz/artifacts/$target/" >"$log" 2>&1
    status=$?
    executions=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+$')
    executions=${executions:-0}
    new_artifacts=$(comm -13 <(echo "$before") <(artifacts "$target") | sed '/^$/d')
    crashes=$(printf '%s' "$new_artifacts" | grep -c . || true)
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
    crashes=$((crashes + regression_crashes))

    if [ "$crashes" -eq 0 ]; then
        passed=$((passed + 1))
        printf '%-12s %12s executions  no crash\n' "$target" "$executions"
    else
        failed=$((failed + 1))
        printf '%-12s %12s executions  CRASHED (exit %s), log %s\n' "$target" "$executions" "$status" "$log"
        crash_excerpt "$log"
        for file in $new_artifacts; do
            echo "   input: $file"
            echo "   minimize: RUSTC_BOOTSTRAP=1 cargo fuzz tmin -O -a $target $file"
        done
    fi
    json_rows+=("\"$target\": {\"executions\": $executions, \"crashes\": $crashes, \"regressions_replayed\": ${#regressions[@]}, \"seconds\": $seconds}")
done

{
    echo "{"
    for index in "${!json_rows[@]}"; do
        separator=","
        [ "$index" -eq $((${#json_rows[@]} - 1)) ] && separator=""
        echo "  ${json_rows[$index]}$separator"
    done
    echo "}"
} >"$summary_file"
echo "summary: $summary_file"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
