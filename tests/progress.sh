#!/bin/sh
# tests/progress.sh FLOWSTITCH DIR - the progress line on a terminal:
# run under a pseudo-terminal (script(1), util-linux) with an input that
# takes a second to arrive, so the line is drawn; it is cleared at the
# end ("\r" + erase line), and absent with -q or when stderr is no terminal.
set -eu
bin=$1
input=$(find "$2" -name "*.log.gz" | sort | head -n 1)
[ -n "$input" ] || { echo "progress: no .log.gz under $2" >&2; exit 1; }
command -v script >/dev/null || { echo "progress: no script(1); skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
slow="sh -c 'sleep 1; cat \"$input\"'"
script -qc "$slow | '$bin' records -o /dev/null -" "$tmp/tty" >/dev/null
grep -q 'flowstitch: 0/1 files, 0.0 M records' "$tmp/tty" ||
  { echo "progress: no progress line on the terminal:" >&2; od -c "$tmp/tty" | head >&2; exit 1; }
printf '\r\033[K' > "$tmp/clear"
grep -qF "$(cat "$tmp/clear")" "$tmp/tty" || { echo "progress: line not cleared" >&2; exit 1; }
script -qc "$slow | '$bin' records -q -o /dev/null -" "$tmp/quiet" >/dev/null
! grep -q 'files,' "$tmp/quiet" || { echo "progress: shown despite -q" >&2; exit 1; }
eval "$slow" | "$bin" records -o /dev/null - 2>"$tmp/err"
! grep -q 'files,' "$tmp/err" || { echo "progress: shown on a non-terminal" >&2; exit 1; }
echo "progress: drawn and cleared on a terminal; not with -q or off a terminal"
