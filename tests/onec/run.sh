#!/usr/bin/env bash
# Everything that can be checked about the 1C extension here: the BSL lint (lint.sh) and
# the pytest suite (fixture replay against the standalone host, fixtures <-> BSL
# agreement, the Designer dump's consistency). Closing line: "N passed, M failed".
#   tests/onec/run.sh [path/to/libcashback.so]
set -uo pipefail
cd "$(dirname "$0")/../.."
export CASHBACK_EXTENSION="${1:-${CASHBACK_EXTENSION:-$PWD/target/release/libcashback.so}}"
log=$(mktemp -d)
bash tests/onec/lint.sh 2>&1 | tee "$log/lint"
read -r lint_ok lint_bad < <(tail -n 1 "$log/lint" | awk '{print $1+0, $3+0}')
venv=var/test-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt > "$log/pip" 2>&1 || cat "$log/pip"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/onec 2>&1 | tee "$log/pytest"
status=${PIPESTATUS[0]}
read -r py_ok py_bad < <(tail -n 3 "$log/pytest" | awk '{for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p = $i; if ($(i+1) ~ /^(failed|errors?)/) f += $i }} END {print p+0, f+0}')
if [ "$status" -ne 0 ] && [ "$py_bad" -eq 0 ]; then py_bad=1; fi
echo "$((lint_ok + py_ok)) passed, $((lint_bad + py_bad)) failed"
[ $((lint_bad + py_bad)) -eq 0 ]
