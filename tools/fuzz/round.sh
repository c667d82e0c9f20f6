#!/usr/bin/env bash
# tools/fuzz/round.sh - a full fuzzing round: each libFuzzer target for RUNS
# executions (default 10,000,000) on a working corpus seeded from
# tools/fuzz/corpus* and every fixture under 64 KiB, one target after the
# other, and a line per target with executions, seconds, exec/s, coverage
# and corpus size (docs/fuzzing.md records the last round).
#
#   tools/fuzz/round.sh [RUNS] [WORK_DIR] [TARGET...]
#
# Builds with tools/fuzz/build.sh first (needs clang; FUZZ_BUILD=0 skips it).  A crash stops the
# target, leaves its reproducer in WORK_DIR/<target>-crash-* and makes the
# script exit 1.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-10000000}
work=${2:-$root/build-fuzz/round}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_reader fuzz_envelope fuzz_sessions)
# FUZZ_BUILD=0 skips the build: for a second round.sh started beside a
# running one (two builds at once race on build-fuzz/).
[ "${FUZZ_BUILD:-1}" = 0 ] || "$root/tools/fuzz/build.sh" >/dev/null || exit 1
rc=0
for t in "${targets[@]}"; do
    corpus=$work/$t
    mkdir -p "$corpus"
    if [ "$t" = fuzz_envelope ]; then
        cp -n "$root"/tools/fuzz/corpus-envelope/* "$corpus"/
        dict=$root/tools/fuzz/envelope.dict
    else
        cp -n "$root"/tools/fuzz/corpus/* "$corpus"/
        dict=$root/tools/fuzz/flowlog.dict
    fi
    # fixtures carry no control byte: a leading 0 byte makes each one read
    # as it is (default layout and sizes, one input).
    fx=$root/fixtures; [ "$t" = fuzz_envelope ] && fx=$root/fixtures/envelope
    find "$fx" -type f -size -64k ! -name '*.md' ! -name '*.sh' | while read -r f; do
        printf '\0' | cat - "$f" >"$corpus/fixture-$(echo "${f#$root/fixtures/}" | tr / _)"
    done
    log=$work/$t.log
    start=$(date +%s)
    "$root/build-fuzz/$t" -runs="$runs" -max_len=4096 -dict="$dict" \
        -artifact_prefix="$work/$t-" -print_final_stats=1 "$corpus" >"$log" 2>&1
    trc=$?
    secs=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    n=$(ls "$corpus" | wc -l)
    echo "$t: rc=$trc executions=${execs:-?} seconds=$secs exec/s=$(( ${execs:-0} / (secs > 0 ? secs : 1) )) $cov corpus=$n"
    [ $trc -eq 0 ] || rc=1
done
exit $rc
