#!/usr/bin/env bash
# statestore: process start to first get, several builds side by side (figures: BENCHMARKS.md).
#
#   ops/bench/startup.sh BUILD...        # e.g. /tmp/su-before /tmp/su-after
#
# Each BUILD is a directory with ops/statestore and target/ (statestore.jar, lib/), copied from a built
# checkout; its launcher makes its own class-data archive on first use. Every round runs each case of
# each build once, in an order rotated from round to round, timed from the shell (date +%s%N); it
# prints the median of each and the per-round ratio of each build to the first. A run that fails or
# prints nothing on stdout stops the script. Settings (environment):
#   STARTUP_ROUNDS=11                    rounds after one warm-up round
#   STARTUP_CASES="ver get1m get10m"     ver: --version (the JVM and picocli floor); getN: `get` on store
#                                        STARTUP_DATA_N from a directory without a config file (/tmp);
#                                        cfgN: the same from STARTUP_CFG_DIR (with config/statestore.yaml)
#   STARTUP_DATA_1M=/dev/shm/su-1m STARTUP_DATA_10M=/dev/shm/su-10m
#                                        data directories, each with a store 'restart' made by
#                                        `statestore --data DIR bench --op open --store restart --keys N`
#   STARTUP_CFG_DIR=<repository root>
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${STARTUP_ROUNDS:-11}"
read -r -a cases <<<"${STARTUP_CASES:-ver get1m get10m}"
cfg_dir="${STARTUP_CFG_DIR:-$root}"
builds=("$@")
if [[ ${#builds[@]} -eq 0 ]]; then
    echo "usage: $0 BUILD..." >&2
    exit 2
fi
out="$(mktemp "${TMPDIR:-/tmp}/startup.XXXXXX")"

# run_case BUILD CASE: prints the wall time in ms
run_case() {
    local build="$1" case="$2" dir=/tmp size data key t0 t1 stdout
    case "$case" in
        ver) t0=$(date +%s%N); stdout="$(cd /tmp && "$build/ops/statestore" --version)"; t1=$(date +%s%N) ;;
        get* | cfg*)
            size="${case:3}"
            [[ "$case" == cfg* ]] && dir="$cfg_dir"
            data="STARTUP_DATA_${size^^}"
            data="${!data:-/dev/shm/su-$size}"
            case "$size" in 1m) key="key-0000500000" ;; 10m) key="key-0005000000" ;; *) echo "unknown size $size" >&2; exit 2 ;; esac
            t0=$(date +%s%N)
            stdout="$(cd "$dir" && "$build/ops/statestore" --data "$data" get restart "$key")"
            t1=$(date +%s%N)
            ;;
        *) echo "unknown case $case" >&2; exit 2 ;;
    esac
    [[ -n "$stdout" ]] || { echo "$build $case printed nothing" >&2; exit 1; }
    echo $(( (t1 - t0) / 1000000 ))
}

items=()
for b in "${builds[@]}"; do for c in "${cases[@]}"; do items+=("$b|$c"); done; done
for item in "${items[@]}"; do run_case "${item%|*}" "${item#*|}" >/dev/null; done # warm-up, and each build's archive
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
n=${#items[@]}
for r in $(seq 0 $((rounds - 1))); do
    for i in $(seq 0 $((n - 1))); do
        item="${items[$(( (i + r) % n ))]}"
        ms="$(run_case "${item%|*}" "${item#*|}")" # a failed run stops the script (set -e)
        printf '%s\t%s\t%s\t%s\n' "$r" "${item%|*}" "${item#*|}" "$ms" >>"$out"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "${builds[0]}" <<'EOF'
import collections, statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
first = sys.argv[2]
times = collections.defaultdict(list)
by_round = collections.defaultdict(dict)
for r, build, case, ms in rows:
    times[(build, case)].append(int(ms))
    by_round[r][(build, case)] = int(ms)
for (build, case), ts in sorted(times.items()):
    ratios = [rd[(build, case)] / rd[(first, case)] for rd in by_round.values() if (first, case) in rd]
    print(f"{build:32s} {case:7s} rounds {len(ts):3d}  median {statistics.median(ts):6.0f} ms"
          f"  (min {min(ts)}, max {max(ts)})  per-round ratio to {first}: {statistics.median(ratios):.3f}")
EOF
echo "raw times: $out"
