#!/usr/bin/env bash
# tools/fuzz/smoke.sh - the fuzz smoke tools/check.sh runs, so a crash the
# fuzzers once found (or one a seed shows) cannot land again.
#
#   tools/fuzz/smoke.sh BUILD_DIR     # BUILD_DIR: a -DFST_SANITIZE=ON build
#
# 1. Replay (any C compiler): each target is linked with
#    tools/fuzz/replay_main.c and BUILD_DIR/libflowstitch.a (ASan + UBSan)
#    and run once on every seed (tools/fuzz/corpus*, fixtures/) and every
#    saved crash (tools/fuzz/crashes/).
# 2. When clang with libFuzzer is here and FUZZ_SECONDS is not 0: each
#    libFuzzer target (tools/fuzz/build.sh) runs FUZZ_SECONDS (default 5)
#    seconds on a scratch copy of its seeds.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:?usage: tools/fuzz/smoke.sh BUILD_DIR}
CC=${CC:-cc}
OUT=$B/fuzz-smoke
mkdir -p "$OUT"
FLAGS=(-std=c11 -g -O1 -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L
       -fsanitize=address,undefined -fno-sanitize-recover=all
       -Iinclude -I"$B/include" -Isrc)
LIBS=(-lz -lm -lpthread $(pkg-config --libs jansson))
[ -f /usr/include/isa-l/igzip_lib.h ] && LIBS+=(-lisal)
# the CMake library writes IPFIX through libfixbuf when it was found
pkg-config --exists libfixbuf && LIBS+=($(pkg-config --libs libfixbuf))
seeds=(tools/fuzz/corpus tools/fuzz/corpus-envelope tools/fuzz/crashes fixtures)
for t in fuzz_reader fuzz_sessions fuzz_envelope; do
    "$CC" "${FLAGS[@]}" "tools/fuzz/$t.c" tools/fuzz/replay_main.c "$B/libflowstitch.a" \
        "${LIBS[@]}" -o "$OUT/$t"
    # large fixtures are skipped: the targets take at most 4096 bytes when fuzzing
    small=$(mktemp -d "$OUT/seeds.XXXXXX")
    find "${seeds[@]}" -type f -size -64k | while read -r f; do
        cp "$f" "$small/$(echo "$f" | tr / _)"
    done
    echo "fuzz smoke: $t replay" >&2
    FST_INFLATE=zlib "$OUT/$t" "$small" >/dev/null
    "$OUT/$t" "$small"
    rm -rf "$small"
done
secs=${FUZZ_SECONDS:-5}
if [ "$secs" != 0 ] && command -v clang >/dev/null; then
    tools/fuzz/build.sh >/dev/null
    for t in fuzz_reader fuzz_sessions fuzz_envelope; do
        work=$(mktemp -d build-fuzz/smoke.XXXXXX)
        if [ $t = fuzz_envelope ]; then cp tools/fuzz/corpus-envelope/* "$work/"; dict=envelope
        else cp tools/fuzz/corpus/* "$work/"; dict=flowlog; fi
        echo "fuzz smoke: $t, $secs s of libFuzzer" >&2
        build-fuzz/$t -max_total_time="$secs" -max_len=4096 -dict=tools/fuzz/$dict.dict \
            -artifact_prefix=build-fuzz/smoke- "$work" 2>&1 | tail -1
        rm -rf "$work"
    done
fi
