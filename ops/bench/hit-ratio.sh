#!/usr/bin/env bash
# statestore: hit ratio of a bounded store's eviction vs an exact LRU of the same size, on Zipf
# workloads (src/jmh/java/dev/statestore/bench/EvictionHitRatio.java; figures: BENCHMARKS.md).
#
#   ops/bench/hit-ratio.sh                                   # 100k keys, 1M requests, s=0.8,0.99,1.2, 1/5/10 %
#   ops/bench/hit-ratio.sh KEYS REQUESTS EXPONENTS PERCENTS DIR
#   ops/bench/hit-ratio.sh near [KEYS REQUESTS EXPONENTS PERCENTS DIR]   # the near cache vs Caffeine and LRU
#                                                                        # (src/jmh/.../bench/NearHitRatio.java)
#
# Counts hits, not time: the result does not depend on the machine's load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${BENCH_TARGET:-$root/target}"
if [[ "${BENCH_BUILD:-auto}" != "never" ]]; then
    (cd "$root" && mvn -q -B -Pbench -DskipTests package) >&2
fi
main=dev.statestore.bench.EvictionHitRatio
if [[ "${1:-}" == "near" ]]; then
    main=dev.statestore.bench.NearHitRatio
    shift
fi
flags="$(sed -n 's/^flags=//p' "$target/classes/dev/statestore/jvm-flags.properties")"
# shellcheck disable=SC2086 # a space-separated list of options
exec java $flags -Dchronicle.analytics.disable=true -Xmx2g -Dlogback.configurationFile=dev/statestore/cli/logback-cli.xml \
    -cp "$target/jmh-classes:$target/statestore.jar:$target/lib/*:$target/jmh-lib/*" \
    "$main" "$@"
