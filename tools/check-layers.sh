#!/usr/bin/env bash
# tools/check-layers.sh - keep the house one-way (run by tools/check.sh).
#
#   tools/check-layers.sh [BUILD_DIR]
#
# 1. Includes: every `#include "X/..."` in src/F/ names a folder X at or
#    below F in tools/layers.txt; a public header includes only public
#    headers below it; cli/ uses only <flowstitch.h> and cli/.
# 2. Calls (when BUILD_DIR holds the objects): no cycle of calls between
#    source files, read from the objects' symbol tables (nm): file A calls
#    file B when A uses a global symbol that B defines.
# Prints each violation and exits 1 when there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
layers=$(grep -v '^#' tools/layers.txt | grep -v '^public:' | grep -v '^$')
public=$(sed -n 's/^public: //p' tools/layers.txt)
rank() { local i=0 l; for l in $1; do [ "$l" = "$2" ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
bad=0
for dir in src/*/; do
  f=$(basename "$dir"); rf=$(rank "$layers" "$f")
  [ "$rf" -ge 0 ] || { echo "layers: src/$f is not in tools/layers.txt"; bad=1; continue; }
  while IFS=: read -r file line inc; do
    x=${inc%%/*}; [ "$x" = "$inc" ] && [ "$inc" != flowstitch.h ] && x=$f  # same folder
    if [ "$f" = cli ]; then
      [ "$x" = cli ] || [ "$inc" = flowstitch.h ] || { echo "layers: $file:$line: cli includes \"$inc\" (only <flowstitch.h> and cli/)"; bad=1; }
      continue
    fi
    [ "$x" = flowstitch ] && continue
    [ "$inc" = flowstitch.h ] && { echo "layers: $file:$line: the umbrella header is for cli/ and users"; bad=1; continue; }
    rx=$(rank "$layers" "$x")
    if [ "$rx" -lt 0 ] || [ "$rx" -gt "$rf" ]; then
      echo "layers: $file:$line: $f includes \"$inc\" ($x is above $f)"; bad=1
    fi
  done < <(grep -Hno '^#include "[^"]*"' "$dir"*.[ch] | sed 's/#include "\(.*\)"/\1/')
done
for h in include/flowstitch/*.h include/flowstitch/*.h.in; do
  [ -f "$h" ] || continue
  n=$(basename "$h"); n=${n%%.*}; rn=$(rank "$public" "$n")
  [ "$rn" -ge 0 ] || { echo "layers: $h is not in the public list of tools/layers.txt"; bad=1; continue; }
  while IFS=: read -r line inc; do
    x=$(basename "$inc" .h); rx=$(rank "$public" "$x")
    if [ "${inc%%/*}" != flowstitch ] || [ "$rx" -lt 0 ] || [ "$rx" -ge "$rn" ]; then
      echo "layers: $h:$line: includes \"$inc\" (not below $n)"; bad=1
    fi
  done < <(grep -no '^#include "[^"]*"' "$h" | sed 's/#include "\(.*\)"/\1/')
done

# Call cycles between source files, from the objects' symbols.
build=${1:-}
if [ -n "$build" ] && [ -d "$build" ]; then
  objs=$(find "$build" -name '*.c.o' -path '*CMakeFiles*' ! -path '*/test_*' ! -path '*CompilerId*' | sort)
  cyc=$(for o in $objs; do
          src=$(basename "$o" .c.o); tgt=$(basename "$(dirname "$o")" .dir)
          nm -g --defined-only "$o" 2>/dev/null | awk -v f="$tgt:$src" 'NF>=3{print "D", f, $3}'
          nm -u "$o" 2>/dev/null | awk -v f="$tgt:$src" '{print "U", f, $NF}'
        done | awk '
          $1=="D" { split($2, a, ":"); def[a[1] SUBSEP $3] = $2; next }
          { U[++n] = $2 SUBSEP $3 }
          END {
            for (i = 1; i <= n; i++) {
              split(U[i], p, SUBSEP); split(p[1], a, ":")
              t = def[a[1] SUBSEP p[2]]
              if (t != "" && t != p[1]) e[p[1] SUBSEP t] = 1
            }
            for (k in e) { split(k, q, SUBSEP); adj[q[1]] = adj[q[1]] " " q[2]; nodes[q[1]]; nodes[q[2]] }
            # a cycle exists when some node reaches itself
            for (s in nodes) {
              delete seen; top = 0; m = split(adj[s], nb, " ")
              for (j = 1; j <= m; j++) st[++top] = nb[j]
              while (top > 0) {
                v = st[top--]; if (v == s) { print "layers: call cycle through " s; break }
                if (v in seen) continue; seen[v] = 1
                m2 = split(adj[v], nb2, " "); for (j = 1; j <= m2; j++) st[++top] = nb2[j]
              }
            }
          }')
  if [ -n "$cyc" ]; then echo "$cyc" | sort -u; bad=1; fi
fi
[ "$bad" -eq 0 ] && echo "layers: ok (includes one-way${build:+, no call cycles})"
exit "$bad"
