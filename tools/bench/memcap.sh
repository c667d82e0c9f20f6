#!/usr/bin/env bash
# tools/bench/memcap.sh - peak RSS of `flowstitch sessions` against
# --memcap, batch and --stream, on a port scan (tools/bench/gen_scan.py:
# RECORDS distinct 5-tuples, one record each, so RECORDS sessions).
#
#   tools/bench/memcap.sh [BIN] [RECORDS] [CAP...]
#     BIN      flowstitch binary (default build-rel/flowstitch)
#     RECORDS  scan size (default 2000000)
#     CAP      --memcap values (default: 64M 256M, and "none": the default cap)
#
# Needs /usr/bin/time (Debian package `time`, tools/deps.sh).  The scan is
# generated once into $TMPDIR (or /tmp) as scan-RECORDS.log.  Prints one
# line per run: mode, cap, peak RSS (MiB), sessions written, evictions,
# held_bytes_peak (MiB), wall time; and FAIL when a run lost a session or
# its RSS passed cap + 32 MiB.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build-rel/flowstitch}
n=${2:-2000000}
shift $(( $# >= 2 ? 2 : $# ))
caps=("$@")
[ ${#caps[@]} -gt 0 ] || caps=(64M 256M none)
[ -x /usr/bin/time ] || { echo "memcap.sh: /usr/bin/time missing (tools/deps.sh)" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}
scan=$tmp/scan-$n.log
[ -s "$scan" ] || python3 "$root/tools/bench/gen_scan.py" "$n" "$scan"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
bytes() { # 64M -> bytes
  local v=$1 m=1
  case $v in *K) m=1024;; *M) m=$((1024 * 1024));; *G) m=$((1024 * 1024 * 1024));; esac
  echo $(( ${v%[KMG]} * m ))
}
status=0
printf '%-8s %-6s %10s %10s %9s %10s %8s\n' mode cap rss_MiB sessions evictions held_MiB wall
for mode in batch stream; do
  for cap in "${caps[@]}"; do
    args=(sessions -q --stats "$work/stats.json")
    [ "$mode" = stream ] && args+=(--stream)
    [ "$cap" = none ] || args+=(--memcap "$cap")
    /usr/bin/time -v "$bin" "${args[@]}" "$scan" 2>"$work/time" | wc -l >"$work/count"
    rss_kb=$(awk -F': ' '/Maximum resident/ { print $2 }' "$work/time")
    wall=$(awk -F': ' '/Elapsed/ { print $2 }' "$work/time")
    ev=$(grep -o '"evictions":[0-9]*' "$work/stats.json" | cut -d: -f2)
    held=$(grep -o '"held_bytes_peak":[0-9]*' "$work/stats.json" | cut -d: -f2)
    count=$(cat "$work/count")
    printf '%-8s %-6s %10s %10s %9s %10s %8s' "$mode" "$cap" "$(mib $((rss_kb * 1024)))" \
      "$count" "$ev" "$(mib "$held")" "$wall"
    if [ "$count" -ne "$n" ] ||
       { [ "$cap" != none ] && [ $((rss_kb * 1024)) -gt $(( $(bytes "$cap") + 32 * 1048576 )) ]; }; then
      printf '  FAIL'; status=1
    fi
    printf '\n'
  done
done
exit $status
