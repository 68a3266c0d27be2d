#!/usr/bin/env bash
# Lints the 1C extension's BSL (1c/extension) with onec-hbk-bsl in its own virtual
# environment (var/onec-lint-venv), with the rule exceptions of 1c/onec-hbk-bsl.toml.
# Prints the findings and a closing "N passed, M failed"; exits non-zero on any finding.
#
# onec-hbk-bsl (and onec-hbk-bsl-core) declare Requires-Python >=3.12, so the venv is made
# with the first Python >= 3.12 found: $ONEC_LINT_PYTHON, python3.13/python3.12 on PATH,
# then pyenv's versions. Debian 12's own python3 is 3.11, for which pip finds no version.
set -uo pipefail
cd "$(dirname "$0")/../.."
venv=var/onec-lint-venv
requirements=tests/onec/requirements-lint.txt

find_python() {
    local candidate
    for candidate in "${ONEC_LINT_PYTHON:-}" python3.14 python3.13 python3.12 \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" > /dev/null 2>&1 || [ -x "$candidate" ] || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2> /dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$venv/bin/onec-hbk-bsl" ]; then
    python=$(find_python) || {
        echo "no Python >= 3.12 here: onec-hbk-bsl 0.8.53 requires it (pip on $(python3 --version 2>&1) finds no version)."
        echo "Set ONEC_LINT_PYTHON to a python3.12+ interpreter (pyenv install 3.12, or Debian 13's python3)."
        echo "0 passed, 1 failed"
        exit 1
    }
    rm -rf "$venv"
    "$python" -m venv "$venv" || { echo "cannot make a venv with $python"; echo "0 passed, 1 failed"; exit 1; }
fi
# Installs the pinned version (a no-op when it is there).
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" || {
    echo "cannot install $(grep -v '^#' "$requirements") into $venv"
    echo "0 passed, 1 failed"
    exit 1
}

echo "== $("$venv/bin/onec-hbk-bsl" --version) on $("$venv/bin/python" --version), config 1c/onec-hbk-bsl.toml"
passed=0
failed=0
# One check per module: the closing line counts modules with and without findings.
cd 1c
mapfile -t modules < <(find extension -name '*.bsl' | sort)
for module in "${modules[@]}"; do
    if output=$("../$venv/bin/onec-hbk-bsl" check "$module" 2>&1); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "$output"
    fi
done
# And the whole tree at once (cross-file rules, the module XML flags).
if output=$("../$venv/bin/onec-hbk-bsl" check extension 2>&1); then
    passed=$((passed + 1))
    echo "$output"
else
    failed=$((failed + 1))
    echo "$output"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
