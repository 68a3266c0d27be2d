#!/usr/bin/env bash
# Fails when php/stubs/cashback.stub.php and the built extension disagree on any
# class, method, parameter, type or modifier (signatures.php), or when anything
# that repeats the ledger's vocabulary or defaults disagrees with the extension
# (vocabulary.php: the stub's lists, the API's statuses, the
# admin filters and labels, the host defaults). Ends with "stubs: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
so="${1:-$PWD/target/release/libcashback.so}"
passed=0
failed=0

if from_extension=$(php -n -d extension="$so" tests/stubs/signatures.php) \
    && from_stub=$(php -n tests/stubs/signatures.php php/stubs/cashback.stub.php) \
    && diff -u <(echo "$from_stub") <(echo "$from_extension") > /tmp/cashback-stub.diff; then
    echo "ok - the stub's signatures are the extension's"
    passed=$((passed + 1))
else
    echo "FAIL - stub and extension differ (- stub, + extension):"
    cat /tmp/cashback-stub.diff
    failed=$((failed + 1))
fi

vocabulary=$(php -n -d extension="$so" tests/stubs/vocabulary.php 2>&1)
status=$?
echo "$vocabulary"
read -r ok bad < <(echo "$vocabulary" | grep -Eo '^vocabulary: [0-9]+ passed, [0-9]+ failed$' | awk '{print $2, $4}')
ok=${ok:-0}
bad=${bad:-0}
# A script that died before its summary, or failed without saying so, still fails.
if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
passed=$((passed + ok))
failed=$((failed + bad))

echo "stubs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
