#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer and UBSan.
#
#   scripts/test-asan.sh [CTEST ARGS...]     e.g. scripts/test-asan.sh -L fuzz
#
# Configures build-asan with -DADDRMIG_SANITIZE=ON (every target: the library,
# the binary, the test support library and the tests), builds with -j2 and runs
# ctest there. Any leak, memory error or undefined behaviour aborts the test
# that hit it, so ctest fails. Same as `cmake --preset asan && cmake --build
# --preset asan && ctest --preset asan`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-asan"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADDRMIG_SANITIZE=ON >/dev/null
cmake --build "$build" -j2

# The addrmig binary that CLI tests start inherits these too.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 "$@"
