#!/usr/bin/env bash
# tools/bench/stream_flat.sh - does `sessions --stream` stay flat in memory
# as the input grows?  Peak RSS of 1, 2 and 4 copies of one day of
# time-ordered records, each copy shifted 25 h later (so 10 M, 20 M and
# 40 M records with the default size), for each binary given, in the same
# run (the first is the baseline).
#
#   tools/bench/stream_flat.sh [RECORDS] BIN [BIN...]
#     RECORDS  records per day (default 10000000)
#
# The day comes from the side-by-side benchmark's generator
# (../shared/bench/gen_bulk.c, built into $TMPDIR): 2,000 ENIs, windows in
# time order (--shuffle-windows 1).  Each seam between copies has late
# records (the end of one day and the start of the next overlap), which
# legitimately holds more keys once (held_bytes_peak in --stats); past the
# first seam the peak should not grow.  With CONTINUOUS=1 there is no seam:
# one stream of 4 x RECORDS records over 4 days at the same rate is made,
# and its first RECORDS, 2 x and 4 x RECORDS records are read (time-ordered
# prefixes, 1, 2 and 4 days), with ENIS interfaces (default 8,000: the
# generator keeps every 5-tuple unique over its whole output, and at 2,000
# ENIs it runs out of ICMP pairs after ~23 M records).  Needs /usr/bin/time
# and mawk or awk.
# Prints per binary and copy count: records, peak RSS (MiB), held_bytes_peak
# (MiB), late records, sessions, wall seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=10000000
case ${1:-} in ''|*[!0-9]*) ;; *) n=$1; shift ;; esac
[ $# -ge 1 ] || { echo "usage: stream_flat.sh [RECORDS] BIN [BIN...]" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "stream_flat.sh: /usr/bin/time missing (tools/deps.sh)" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}
gen=$tmp/fst-gen_bulk
src=$root/../shared/bench/gen_bulk.c
[ -x "$gen" ] || gcc -O2 -o "$gen" "$src" -lz -lm
day=$tmp/stream-day-$n.log
[ -s "$day" ] || "$gen" -n "$n" --seed 3 --minutes 1440 --shuffle-windows 1 -o "$day" 2>/dev/null
awk=$(command -v mawk || command -v awk)
if [ "${CONTINUOUS:-0}" = 1 ]; then
  enis=${ENIS:-8000}
  days4=$tmp/stream-4days-$n-$enis.log
  [ -s "$days4" ] || { "$gen" -n $((4 * n)) --seed 3 --minutes 5760 --enis "$enis" \
    --shuffle-windows 1 -o "$days4.tmp" 2>/dev/null && mv "$days4.tmp" "$days4"; }
fi
copies() { # the day K times, copy k shifted by 25 h * k (CONTINUOUS: K days of one stream)
  if [ "${CONTINUOUS:-0}" = 1 ]; then head -n $(($1 * n)) "$days4"; return; fi
  for k in $(seq 0 $(($1 - 1))); do
    if [ "$k" = 0 ]; then cat "$day"; else "$awk" -v d=$((90000 * k)) '{$11+=d; $12+=d; print}' "$day"; fi
  done
}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf '%-40s %6s %10s %8s %9s %8s %10s %7s\n' binary copies records rss_MiB held_MiB late sessions wall
for k in 1 2 4; do
  for bin in "$@"; do
    copies "$k" | /usr/bin/time -f '%M %e' -o "$work/time" \
      "$bin" sessions --stream -q -o /dev/null --stats "$work/stats.json" - 2>/dev/null
    read -r rss wall <"$work/time"
    python3 - "$work/stats.json" "$bin" "$k" "$n" "$rss" "$wall" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
bin_, k, n, rss, wall = sys.argv[2:]
print(f"{bin_[-40:]:<40} {k:>6} {int(k) * int(n):>10} {int(rss) / 1024:>8.1f} "
      f"{s['held_bytes_peak'] / 1048576:>9.1f} {s['records_late']:>8} {s['sessions']:>10} {float(wall):>7.1f}")
EOF
  done
done
