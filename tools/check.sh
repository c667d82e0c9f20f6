#!/usr/bin/env bash
# tools/check.sh - README command 2 (and CI): install what is missing, build
# with warnings as errors (Release and Debug) and AddressSanitizer + UndefinedBehaviorSanitizer,
# and run every test; check the layering (tools/check-layers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
# Optimised build first: some warnings (maybe-uninitialized) only show at -O2.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DFST_WERROR=ON -DFST_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)"
# The house stays one-way: includes follow tools/layers.txt, no call cycles.
tools/check-layers.sh build-release
cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Debug -DFST_WERROR=ON -DFST_SANITIZE=ON >/dev/null
cmake --build build-check -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 TZ=UTC
cd build-check
ctest --output-on-failure -j"$(nproc)"
