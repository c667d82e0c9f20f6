#!/usr/bin/env bash
# tools/demo.sh - README command 1: install what is missing, build, and show
# flowstitch turning the shipped fixtures into sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFST_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== flowstitch sessions fixtures/demo (records from two ENIs, out of order) =="
if build/flowstitch sessions --help >/dev/null 2>&1; then
  build/flowstitch sessions fixtures/demo
else
  build/flowstitch records fixtures/demo
fi
