#!/bin/sh
# tests/install.sh BUILD_DIR CC [CFLAGS] - install the build into a
# temporary prefix, then compile and run a tiny program against it twice:
# with `pkg-config --cflags --libs flowstitch` and with a CMake project
# using find_package(flowstitch).  Both must print fst_version().
set -eu
build=$1 cc=$2 cflags=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
want=$(sed -n 's/^#define FST_VERSION_STRING "\(.*\)"/\1/p' "$build/include/flowstitch/version.h")
[ -n "$want" ] || { echo "install: no version in version.h" >&2; exit 1; }
pcdir=$(dirname "$(find "$tmp/prefix" -name flowstitch.pc)")
libdir=$(dirname "$pcdir")
[ -f "$tmp/prefix/share/man/man1/flowstitch.1" ] || { echo "install: no man page" >&2; exit 1; }
[ -x "$tmp/prefix/bin/flowstitch" ] || { echo "install: no binary" >&2; exit 1; }
cat > "$tmp/v.c" <<'C'
#include <stdio.h>
#include <flowstitch.h>
int main(void) { printf("%s\n", fst_version()); return 0; }
C
# pkg-config, shared library
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs flowstitch)
# shellcheck disable=SC2086
"$cc" $cflags -o "$tmp/v" "$tmp/v.c" $flags
got=$(LD_LIBRARY_PATH=$libdir "$tmp/v")
[ "$got" = "$want" ] || { echo "install: pkg-config program printed '$got', want '$want'" >&2; exit 1; }
# find_package
mkdir "$tmp/proj"
cp "$tmp/v.c" "$tmp/proj/v.c"
cat > "$tmp/proj/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.21)
project(v LANGUAGES C)
find_package(flowstitch 0.1 REQUIRED)
add_executable(v v.c)
target_link_libraries(v PRIVATE flowstitch::flowstitch)
C
cmake -S "$tmp/proj" -B "$tmp/proj/b" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" >/dev/null
cmake --build "$tmp/proj/b" >/dev/null
got=$("$tmp/proj/b/v")
[ "$got" = "$want" ] || { echo "install: find_package program printed '$got', want '$want'" >&2; exit 1; }
echo "install: pkg-config and find_package programs print $got"
