#!/usr/bin/env bash
# tools/bench/timeline.sh - what `flowstitch timeline` adds to `flowstitch
# sessions` on the same input: the medians of RUNS runs (default 5) of
#   sessions            the sessions, written
#   timeline (1 host)   a forensic question: --filter 'host ADDR', its records
#   timeline (none)     --filter that matches nothing: provenance + the second read
#   timeline (all)      every session's records (--format csv)
# in wall seconds, CPU seconds (user + system: the machine is shared, read
# the CPU column) and peak RSS.
# usage: tools/bench/timeline.sh [INPUT [HOST]]
#   (default: flowgen --seed 3 --connections 20000, S3 delivery, 10.0.2.9)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
B=${B:-$PWD/build-bench}
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DFST_TESTS=OFF >/dev/null
cmake --build "$B" -j2 --target flowstitch flowgen >/dev/null
IN=${1:-}
HOST=${2:-10.0.2.9}
if [ -z "$IN" ]; then
  IN=$B/timeline-data/s3
  [ -d "$IN" ] || "$B/tools/flowgen/flowgen" --out "$B/timeline-data" --seed 3 \
      --connections 20000 --delivery s3 --quiet
fi
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# run LABEL ARGS...: RUNS runs; prints the medians
run() {
  local label=$1 w=() c=() m=() out
  shift
  for _ in $(seq "$RUNS"); do
    out=$( { /usr/bin/time -f '%e %U %S %M' "$B/flowstitch" "$@" >/dev/null; } 2>&1 | tail -1)
    read -r e u s k <<<"$out"
    w+=("$e"); c+=("$(echo "$u + $s" | bc)"); m+=("$k")
  done
  printf '%-20s %8s %8s %10s\n' "$label" "$(printf '%s\n' "${w[@]}" | median)" \
    "$(printf '%s\n' "${c[@]}" | median)" "$(( $(printf '%s\n' "${m[@]}" | median) / 1024 ))"
}
printf '%-20s %8s %8s %10s\n' "" "wall s" "cpu s" "peak MiB"
run sessions sessions -q "$IN"
run "timeline (1 host)" timeline -q --filter "host $HOST" "$IN"
run "timeline (none)" timeline -q --filter 'port 1 and port 2' "$IN"
run "timeline (all)" timeline -q --format csv "$IN"
