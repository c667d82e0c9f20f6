#!/usr/bin/env bash
# tools/bench/bench.sh - throughput and peak memory of `flowstitch sessions`
# (and `account` on the same input: what it adds) on generated records,
# printed beside baselines run in the same command:
#   split   the bare one-core split-and-parse loop (fst-bench-split)
#   duckdb  DuckDB (threads=2) running the equivalent bidirectional GROUP BY
#   inflate each inflater's own speed on the same gzip file (zlib, isa-l, libdeflate)
# Timings are the median of RUNS runs (default 3); machines are shared and
# noisy, so read the ratios.
# usage: tools/bench/bench.sh [RECORDS ...]     (default: 1000000 10000000)
# then batch beside --stream on STREAM_RECORDS (default 5000000) records of
# S3 delivery over STREAM_HOURS (default 6) hours; STREAM_RECORDS=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUNS=${RUNS:-3}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 10000000)
B=$ROOT/build-bench
tools/deps.sh
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DFST_TESTS=OFF >/dev/null
cmake --build "$B" -j"$(nproc)" >/dev/null
FLOWGEN=$(find "$B" -name flowgen -type f -perm -u+x | head -1)
[ -n "$FLOWGEN" ] || { echo "bench: flowgen was not built" >&2; exit 1; }

DUCK=$B/node
if [ ! -d "$DUCK/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$DUCK"
  (cd "$DUCK" && npm install --silent --no-audit --no-fund @duckdb/node-api >/dev/null 2>&1) ||
    echo "bench: could not install @duckdb/node-api from npm; DuckDB baseline skipped" >&2
fi

# median of a list of numbers
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# run_fs FILE [COMMAND ARGS...]: RUNS runs of `flowstitch COMMAND` (default
# sessions); prints "secs maxrss_kb sessions"
run_fs() {
  local file=$1 t=() m=() out
  shift
  [ $# -gt 0 ] || set -- sessions
  for _ in $(seq "$RUNS"); do
    out=$( { /usr/bin/time -f '%e %M' "$B/flowstitch" "$@" --quiet --stats "$B/bench-stats.json" \
              "$file" >/dev/null; } 2>&1 | tail -1)
    t+=("${out% *}"); m+=("${out#* }")
  done
  local sessions
  sessions=$(grep -o '"sessions":[0-9][0-9]*' "$B/bench-stats.json" | head -1 | cut -d: -f2)
  echo "$(printf '%s\n' "${t[@]}" | median) $(printf '%s\n' "${m[@]}" | median) ${sessions:-0}"
}

printf '%-10s %-28s %14s %9s %10s %12s\n' records what "records/s" seconds "peak MiB" "B/session"
for N in "${SIZES[@]}"; do
  D=$B/data-$N
  if [ ! -s "$D/all.log.gz" ]; then
    rm -rf "$D"; mkdir -p "$D"
    "$FLOWGEN" --out "$D/gen" --seed 7 --records "$N" --delivery cloudwatch >/dev/null
    find "$D/gen/cloudwatch" -type f -name '*.log' | sort | xargs cat > "$D/all.log"
    gzip -6 -n -c "$D/all.log" > "$D/all.log.gz"
    rm -rf "$D/gen"
  fi
  R=$(wc -l < "$D/all.log")
  for kind in plain gz; do
    f=$D/all.log; [ $kind = gz ] && f=$D/all.log.gz
    read -r secs kb sess < <(run_fs "$f")
    rps=$(awk -v r="$R" -v s="$secs" 'BEGIN{printf "%.0f", r/s}')
    bps=$(awk -v k="$kb" -v s="$sess" 'BEGIN{ if (s>0) printf "%.0f", k*1024/s; else print "-"}')
    printf '%-10s %-28s %14s %9s %10s %12s\n' "$R" "flowstitch sessions ($kind)" "$rps" "$secs" \
      "$(awk -v k="$kb" 'BEGIN{printf "%.0f", k/1024}')" "$bps"
    eval "FS_$kind=$rps"
    [ $kind = plain ] && FS_plain_s=$secs
  done
  # account on the same input: what summing by keys adds to building sessions
  read -r acc_s acc_kb _ < <(run_fs "$D/all.log" account --by az-pair,service,hour)
  printf '%-10s %-28s %14s %9s %10s\n' "$R" "account --by 3 keys (plain)" \
    "$(awk -v r="$R" -v s="$acc_s" 'BEGIN{printf "%.0f", r/s}')" "$acc_s" \
    "$(awk -v k="$acc_kb" 'BEGIN{printf "%.0f", k/1024}')"
  awk -v a="$acc_s" -v b="$FS_plain_s" 'BEGIN{printf "  account adds %.0f%% to sessions (time)\n", 100*(a-b)/b}'
  read -r _ split_rps split_s _ < <("$B/tools/bench/fst-bench-split" "$D/all.log" "$RUNS")
  printf '%-10s %-28s %14s %9s\n' "$R" "bare split+parse (1 core)" "$split_rps" "$split_s"
  if [ -d "$DUCK/node_modules/@duckdb/node-api" ]; then
    cp tools/bench/duckdb_groupby.mjs "$DUCK/"
    read -r _ duck_rps duck_s _ < <(node "$DUCK/duckdb_groupby.mjs" "$D/all.log" "$RUNS")
    printf '%-10s %-28s %14s %9s\n' "$R" "duckdb GROUP BY (threads=2)" "$duck_rps" "$duck_s"
    awk -v a="$FS_plain" -v b="$duck_rps" 'BEGIN{printf "  ratio flowstitch(plain)/duckdb = %.2fx (target >= 5x)\n", a/b}'
  fi
  best_mbs=0; best_name=-
  while read -r _ name mbs _ _; do
    printf '%-10s %-28s %11s MB/s (decompressed)\n' "$R" "inflate $name" "$mbs"
    if awk -v a="$mbs" -v b="$best_mbs" 'BEGIN{exit !(a>b)}'; then best_mbs=$mbs; best_name=$name; fi
  done < <("$B/tools/bench/fst-bench-inflate" "$D/all.log.gz" "$RUNS")
  plain_bytes=$(stat -c %s "$D/all.log")
  awk -v r="$FS_gz" -v n="$R" -v pb="$plain_bytes" -v m="$best_mbs" -v nm="$best_name" 'BEGIN{
    mbs = r / n * pb / 1e6;
    printf "  flowstitch(gz) consumes %.1f MB/s of decompressed text = %.0f%% of %s alone (target >= 80%%)\n", mbs, 100*mbs/m, nm }'
  awk -v a="$FS_plain" -v b="$split_rps" 'BEGIN{printf "  ratio flowstitch(plain)/bare split = %.2fx\n", a/b}'
done

# Streaming: S3 delivery (files in time order) over several hours, batch
# beside --stream on the same tree.  STREAM_RECORDS=0 skips it.
SR=${STREAM_RECORDS:-5000000}
SH=${STREAM_HOURS:-6}
if [ "$SR" -gt 0 ]; then
  D=$B/stream-$SR-$SH
  if [ ! -d "$D/gen/s3" ]; then
    rm -rf "$D"; mkdir -p "$D"
    "$FLOWGEN" --out "$D/gen" --seed 5 --records "$SR" --duration $((SH * 3600)) \
      --delivery s3 --quiet >/dev/null
  fi
  echo
  printf '%-10s %-28s %14s %9s %10s %12s %12s\n' records what "records/s" seconds "peak MiB" \
    "held keys" "B/held key"
  for mode in batch stream; do
    flag=; [ $mode = stream ] && flag=--stream
    t=(); m=()
    for _ in $(seq "$RUNS"); do
      out=$( { /usr/bin/time -f '%e %M' "$B/flowstitch" sessions $flag --quiet \
                 --stats "$B/bench-stats.json" "$D/gen/s3" >/dev/null; } 2>&1 | tail -1)
      t+=("${out% *}"); m+=("${out#* }")
    done
    secs=$(printf '%s\n' "${t[@]}" | median); kb=$(printf '%s\n' "${m[@]}" | median)
    held=$(grep -o '"groups_held_peak":[0-9]*' "$B/bench-stats.json" | cut -d: -f2)
    recs=$(grep -o '"records_in":[0-9]*' "$B/bench-stats.json" | cut -d: -f2)
    printf '%-10s %-28s %14s %9s %10s %12s %12s\n' "$recs" "sessions, S3 ${SH} h ($mode)" \
      "$(awk -v r="$recs" -v s="$secs" 'BEGIN{printf "%.0f", r/s}')" "$secs" \
      "$(awk -v k="$kb" 'BEGIN{printf "%.0f", k/1024}')" "$held" \
      "$(awk -v k="$kb" -v h="$held" 'BEGIN{ if (h>0) printf "%.0f", k*1024/h; else print "-"}')"
  done
fi
