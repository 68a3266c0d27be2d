#!/usr/bin/env bash
# Fails when php/stubs/cashback.stub.php and the built extension disagree on any
# class, method, parameter, type or modifier.
set -euo pipefail
cd "$(dirname "$0")/../.."
so="${1:-$PWD/target/release/libcashback.so}"
from_extension=$(php -n -d extension="$so" tests/stubs/signatures.php)
from_stub=$(php -n tests/stubs/signatures.php php/stubs/cashback.stub.php)
if ! diff -u <(echo "$from_stub") <(echo "$from_extension") > /tmp/cashback-stub.diff; then
    echo "stub and extension differ (- stub, + extension):"
    cat /tmp/cashback-stub.diff
    exit 1
fi
echo "stubs: 1 passed, 0 failed"
