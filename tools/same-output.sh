#!/usr/bin/env bash
# tools/same-output.sh - prove a refactor changed no behaviour: run two
# flowstitch binaries over the same inputs (every fixture, and flowgen data
# in both deliveries, batch and --stream) and compare stdout, stderr and
# --stats byte for byte.
#
#   tools/same-output.sh OLD_BIN NEW_BIN [FLOWGEN_DIR...]
#
# FLOWGEN_DIR is a `flowgen --out` directory (s3/, cloudwatch/,
# eni-metadata.json).  Prints one line per comparison and "N same, M differ";
# exits 1 when anything differs.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_BIN NEW_BIN [FLOWGEN_DIR...]" >&2; exit 2; }
old=$1 new=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
same=0 differ=0

# run NAME ARGS...: one invocation under both binaries (run from the source
# root so relative paths in diagnostics match).
run() {
  local name=$1; shift
  local b
  for b in old new; do
    local bin=$old; [ $b = new ] && bin=$new
    (cd "$root" && TZ=UTC "$bin" "$@" --stats "$work/$b.stats" \
        >"$work/$b.out" 2>"$work/$b.err"; echo "exit $?" >>"$work/$b.err")
    [ -f "$work/$b.stats" ] || : >"$work/$b.stats"
  done
  if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err" &&
     cmp -s "$work/old.stats" "$work/new.stats"; then
    same=$((same + 1)); echo "same    $name ($(wc -l <"$work/new.out") lines)"
  else
    differ=$((differ + 1)); echo "DIFFER  $name"
    diff <(head -c 4000 "$work/old.out") <(head -c 4000 "$work/new.out") | head -5
    diff "$work/old.err" "$work/new.err" | head -5
  fi
  rm -f "$work"/*.stats
}

for fx in "$root"/fixtures/*/; do
  rel=${fx#"$root"/}
  for cmd in sessions records; do
    for fmt in jsonl csv; do run "$cmd $fmt $rel" "$cmd" --format "$fmt" "$rel"; done
  done
done
run "sessions meta cwl-export" sessions --eni-metadata fixtures/meta/describe-network-interfaces.json fixtures/layouts/cwl-export
for dir in "$@"; do
  run "sessions $dir/s3" sessions "$dir/s3"
  run "sessions tsv $dir/s3 threads 1" sessions --format tsv --threads 1 "$dir/s3"
  run "sessions --stream $dir/s3" sessions --stream "$dir/s3"
  run "sessions meta $dir/cloudwatch" sessions --eni-metadata "$dir/eni-metadata.json" "$dir/cloudwatch"
  run "sessions no meta $dir/cloudwatch" sessions "$dir/cloudwatch"
  run "records $dir/s3" records "$dir/s3"
  run "records csv $dir/cloudwatch" records --format csv "$dir/cloudwatch"
done
echo "$same same, $differ differ"
[ "$differ" -eq 0 ]
