#!/bin/sh
# tests/forensics.sh BUILD_DIR [DOC] - run every command of docs/forensics.md
# and check that it prints exactly what the document shows, so the walk
# stays true.  In the document, each ```console block holds commands
# (lines starting with "$ ") each followed by its expected output (the
# lines up to the next command or the end of the block).  Commands run in
# a fresh directory with BUILD_DIR (flowstitch) and BUILD_DIR/tools/flowgen
# (flowgen) first on PATH, TZ=UTC, through sh -c.
set -eu
build=$(cd "$1" && pwd)
doc=${2:-$(dirname "$0")/../docs/forensics.md}
doc=$(cd "$(dirname "$doc")" && pwd)/$(basename "$doc")
[ -x "$build/flowstitch" ] || { echo "forensics: no $build/flowstitch" >&2; exit 1; }
[ -x "$build/tools/flowgen/flowgen" ] || { echo "forensics: no flowgen (FST_TOOLS=OFF?)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH=$build:$build/tools/flowgen:$PATH
TZ=UTC
export PATH TZ
# Split the document into numbered command files and expected outputs.
awk -v dir="$tmp" '
    /^```console$/ { inblk = 1; next }
    /^```$/ && inblk { inblk = 0; next }
    !inblk { next }
    /^\$ / { n++; printf "%s\n", substr($0, 3) > (dir "/cmd." n); printf "" > (dir "/want." n); next }
    n { print > (dir "/want." n) }
' "$doc"
mkdir "$tmp/work"
i=1 fails=0
while [ -f "$tmp/cmd.$i" ]; do
    cmd=$(cat "$tmp/cmd.$i")
    (cd "$tmp/work" && sh -c "$cmd") > "$tmp/got.$i" 2>"$tmp/err.$i" || {
        echo "forensics: command $i failed: $cmd" >&2
        cat "$tmp/err.$i" >&2
        fails=$((fails + 1))
    }
    if ! cmp -s "$tmp/want.$i" "$tmp/got.$i"; then
        echo "forensics: command $i printed something else than the document shows: $cmd" >&2
        diff "$tmp/want.$i" "$tmp/got.$i" >&2 || true
        fails=$((fails + 1))
    fi
    i=$((i + 1))
done
[ "$i" -gt 1 ] || { echo "forensics: no commands found in $doc" >&2; exit 1; }
[ "$fails" -eq 0 ] || exit 1
echo "forensics: $((i - 1)) commands, all as documented"
