#!/usr/bin/env bash
# statestore: run the JMH benchmarks (src/jmh/java) with the JVM flags Chronicle needs.
#
#   ops/bench/jmh.sh                       # every benchmark, default (short) settings
#   ops/bench/jmh.sh StoreBench.get -t 2   # any JMH options: a regexp, -p journal=off,async, -prof jfr ...
#   ops/bench/jmh.sh -l                    # list them
#
# Builds with the Maven profile `bench` when the sources are newer than the last build (always with
# BENCH_BUILD=always, never with BENCH_BUILD=never: compare.sh builds once, so one run measures one build). The default settings (1 fork, 2 x 2 s warm-up, 3 x 2 s measured) suit a
# noisy 2-core machine; pass -f/-wi/-i/-w/-r to change them. Forked JVMs inherit this JVM's flags.
# JVM options for the host and forks: BENCH_JAVA_OPTS (e.g. -Xmx4g). BENCH_TARGET: a copy of target/
# to run from instead (compare.sh runs from a snapshot of its build, so edits meanwhile change nothing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${BENCH_TARGET:-$root/target}"
stamp="$target/jmh-classes/META-INF/BenchmarkList"

if [[ "${BENCH_BUILD:-auto}" == "never" ]]; then
    :
elif [[ "${BENCH_BUILD:-auto}" == "always" || ! -f "$stamp" || ! -f "$target/statestore.jar" ]] \
        || [[ -n "$(find "$root/src/main" "$root/src/jmh" "$root/src/build" "$root/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
    echo "jmh: building with -Pbench..." >&2
    (cd "$root" && mvn -q -B -Pbench -DskipTests package) >&2
fi

java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
    java_bin="$JAVA_HOME/bin/java"
fi

# The one list of Chronicle's flags, as the build wrote it from the pom (chronicle.jvm.flags).
flags="$(sed -n 's/^flags=//p' "$target/classes/dev/statestore/jvm-flags.properties")"
if [[ -z "$flags" ]]; then
    echo "jmh: no flags in $target/classes/dev/statestore/jvm-flags.properties: rebuild" >&2
    exit 2
fi

cp="$target/jmh-classes:$target/statestore.jar:$target/lib/*:$target/jmh-lib/*"
# One run at a time: JMH itself refuses to start while another JMH holds /tmp/jmh.lock (it exits
# with "Another JMH instance might be running"), so runs of this script queue here instead; the
# lock is held by the JVM below (it inherits the descriptor) until it exits.
exec 9>>"${TMPDIR:-/tmp}/statestore-jmh.lock"
if ! flock -n 9; then
    wait_s="${BENCH_LOCK_SECONDS:-7200}"
    echo "jmh: another run of ops/bench/jmh.sh is measuring; waiting for it to finish (at most $wait_s s)" >&2
    if ! flock -w "$wait_s" 9; then
        echo "jmh: the other run still holds ${TMPDIR:-/tmp}/statestore-jmh.lock after $wait_s s (BENCH_LOCK_SECONDS);" \
            "find it with: fuser ${TMPDIR:-/tmp}/statestore-jmh.lock" >&2
        exit 3
    fi
fi
# shellcheck disable=SC2086 # the flag lists are space-separated lists of options
exec "$java_bin" $flags -Dchronicle.analytics.disable=true -XX:+UseParallelGC -Xmx3g \
    -Dlogback.configurationFile=dev/statestore/cli/logback-cli.xml ${BENCH_JAVA_OPTS:-} \
    -cp "$cp" org.openjdk.jmh.Main "$@"
