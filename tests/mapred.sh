#!/usr/bin/env bash
# tests/mapred.sh FLOWSTITCH FLOWGEN - map | sort | reduce | merge gives what
# `sessions` gives, byte for byte (docs/distributed.md): flowgen data (the
# default mix with ENI metadata, --mix nat --nat-nohint, --mix independent),
# both deliveries (S3, CloudWatch export), 1, 4 and 16 shards, the input
# split over two map tasks, one reduce process per key (after sort, and
# after shuffling the lines of each key), one reducer for many keys, and
# the errors: a bad map line, a lost or doubled map output, a missing,
# doubled, cut or foreign part.
set -uo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
gen=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export TZ=UTC LC_ALL=C
TAB=$(printf '\t')
fails=0 checks=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

"$gen" --quiet --out fgd --seed 11 --connections 1500 || exit 1
"$gen" --quiet --out fgn --seed 12 --connections 1200 --mix nat --nat-nohint || exit 1
"$gen" --quiet --out fgi --seed 13 --connections 1500 --mix independent || exit 1

# reduce_each DIR MAPFILE [shuffle]: sort by key, one reduce per key
# (its lines shuffled first when asked), parts in DIR.
reduce_each() {
  local dir=$1 map=$2 shuffle=${3:-}
  rm -rf "$dir" "$dir.k"; mkdir -p "$dir" "$dir.k"
  sort -s -t "$TAB" -k1,1 "$map" | awk -F'\t' -v d="$dir.k" '{ print > (d "/" $1) }'
  local k
  for k in "$dir.k"/*; do
    if [ -n "$shuffle" ]; then
      shuf --random-source=<(yes) "$k" | "$bin" reduce -q > "$dir/part-$(basename "$k")"
    else
      "$bin" reduce -q < "$k" > "$dir/part-$(basename "$k")"
    fi || { fail "reduce of key $(basename "$k") ($map)"; return 1; }
  done
}

# check NAME SHARDS "SESSIONS-OPTIONS" INPUT: sessions vs. two map tasks
# (the input's files split in two) | reduce per key | merge.
check() {
  local name=$1 shards=$2 opts=$3 input=$4 sflag=""
  [ "$shards" = 0 ] || sflag="--shards $shards"
  # shellcheck disable=SC2086
  "$bin" sessions -q $opts "$input" > ref.out || { fail "$name: sessions"; return; }
  find "$input" -type f | sort > files
  local half=$(( ($(wc -l < files) + 1) / 2 ))
  head -n "$half" files > files.1; tail -n +"$((half + 1))" files > files.2
  # shellcheck disable=SC2046,SC2086
  : > map.2
  { "$bin" map -q $sflag $(cat files.1) > map.1 &&
    { [ ! -s files.2 ] || "$bin" map -q $sflag $(cat files.2) > map.2; }; } ||
    { fail "$name: map"; return; }
  cat map.1 map.2 > map.all
  local keys; keys=$(cut -f1 map.all | sort -u | wc -l)
  [ "$shards" = 0 ] || [ "$keys" -le "$shards" ] || fail "$name: $keys keys > $shards shards"
  if [ "$shards" = 0 ]; then # many keys: one reducer for all, Hadoop style
    rm -rf parts; mkdir parts
    sort -s -t "$TAB" -k1,1 map.all | "$bin" reduce -q > parts/part-0 || { fail "$name: reduce"; return; }
  else
    reduce_each parts map.all "${SHUFFLE:-}" || return
  fi
  # shellcheck disable=SC2086
  "$bin" merge -q $opts parts/part-* > merged.out || { fail "$name: merge exit $?"; return; }
  if cmp -s ref.out merged.out; then ok; echo "same    $name ($(wc -l < ref.out) sessions, $keys keys)"
  else fail "$name: merged output differs from sessions"; diff ref.out merged.out | head -4 >&2; fi
}

for shards in 1 4 16; do
  check "fgd s3 shards=$shards" "$shards" "" fgd/s3
  check "fgd cloudwatch+meta shards=$shards" "$shards" "--eni-metadata fgd/eni-metadata.json" fgd/cloudwatch
  check "fgn s3 nat-nohint shards=$shards" "$shards" "" fgn/s3
  check "fgi cloudwatch independent shards=$shards" "$shards" "" fgi/cloudwatch
done
check "fgi s3 independent shards=4" 4 "" fgi/s3
check "fgn cloudwatch nat shards=4" 4 "" fgn/cloudwatch
check "fgd s3 tsv iso shards=4" 4 "--format tsv --time-format iso" fgd/s3
check "fgd s3 by connection (no --shards)" 0 "" fgd/s3
# bytes the wire escapes ('%', tab, CR; '%09' as text) inside tokens, here
# ENI ids, which the sessions output shows
mkdir -p weird
{ echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
  printf '2 1 eni-a%%25b 10.0.0.1 10.0.0.2 40000 443 6 3 300 1718000000 1718000060 ACCEPT OK\n'
  printf '2 1 eni-c\td 10.0.0.2 10.0.0.1 443 40000 6 2 200 1718000000 1718000060 ACCEPT OK\n'
  printf '2 1 eni-e%%09f\rg 10.0.0.3 10.0.0.4 53 5353 17 1 90 1718000000 1718000060 ACCEPT OK\n'
} > weird/a.log
check "escaped bytes in tokens shards=2" 2 "" weird
SHUFFLE=1 check "fgd s3 shards=4, each key's lines shuffled" 4 "" fgd/s3
SHUFFLE=1 check "fgn s3 shards=16, each key's lines shuffled" 16 "" fgn/s3

# Hadoop Streaming style: one map task per file, the file on stdin, named
# with --name (a mapper sees mapreduce_map_input_file, not a path to open).
per_file() {
  local name=$1 opts=$2 input=$3 f
  # shellcheck disable=SC2086
  "$bin" sessions -q $opts "$input" > ref.out || { fail "$name: sessions"; return; }
  : > map.all
  for f in $(find "$input" -type f | sort -r); do # any task order
    "$bin" map -q --shards 4 --name "$f" - < "$f" >> map.all || { fail "$name: map $f"; return; }
  done
  reduce_each parts map.all || return
  # shellcheck disable=SC2086
  "$bin" merge -q $opts parts/part-* > merged.out || { fail "$name: merge"; return; }
  if cmp -s ref.out merged.out; then ok; echo "same    $name ($(wc -l < ref.out) sessions)"
  else fail "$name: merged output differs from sessions"; fi
}
per_file "fgd s3, a map task per file on stdin (--name)" "" fgd/s3
per_file "fgd cloudwatch+meta, a map task per file on stdin (--name)" \
  "--eni-metadata fgd/eni-metadata.json" fgd/cloudwatch

# ---- errors ----------------------------------------------------------
"$bin" map -q --shards 4 fgd/s3 > map.ok || fail "map"
reduce_each good map.ok
# a reducer that got no lines (Hadoop runs it when no key hashed to it)
"$bin" reduce -q < /dev/null > empty.part || fail "reduce of nothing"
"$bin" sessions -q fgd/s3 > ref.out
"$bin" merge -q good/part-* empty.part > merged.out && cmp -s ref.out merged.out && ok ||
  fail "merge with an empty part"
# expect NAME CODE PATTERN CMD...: CMD exits nonzero and says PATTERN.
expect() {
  local name=$1 pat=$2; shift 2
  if "$@" > err.out 2> err.txt; then fail "$name: exit 0"; return; fi
  if grep -q -- "$pat" err.txt; then ok; echo "error   $name: $(head -1 err.txt)"
  else fail "$name: no '$pat' in: $(head -2 err.txt)"; fi
}
head -3 map.ok > bad.1; printf '0\tR\tnothex\t5\tx\n' >> bad.1
expect "reduce: bad source id" "stdin:4: bad source id" sh -c "\"$bin\" reduce < bad.1"
printf '0\tQ\t0000000000000001\t5\tx\n' > bad.2
expect "reduce: unknown kind" "stdin:1: unknown line kind" sh -c "\"$bin\" reduce < bad.2"
printf '0\tR\t0000000000000001\n' > bad.3
expect "reduce: too few fields" "stdin:1: too few fields" sh -c "\"$bin\" reduce < bad.3"
grep "^0$TAB" map.ok | grep -v "${TAB}S$TAB" > bad.4
expect "reduce: record without its source" "record of a source without its S line" \
  sh -c "\"$bin\" reduce < bad.4"
grep "^0$TAB" map.ok | awk -F'\t' '$2 != "R" || n++ > 0' > bad.5
expect "reduce: a record lost" "census says" sh -c "\"$bin\" reduce < bad.5"
{ grep "^0$TAB" map.ok; grep "^0$TAB" map.ok | grep "${TAB}C$TAB"; } > bad.6
expect "reduce: map output delivered twice" "given twice" sh -c "\"$bin\" reduce < bad.6"
expect "reduce: takes no file" "reads standard input only" "$bin" reduce good/part-0
expect "merge: a part missing" "missing: shard" "$bin" merge good/part-0 good/part-1 good/part-3
expect "merge: a part twice" "given twice" "$bin" merge good/part-0 good/part-0 good/part-1 \
  good/part-2 good/part-3
expect "merge: not a part" "not a part" "$bin" merge good/part-0 good/part-1 good/part-2 map.ok
head -n -1 good/part-3 > cut.part
expect "merge: a part cut short" "cut short" "$bin" merge good/part-0 good/part-1 good/part-2 cut.part
expect "merge: no part" "no PART" "$bin" merge
"$bin" map -q --shards 2 fgd/s3 > map.2s && reduce_each two map.2s
expect "merge: parts of other shard counts" "shards" "$bin" merge good/part-0 two/part-1
awk -F'\t' '$1=="R" { n++; if (n==3) { hold=$0; next } if (n==4) { print; print hold; next } } 1' \
  good/part-2 > order.part
expect "merge: records out of order" "out of order" "$bin" merge good/part-0 good/part-1 \
  order.part good/part-3
# the same records in two parts (keys renamed so that only the records clash)
"$bin" map -q fgd/s3 | "$bin" reduce -q > byconn.part
sed "s/^K$TAB/K${TAB}x/" byconn.part > renamed.part
expect "merge: a record in two parts" "in another part too" "$bin" merge byconn.part renamed.part
# nothing written when a part is bad
"$bin" merge good/part-0 good/part-1 good/part-2 cut.part > none.out 2>/dev/null
[ ! -s none.out ] && ok || fail "merge wrote sessions from a cut part"
# two map tasks reading an unnamed stdin: the same records twice
{ "$bin" map -q --shards 1 - < "$(find fgd/s3 -type f | sort | head -1)"
  "$bin" map -q --shards 1 - < "$(find fgd/s3 -type f | sort | tail -1)"; } > unnamed.map
expect "reduce: two unnamed stdin inputs" "record 0 of its input also at line" \
  sh -c "\"$bin\" reduce < unnamed.map"
# map: --eni-metadata is merge's
expect "map: --eni-metadata" "belongs to" "$bin" map --eni-metadata fgd/eni-metadata.json fgd/s3

echo "mapred: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
