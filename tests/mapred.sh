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
# (its lines shuffled first when asked), parts in DIR; $ROPTS: the
# options given to reduce (those of the run that decide sessions).
reduce_each() {
  local dir=$1 map=$2 shuffle=${3:-}
  rm -rf "$dir" "$dir.k"; mkdir -p "$dir" "$dir.k"
  sort -s -t "$TAB" -k1,1 "$map" | awk -F'\t' -v d="$dir.k" '{ print > (d "/" $1) }'
  local k
  for k in "$dir.k"/*; do
    if [ -n "$shuffle" ]; then
      # shellcheck disable=SC2086
      shuf --random-source=<(yes) "$k" | "$bin" reduce -q ${ROPTS:-} > "$dir/part-$(basename "$k")"
    else
      # shellcheck disable=SC2086
      "$bin" reduce -q ${ROPTS:-} < "$k" > "$dir/part-$(basename "$k")"
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
  { "$bin" map -q $sflag $opts $(cat files.1) > map.1 &&
    { [ ! -s files.2 ] || "$bin" map -q $sflag $opts $(cat files.2) > map.2; }; } ||
    { fail "$name: map"; return; }
  cat map.1 map.2 > map.all
  local keys; keys=$(cut -f1 map.all | sort -u | wc -l)
  [ "$shards" = 0 ] || [ "$keys" -le "$shards" ] || fail "$name: $keys keys > $shards shards"
  if [ "$shards" = 0 ]; then # many keys: one reducer for all, Hadoop style
    rm -rf parts; mkdir parts
    sort -s -t "$TAB" -k1,1 map.all | "$bin" reduce -q > parts/part-0 || { fail "$name: reduce"; return; }
  else
    ROPTS=$opts reduce_each parts map.all "${SHUFFLE:-}" || return
  fi
  [ "$shards" = 0 ] || head -1 parts/part-0 | grep -q "^flowstitch-part${TAB}2$TAB" ||
    fail "$name: the parts hold no sessions"
  # shellcheck disable=SC2086
  "$bin" merge -q $opts parts/part-* > merged.out || { fail "$name: merge exit $?"; return; }
  if cmp -s ref.out merged.out; then ok; echo "same    $name ($(wc -l < ref.out) sessions, $keys keys)"
  else fail "$name: merged output differs from sessions"; diff ref.out merged.out | head -4 >&2; fi
  if [ "$shards" = 16 ]; then # the parts in another order: merge's stages do not care
    # shellcheck disable=SC2086,SC2046
    "$bin" merge -q $opts $(find parts -type f | sort -r) > merged.rev &&
      cmp -s ref.out merged.rev && ok || fail "$name: parts in reverse order differ"
  fi
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
    # shellcheck disable=SC2086
    "$bin" map -q --shards "${SHARDS:-4}" $opts --name "$f" - < "$f" >> map.all ||
      { fail "$name: map $f"; return; }
  done
  ROPTS=$opts reduce_each parts map.all || return
  # shellcheck disable=SC2086
  "$bin" merge -q $opts parts/part-* > merged.out || { fail "$name: merge"; return; }
  if cmp -s ref.out merged.out; then ok; echo "same    $name ($(wc -l < ref.out) sessions)"
  else fail "$name: merged output differs from sessions"; fi
}
per_file "fgd s3, a map task per file on stdin (--name)" "" fgd/s3
per_file "fgd cloudwatch+meta, a map task per file on stdin (--name)" \
  "--eni-metadata fgd/eni-metadata.json" fgd/cloudwatch

# mixed: one ENI's records over many connections, files and map tasks with
# a context value that changes (the first in read order stays); SKIPDATA and
# NODATA; services learned from handshakes in one file deciding sessions of
# a file without tcp-flags; NAT gateway legs (inside legs with pkt-*).
gen_mix() {
  local d=$1 T=1718000000 k
  mkdir -p "$d"
  local H="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags flow-direction pkt-srcaddr pkt-dstaddr"
  { echo "$H"
    for k in $(seq 1 30); do
      echo "5 111 eni-c 10.2.0.5 10.3.0.$k $((41000 + k)) 443 6 5 500 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-1 i-c 2 egress 10.2.0.5 10.3.0.$k"
      echo "5 111 eni-c 10.3.0.$k 10.2.0.5 443 $((41000 + k)) 6 4 800 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-1 i-c 18 ingress 10.3.0.$k 10.2.0.5"
      echo "5 111 eni-s 10.4.0.$k 10.1.0.9 $((50000 + k)) 40000 6 1 60 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-2 i-s 2 ingress 10.4.0.$k 10.1.0.9"
      echo "5 111 eni-s 10.1.0.9 10.4.0.$k 40000 $((50000 + k)) 6 1 60 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-2 i-s 18 egress 10.1.0.9 10.4.0.$k"
    done; } > "$d/a.log"
  { echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    for k in $(seq 1 30); do
      echo "2 111 eni-s 10.5.0.$k 10.1.0.9 $((50100 + k)) 40000 6 3 300 $((T + 100 + k)) $((T + 160 + k)) ACCEPT OK"
      echo "2 111 eni-s 10.1.0.9 10.5.0.$k 40000 $((50100 + k)) 6 3 900 $((T + 100 + k)) $((T + 160 + k)) ACCEPT OK"
    done; } > "$d/n.log"
  { echo "$H"
    for k in $(seq 1 20); do
      echo "5 111 eni-nat 10.0.1.5 10.0.0.220 $((33000 + k)) 443 6 2 200 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-3 - - - 10.0.1.5 203.0.113.$k"
      echo "5 111 eni-nat 10.0.0.220 203.0.113.$k $((60000 + k)) 443 6 2 200 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-3 - - - 10.0.0.220 203.0.113.$k"
      echo "5 111 eni-nat 203.0.113.$k 10.0.0.220 443 $((60000 + k)) 6 3 3000 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-3 - - - 203.0.113.$k 10.0.0.220"
      echo "5 111 eni-nat 10.0.0.220 10.0.1.5 443 $((33000 + k)) 6 3 3000 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-3 - - - 203.0.113.$k 10.0.1.5"
      echo "5 111 eni-i 10.0.1.5 203.0.113.$k $((33000 + k)) 443 6 2 200 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-4 i-1 2 egress 10.0.1.5 203.0.113.$k"
      echo "5 111 eni-i 203.0.113.$k 10.0.1.5 443 $((33000 + k)) 6 3 3000 $((T + k)) $((T + k + 60)) ACCEPT OK vpc-1 subnet-4 i-1 18 ingress 203.0.113.$k 10.0.1.5"
    done; } > "$d/nat.log"
  { echo "$H"
    echo "5 111 eni-c - - - - - - - $((T + 20)) $((T + 80)) - SKIPDATA - - - - - - -"
    echo "5 111 eni-s - - - - - - - $T $((T + 60)) - NODATA - - - - - - -"; } > "$d/skip.log"
  { echo "$H"
    for k in $(seq 1 30); do
      echo "5 111 eni-c 10.2.0.5 10.6.0.$k $((42000 + k)) 443 6 5 500 $((T + 900 + k)) $((T + 960 + k)) ACCEPT OK vpc-2 subnet-9 i-c 2 egress 10.2.0.5 10.6.0.$k"
      echo "5 111 eni-c 10.6.0.$k 10.2.0.5 443 $((42000 + k)) 6 4 800 $((T + 900 + k)) $((T + 960 + k)) ACCEPT OK vpc-2 subnet-9 i-c 18 ingress 10.6.0.$k 10.2.0.5"
    done; } > "$d/z.log"
}
gen_mix mx
"$bin" sessions -q mx > mx.ref
grep -q '"direction_basis":"learned-service"' mx.ref && grep -q '"incomplete":true' mx.ref &&
  grep -q '"nat_leg_of":[0-9]' mx.ref && grep -q '"client_vpc":"vpc-1"' mx.ref &&
  ! grep -q '"vpc-2"' mx.ref && ok || fail "mixed: the case does not show what it tests"
check "mixed (context, SKIPDATA, learned services, NAT) shards=16" 16 "" mx
check "mixed shards=4" 4 "" mx
SHARDS=16 per_file "mixed, a map task per file, last file first, 16 shards" "" mx
# the case spreads what it should: eni-c over many shards and map tasks,
# NAT inside and outside legs of one connection in different shards
k_c=$(grep -c . <(awk -F'\t' '$2 == "R" && $5 ~ / eni-c 10\./ { print $1 }' map.all | sort -u))
[ "$k_c" -ge 8 ] && ok || fail "mixed: eni-c's records in only $k_c shards"
apart=0
for k in $(seq 1 20); do
  a=$(awk -F'\t' -v p="eni-nat 10.0.1.5 10.0.0.220 $((33000 + k)) " '$2 == "R" && index($5, p) { print $1; exit }' map.all)
  b=$(awk -F'\t' -v p="eni-nat 10.0.0.220 203.0.113.$k $((60000 + k)) " '$2 == "R" && index($5, p) { print $1; exit }' map.all)
  [ -n "$a" ] && [ "$a" != "$b" ] && apart=$((apart + 1))
done
[ "$apart" -ge 5 ] && ok || fail "mixed: NAT legs in different shards for $apart connections only"

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
# without --shards a part holds records (merge stitches them): their order is checked
"$bin" map -q fgd/s3 | "$bin" reduce -q > byconn.part
awk -F'\t' '$1=="R" { n++; if (n==3) { hold=$0; next } if (n==4) { print; print hold; next } } 1' \
  byconn.part > order.part
expect "merge: records out of order" "out of order" "$bin" merge order.part
# the same records in two parts (keys renamed so that only the records clash)
sed "s/^K$TAB/K${TAB}x/" byconn.part > renamed.part
expect "merge: a record in two parts" "in another part too" "$bin" merge byconn.part renamed.part
expect "merge: records and sessions parts mixed" "holds" "$bin" merge byconn.part good/part-0
# sessions parts: every part must hold the same facts, each line well formed
awk -F'\t' -v OFS='\t' '$1 == "E" && !d { $2 = $2 "x"; d = 1 } 1' good/part-1 > facts.part
expect "merge: parts with other facts" "different facts" "$bin" merge good/part-0 facts.part \
  good/part-2 good/part-3
awk -F'\t' -v OFS='\t' '$1 == "X" && !d { $2 = "zz" $2; d = 1 } 1' good/part-2 > badx.part
expect "merge: a bad session line" "bad sessions line" "$bin" merge good/part-0 good/part-1 \
  badx.part good/part-3
# nothing written when a part is bad
"$bin" merge good/part-0 good/part-1 good/part-2 cut.part > none.out 2>/dev/null
[ ! -s none.out ] && ok || fail "merge wrote sessions from a cut part"
# two map tasks reading an unnamed stdin: the same records twice
{ "$bin" map -q --shards 1 - < "$(find fgd/s3 -type f | sort | head -1)"
  "$bin" map -q --shards 1 - < "$(find fgd/s3 -type f | sort | tail -1)"; } > unnamed.map
expect "reduce: two unnamed stdin inputs" "record 0 of its input also at line" \
  sh -c "\"$bin\" reduce < unnamed.map"
# the reducers decide sessions: merge must be given the options they had
expect "merge: --eni-metadata the reducers lacked" "other options" "$bin" merge \
  --eni-metadata fgd/eni-metadata.json good/part-0 good/part-1 good/part-2 good/part-3
expect "merge: another idle timeout" "other options" "$bin" merge --idle-udp 99 \
  good/part-0 good/part-1 good/part-2 good/part-3
expect "reduce: --stream" "do not apply" sh -c "\"$bin\" reduce --stream < /dev/null"

echo "mapred: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
