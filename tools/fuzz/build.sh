#!/usr/bin/env bash
# tools/fuzz/build.sh - build the libFuzzer targets into build-fuzz/ (not part
# of the CMake build).  Needs clang with libFuzzer (Debian: apt-get install
# clang).  The library sources are compiled with the same sanitizers plus
# -fsanitize=fuzzer-no-link so the fuzzer sees their coverage.
#
#   tools/fuzz/build.sh                 # -> build-fuzz/fuzz_reader, fuzz_sessions, fuzz_envelope
#   CC=clang-14 tools/fuzz/build.sh
#   FUZZ_SAN=address,undefined tools/fuzz/build.sh   (the default)
set -euo pipefail
cd "$(dirname "$0")/../.."
CC=${CC:-clang}
SAN=${FUZZ_SAN:-address,undefined}
OUT=build-fuzz
mkdir -p "$OUT/obj"

if ! command -v "$CC" >/dev/null; then
    echo "build.sh: $CC not found (apt-get install -y clang)" >&2
    exit 1
fi

CFLAGS=(-std=c11 -g -O1 -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L
        -fsanitize="$SAN" -fno-sanitize-recover=all
        -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
        -Wno-unused-parameter
        -Iinclude -Isrc)
LIBS=(-lz -lm)
if pkg-config --exists jansson; then
    CFLAGS+=($(pkg-config --cflags jansson))
    LIBS+=($(pkg-config --libs jansson))
else
    LIBS+=(-ljansson)
fi
# isa-l's igzip, as in the CMake build, when present (FST_INFLATE=zlib at run
# time selects zlib anyway).
if [ -f /usr/include/isa-l/igzip_lib.h ]; then
    CFLAGS+=(-DFST_HAVE_ISAL=1)
    LIBS+=(-lisal)
fi

objs=()
for src in src/util/*.c src/io/*.c src/parse/*.c src/core/*.c src/meta/*.c src/out/*.c; do
    obj="$OUT/obj/$(echo "${src%.c}" | tr / _).o"
    # clang -Wformat=2 also flags the library's vprintf-style helpers
    "$CC" "${CFLAGS[@]}" -Wno-format-nonliteral -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    objs+=("$obj")
done

for t in fuzz_reader fuzz_sessions fuzz_envelope; do
    "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer "tools/fuzz/$t.c" "${objs[@]}" "${LIBS[@]}" \
        -o "$OUT/$t"
    echo "built $OUT/$t"
done
