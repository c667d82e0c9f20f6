#!/usr/bin/env bash
# tools/bench/readside.sh - the read and write side: records/s and peak RSS
# of the reader alone (fst-bench-read), `records --format jsonl` to a file
# and `sessions`, each with --threads 1 (everything on one thread) and the
# default (parse threads, one per CPU; files apart), on one plain file, the
# same records as one gz file and as 40 gz files (an S3 prefix), beside the
# floors measured in the same run: `cat` and `zcat` of the same files and
# isa-l inflating the gz file alone (fst-bench-inflate), and, when BASE is
# set, the same commands of another binary (the one before the change).
#
# usage: tools/bench/readside.sh BUILD_DIR [RECORDS] [RUNS]
#   BUILD_DIR  a Release build (flowstitch, tools/bench/fst-bench-read,
#              tools/bench/fst-bench-inflate)
#   RECORDS    default 1000000; RUNS default 3 (each row: the median)
#   BASE=/path/to/flowstitch   adds that binary's rows
#   DATA=dir   where the generated files go (default /tmp/fst-readside);
#              kept between runs
# The records come from ../shared/bench/gen_bulk.c (SHARED=... to point
# elsewhere): default-format lines of 2,000 ENIs, shuffled, as the
# side-by-side benchmark uses.  Machines are shared and noisy: read ratios.
set -euo pipefail
B=$(cd "${1:?usage: readside.sh BUILD_DIR [RECORDS] [RUNS]}" && pwd)
N=${2:-1000000}
RUNS=${3:-3}
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$PWD/../shared}
DATA=${DATA:-/tmp/fst-readside}
FS=$B/flowstitch
READ=$B/tools/bench/fst-bench-read
INFL=$B/tools/bench/fst-bench-inflate
for x in "$FS" "$READ"; do [ -x "$x" ] || { echo "readside: $x not built" >&2; exit 1; }; done
command -v /usr/bin/time >/dev/null || { echo "readside: needs /usr/bin/time (Debian time)" >&2; exit 1; }

mkdir -p "$DATA"
PLAIN=$DATA/bulk_$N.log GZ=$DATA/bulk_$N.log.gz SPLIT=$DATA/split_$N
if [ ! -x "$DATA/gen_bulk" ]; then
  cc -O2 -o "$DATA/gen_bulk" "$SHARED/bench/gen_bulk.c" -lz -lm
fi
[ -s "$PLAIN" ] || "$DATA/gen_bulk" -n "$N" --seed 1 -o "$PLAIN" >/dev/null
[ -s "$GZ" ] || gzip -6 -n -c "$PLAIN" > "$GZ"
if [ ! -d "$SPLIT" ]; then
  mkdir -p "$SPLIT"
  split -n l/40 -d -a 2 --filter='gzip -1 -n > $FILE.log.gz' "$PLAIN" "$SPLIT/part"
fi
REC=$(wc -l < "$PLAIN")

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# row LABEL COMMAND: RUNS runs under /usr/bin/time; prints the row
row() {
  local label=$1 cmd=$2 t=() m=() i
  for ((i = 0; i < RUNS; i++)); do
    local out
    out=$(/usr/bin/time -f '%e %M' bash -c "$cmd" 2>&1 >/dev/null | tail -1)
    t+=("${out% *}")
    m+=("${out#* }")
  done
  local s kb
  s=$(printf '%s\n' "${t[@]}" | median)
  kb=$(printf '%s\n' "${m[@]}" | median)
  awk -v l="$label" -v s="$s" -v kb="$kb" -v n="$REC" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.0f |\n", l, (s > 0 ? n / s / 1e6 : 0), s, kb / 1024 }'
}

echo "readside: $REC records; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS"
echo
echo "| row | M records/s | seconds | peak MiB |"
echo "|---|---:|---:|---:|"
row "floor: cat, plain" "cat $PLAIN"
row "floor: zcat, gz" "zcat $GZ"
for t in 1 0; do
  tl=$([ $t = 1 ] && echo "1 thread" || echo "default threads")
  row "reader alone, $tl, plain" "$READ $t $PLAIN"
  row "reader alone, $tl, gz" "$READ $t $GZ"
  row "reader alone, $tl, 40 gz files" "$READ $t $SPLIT"
done
OUT=$DATA/out.jsonl
if [ -n "${BASE:-}" ]; then
  row "BASE records jsonl to a file, plain" "$BASE records -q $PLAIN > $OUT"
  row "BASE records jsonl to a file, gz" "$BASE records -q $GZ > $OUT"
  row "BASE sessions, plain" "$BASE sessions -q $PLAIN"
  row "BASE sessions, gz" "$BASE sessions -q $GZ"
  row "BASE sessions, 40 gz files" "$BASE sessions -q $SPLIT"
fi
for t in "--threads 1" ""; do
  tl=${t:-default threads}
  row "records jsonl to a file, $tl, plain" "$FS records -q $t $PLAIN > $OUT"
  row "records jsonl to a file, $tl, gz" "$FS records -q $t $GZ > $OUT"
  row "records jsonl to a file, $tl, 40 gz files" "$FS records -q $t $SPLIT > $OUT"
  row "sessions, $tl, plain" "$FS sessions -q $t $PLAIN"
  row "sessions, $tl, gz" "$FS sessions -q $t $GZ"
  row "sessions, $tl, 40 gz files" "$FS sessions -q $t $SPLIT"
done
rm -f "$OUT"
if [ -x "$INFL" ]; then
  echo
  echo "inflate alone, one core, the gz file (fst-bench-inflate, best of $RUNS):"
  "$INFL" "$GZ" "$RUNS"
fi
