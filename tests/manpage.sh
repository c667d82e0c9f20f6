#!/bin/sh
# tests/manpage.sh MANPAGE - the man page renders without a groff warning
# and has the sections a reader looks for.
set -eu
page=$1
command -v groff >/dev/null || { echo "manpage: groff missing (tools/deps.sh installs groff-base)" >&2; exit 1; }
warn=$(groff -man -ww -z "$page" 2>&1)
[ -z "$warn" ] || { echo "manpage: groff warnings:" >&2; echo "$warn" >&2; exit 1; }
text=$(groff -man -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g')
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
  printf '%s\n' "$text" | grep -q "^$s\$" || { echo "manpage: no section $s" >&2; exit 1; }
done
for w in sessions records help --format --time-format --quiet --version; do
  printf '%s\n' "$text" | grep -q -- "$w" || { echo "manpage: '$w' not mentioned" >&2; exit 1; }
done
echo "manpage: renders cleanly, all sections present"
