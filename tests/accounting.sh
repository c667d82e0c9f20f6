#!/bin/sh
# tests/accounting.sh FLOWSTITCH FLOWGEN DOC - keeps docs/accounting.md true:
# runs every "$ " line of its ```sh blocks (flowstitch and flowgen from the
# build) in a scratch folder, each must exit 0; then recomputes the numbers
# the walk-through quotes (sessions, bytes counted once, bytes summed over
# records, their ratio) and checks the text says them, and that the rows'
# naive_bytes add up to the run's bytes_naive (--stats).
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
gen=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
doc=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$bin" "$tmp/bin/flowstitch"
ln -s "$gen" "$tmp/bin/flowgen"
awk '/^```sh/{on=1; next} /^```/{on=0} on && /^\$ /{print substr($0, 3)}' "$doc" > "$tmp/cmds"
[ -s "$tmp/cmds" ] || { echo "accounting: no commands in $doc" >&2; exit 1; }
n=0
while IFS= read -r cmd; do
  n=$((n + 1))
  (cd "$tmp" && PATH="$tmp/bin:$PATH" TZ=UTC sh -c "$cmd" >"$tmp/out.$n" 2>"$tmp/err.$n") ||
    { echo "accounting: failed: $cmd" >&2; cat "$tmp/err.$n" >&2; exit 1; }
done < "$tmp/cmds"
echo "accounting: $n commands of $doc ran"

# The numbers quoted: TOTAL of --by day (one value per session) and --stats.
cd "$tmp"
TZ=UTC "$bin" account --by day --format csv -q fg/s3 > day.csv
"$bin" sessions -q --stats s.json fg/s3 > /dev/null
set -- $(awk -F, 'NR > 1 {s += $2; b += $4; nb += $8} END {printf "%d %d %d", s, b, nb}' day.csv)
sessions=$1 bytes=$2 naive=$3
stat_naive=$(sed 's/.*"bytes_naive":\([0-9]*\).*/\1/' s.json)
stat_counted=$(sed 's/.*"bytes_counted":\([0-9]*\).*/\1/' s.json)
[ "$naive" = "$stat_naive" ] ||
  { echo "accounting: naive_bytes $naive != bytes_naive $stat_naive" >&2; exit 1; }
[ "$bytes" = "$stat_counted" ] ||
  { echo "accounting: bytes $bytes != bytes_counted $stat_counted" >&2; exit 1; }
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
ratio=$(awk -v a="$naive" -v b="$bytes" 'BEGIN {printf "%.2fx", a / b}')
for want in "$(commas "$sessions") sessions" "$(commas "$bytes") bytes counted once" \
            "$(commas "$naive") summed over records" "($ratio)" "it is $ratio"; do
  tr '\n' ' ' < "$doc" | sed 's/  */ /g' | grep -qF -- "$want" ||
    { echo "accounting: $doc does not say '$want'" >&2; exit 1; }
done
echo "accounting: $sessions sessions, $bytes bytes counted once, $naive summed ($ratio): as the doc says"
