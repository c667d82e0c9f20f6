#!/usr/bin/env bash
# tools/check.sh - README command 2 (and CI): install what is missing, build
# with warnings as errors and AddressSanitizer + UndefinedBehaviorSanitizer,
# and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Debug -DFST_WERROR=ON -DFST_SANITIZE=ON >/dev/null
cmake --build build-check -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 TZ=UTC
cd build-check
ctest --output-on-failure -j"$(nproc)"
