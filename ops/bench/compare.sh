#!/usr/bin/env bash
# statestore: the side-by-side comparison of BENCHMARKS.md, in one run on this machine.
#
#   ops/bench/compare.sh            # everything, ~15-25 minutes on 2 cores; prints the tables at the end
#
# Measures workload W (1M keys key-%010d, 100-byte random values, shuffled access) on: statestore
# (journal off, journal on with each sync mode, metrics bound and unbound, 1 and 2 threads), raw
# Chronicle Map, ConcurrentHashMap and lmdbjava (JMH, ops/bench/jmh.sh) and Redis (redis-benchmark,
# with and without pipelining); JCache over statestore, Caffeine and Ehcache 3 (JMH); then 1 vs 2 writer processes and the writer-to-subscriber event
# latency (`statestore bench`); then restart and reattach times at 1M and 10M entries against Redis
# restarting from its RDB and its AOF; then JFR profiles of the get and put paths. The near cache
# (issue 16): every key near against the same store without and raw getUsing (JMH, one run), its
# heap per value and its hit ratios against Caffeine and an exact LRU.
#
# Settings (environment):
#   BENCH_DIR=/dev/shm     where the stores, LMDB and Redis keep their files (tmpfs: the headline)
#   BENCH_OUT=DIR          where the raw results go (default target/bench/compare-DATE)
#   BENCH_KEYS=1000000     keys of W (smaller for a quick try of the script)
#   BENCH_BIG_KEYS=10000000  the large restart case; 0 skips it (it needs ~8 GB in BENCH_DIR)
#   BENCH_JMH_OPTS="..."   extra JMH options, e.g. "-f 2 -i 5" for more samples
#   BENCH_ROUNDS=3         repetitions of the non-JMH measurements (medians are reported)
#   BENCH_PROFILE=1        0 skips the JFR profiles
# Redis comes from Debian: installed with apt-get when redis-server is missing (needs root), started
# on a free port of 127.0.0.1 with appendonly yes and a temporary directory, stopped by its PID.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
base="${BENCH_DIR:-/dev/shm}"
out="${BENCH_OUT:-$root/target/bench/compare-$(date -u +%Y%m%d-%H%M%S)}"
keys="${BENCH_KEYS:-1000000}"
big="${BENCH_BIG_KEYS:-10000000}"
rounds="${BENCH_ROUNDS:-3}"
# shellcheck disable=SC2206 # a list of options
jmh_opts=(${BENCH_JMH_OPTS:-})
mkdir -p "$out"
work="$(mktemp -d "$base/statestore-compare.XXXXXX")"
redis_pid=""

cleanup() {
    if [[ -n "$redis_pid" ]] && kill -0 "$redis_pid" 2>/dev/null; then
        kill -9 "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
    fi
    rm -rf "$work" "${dist:-}"
}
trap cleanup EXIT

# each step is logged with the load average: the machine may be shared, and this says how busy it was
log() {
    echo "compare: $(date -u +%H:%M:%S) $*" >&2
    echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*" >>"$out/load.txt"
}
now_ns() { date +%s%N; }
ms_since() { echo "$(( ($(now_ns) - $1) / 1000 ))" | awk '{printf "%.1f", $1 / 1000}'; }

# ---------------------------------------------------------------------------- build and machine
log "building (mvn -Pbench package, tests skipped)"
mvn -q -B -Pbench -DskipTests package >&2
# The run uses a snapshot of this build (jar, libraries, benchmarks, launcher), so that edits and
# rebuilds in the work tree while it runs change nothing: one run measures one build.
dist="$out/dist"
mkdir -p "$dist/ops" "$dist/target/classes/dev/statestore"
cp -r target/statestore.jar target/lib target/jmh-classes target/jmh-lib "$dist/target/"
cp target/classes/dev/statestore/jvm-flags.properties "$dist/target/classes/dev/statestore/"
cp ops/statestore "$dist/ops/"
export BENCH_BUILD=never BENCH_TARGET="$dist/target"
"$dist/ops/statestore" --version >/dev/null # builds the launcher's class-data archive, once

tools_cp="$dist/target/jmh-classes:$dist/target/statestore.jar:$dist/target/lib/*:$dist/target/jmh-lib/*"
tool() { java -cp "$tools_cp" "$@"; }
statestore() { "$dist/ops/statestore" "$@"; }

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc: $(nproc)"
    lscpu | head -20
    free -g | head -2
    df -h "$base" | tail -1
    java -version 2>&1 | head -1
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "data: $base"
} >"$out/machine.txt"
: >"$out/times.tsv"

# ---------------------------------------------------------------------------- JMH
jmh() {
    local name="$1"
    shift
    log "jmh $name: $*"
    ops/bench/jmh.sh "$@" -p dir="$base" -p keys="$keys" ${jmh_opts[@]+"${jmh_opts[@]}"} -rf json -rff "$out/jmh-$name.json" >"$out/jmh-$name.log" 2>&1 \
        || { log "jmh $name failed: see $out/jmh-$name.log"; tail -20 "$out/jmh-$name.log" >&2; }
}
jmh store-get 'StoreBench\.(get|mixed)$' -p journal=async -p metrics=unbound,bound
jmh store-getusing 'StoreBench\.getUsing$' -p journal=async -p metrics=unbound
# issue 16: the near cache (every key near) against the same store without one, in one run
jmh store-near 'StoreBench\.(get|getUsing|mixed|mixed5050)$' 'ChronicleMapBench\.getUsing$' -p journal=async -p metrics=unbound -p near=0,"$keys"
jmh store-put 'StoreBench\.put$' -p journal=off,none,async,always
jmh store-put-metrics 'StoreBench\.put$' -p journal=off -p metrics=bound
jmh baselines 'ChronicleMapBench|ConcurrentHashMapBench|LmdbBench'
jmh store-2t 'StoreBench\.(get|put|mixed)$' -t 2 -p journal=async
jmh baselines-2t 'ChronicleMapBench\.(getUsing|put)$|ConcurrentHashMapBench\.get$' -t 2
jmh getpath 'GetPathBench'
# JCache: statestore's over its StoreMap, and against Caffeine's and Ehcache 3's providers (bench class
# path only). 200k keys whatever BENCH_KEYS says: a cache's store is created with the default sizing
# (100,000 entries, growth 10x), and the other two keep every entry on this JVM's heap.
keys=200000 jmh jcache 'JCacheBench\.(jcache|storeMap)(Get|Put)$'
keys=200000 jmh jcache-providers 'JCacheProvidersBench'
# the near cache's hit ratio against Caffeine and an exact LRU (counts hits: no lock, no timing)
log "near cache hit ratios (hit-ratio.sh near)"
timeout 1800 ops/bench/hit-ratio.sh near 100000 1000000 0.8,0.99,1.2 1,5,10 "$base" >"$out/near-hit-ratio.md" 2>"$out/near-hit-ratio.log" \
    || log "near hit ratios failed or took over 30 min: see $out/near-hit-ratio.log"

# ---------------------------------------------------------------------------- Redis
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    log "installing redis-server and redis-tools from Debian"
    if [[ "$(id -u)" != 0 ]]; then
        echo "compare: redis-server is missing and this is not root: apt-get install -y redis-server redis-tools" >&2
        exit 2
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools >&2; }
fi
redis-server --version >>"$out/machine.txt"

free_port() {
    local p
    for _ in $(seq 200); do
        p=$(( 20000 + RANDOM % 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    echo "compare: no free port" >&2
    exit 3
}

# redis_start DIR APPENDONLY(yes|no): starts redis-server in the background on a free port of
# 127.0.0.1 and waits until it answers (PONG, or LOADING while it reads its files), 30 s at most.
# A port taken between free_port and the server's bind ("Address already in use") makes the server
# exit: it is started again on another port, 5 times at most. Every wait here has a deadline.
redis_start() {
    local attempt
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$1" --appendonly "$2" \
            --appendfsync everysec --auto-aof-rewrite-percentage 0 --save "" --daemonize no \
            --logfile "$1/redis.log" &
        redis_pid=$!
        if redis_wait_up 30; then
            return 0
        fi
        if kill -0 "$redis_pid" 2>/dev/null; then
            echo "compare: redis-server on port $port did not answer within 30 s (see $1/redis.log)" >&2
            exit 3
        fi
        wait "$redis_pid" || true
        redis_pid=""
        log "redis: could not start on port $port ($(tail -n 1 "$1/redis.log" 2>/dev/null)); attempt $attempt of 5, another port"
    done
    echo "compare: redis-server did not start in 5 attempts (see $1/redis.log)" >&2
    exit 3
}
# redis_wait_up SECONDS: true once the server answers PING (or says it is LOADING); false when it
# exited or the time passed. No pause between tries: each redis-cli start paces the loop, and the
# restart times measured through it stay exact.
redis_wait_up() {
    local deadline=$(( SECONDS + $1 )) reply
    while (( SECONDS < deadline )); do
        kill -0 "$redis_pid" 2>/dev/null || return 1
        reply="$(timeout 2 redis-cli -p "$port" PING 2>&1 || true)" # another program on the port may never answer
        if [[ "$reply" == PONG || "$reply" == *LOADING* ]]; then
            return 0
        fi
    done
    return 1
}
# redis_stop: stops the server (SIGTERM; SIGKILL when it has not exited after 120 s)
redis_stop() {
    kill "$redis_pid" 2>/dev/null || true
    local deadline=$(( SECONDS + 120 ))
    while kill -0 "$redis_pid" 2>/dev/null && (( SECONDS < deadline )); do
        sleep 0.1
    done
    if kill -0 "$redis_pid" 2>/dev/null; then
        echo "compare: redis-server $redis_pid did not stop within 120 s; killing it" >&2
        kill -9 "$redis_pid" 2>/dev/null || true
    fi
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
}
# waits until a GET of a loaded key answers with its value (not LOADING, not refused), at most
# BENCH_REDIS_LOAD_SECONDS (default 900: 10M keys from an AOF on a slow disk)
redis_wait_get() {
    local key="$1" deadline=$(( SECONDS + ${BENCH_REDIS_LOAD_SECONDS:-900} ))
    while (( SECONDS < deadline )); do
        if [[ "$(timeout 5 redis-cli -p "$port" GET "$key" 2>/dev/null | wc -c)" -ge 100 ]]; then
            return 0
        fi
        if ! kill -0 "$redis_pid" 2>/dev/null; then
            echo "compare: redis-server exited before answering GET $key (see its redis.log)" >&2
            exit 3
        fi
    done
    echo "compare: Redis did not answer GET $key within ${BENCH_REDIS_LOAD_SECONDS:-900} s (BENCH_REDIS_LOAD_SECONDS)" >&2
    exit 3
}
redis_load() { # KEYS
    log "redis: loading $1 keys (RESP SET key-%012d, 100 random bytes) through redis-cli --pipe"
    tool dev.statestore.bench.tools.RespLoad "$1" 100 | redis-cli -p "$port" --pipe >"$out/redis-load-$1.log" 2>&1
}
# redis_restart DIR NAME: times server start to first GET from the RDB, then from the AOF
redis_restart() {
    local dir="$1" name="$2" probe="$3" t
    for r in $(seq "$rounds"); do
        t=$(now_ns); redis_start "$dir" no; redis_wait_get "$probe"
        printf 'redis-rdb-%s\t%s\n' "$name" "$(ms_since "$t")" >>"$out/times.tsv"; redis_stop
        t=$(now_ns); redis_start "$dir" yes; redis_wait_get "$probe"
        printf 'redis-aof-%s\t%s\n' "$name" "$(ms_since "$t")" >>"$out/times.tsv"
        [[ "$r" == "$rounds" ]] || redis_stop
    done
}

rdir="$work/redis-1m"
mkdir -p "$rdir"
redis_start "$rdir" yes
redis_load "$keys"
redis-cli -p "$port" SAVE >/dev/null
log "redis: redis-benchmark GET ($rounds rounds)"
for r in $(seq "$rounds"); do
    redis-benchmark -p "$port" -c 1 -n 300000 -r "$keys" --csv GET 'key-__rand_int__' >"$out/redis-get-c1-r$r.csv"
    redis-benchmark -p "$port" -c 1 -P 16 -n 2000000 -r "$keys" --csv GET 'key-__rand_int__' >"$out/redis-get-c1-p16-r$r.csv"
    redis-benchmark -p "$port" -c 50 -n 1000000 -r "$keys" --csv GET 'key-__rand_int__' >"$out/redis-get-c50-r$r.csv"
done
redis_stop
log "redis: restart times, 1M keys"
redis_restart "$rdir" 1m "$(printf 'key-%012d' $(( keys / 2 )))" # leaves the server from the AOF running
log "redis: redis-benchmark SET ($rounds rounds, appendonly yes)"
for r in $(seq "$rounds"); do
    redis-benchmark -p "$port" -c 1 -n 300000 -r "$keys" -d 100 --csv -t set >"$out/redis-set-c1-r$r.csv"
    redis-benchmark -p "$port" -c 1 -P 16 -n 2000000 -r "$keys" -d 100 --csv -t set >"$out/redis-set-c1-p16-r$r.csv"
done
redis_stop
rm -rf "$rdir"

# ---------------------------------------------------------------------------- processes on one store
xp="$work/xp"
log "statestore: 1 vs 2 processes ($rounds rounds)"
statestore --data "$xp" bench --op get --keys "$keys" --duration 1s --warmup 0s >/dev/null # creates and fills it
for r in $(seq "$rounds"); do
    for p in 1 2; do
        statestore --data "$xp" bench --op put --processes "$p" --keys "$keys" --warmup 3s --duration 5s --json >"$out/bench-put-p$p-r$r.json"
        statestore --data "$xp" bench --op get --processes "$p" --keys "$keys" --warmup 3s --duration 5s --json >"$out/bench-get-p$p-r$r.json"
    done
done
log "statestore: writer JVM to subscriber JVM event latency ($rounds rounds)"
for r in $(seq "$rounds"); do
    for wait in busy park; do
        statestore --data "$xp" bench --op subscribe-latency --wait "$wait" --rate 2000 --keys "$keys" \
            --warmup 3s --duration 10s --json >"$out/bench-sub-$wait-r$r.json"
    done
done
rm -rf "$xp"

# ---------------------------------------------------------------------------- restart and reattach
restart_case() { # NAME KEYS
    local name="$1" keys="$2" dir="$work/restart-$1" probe t
    probe="$(printf 'key-%010d' $(( keys / 2 )))"
    log "statestore: open to first get, warm JVM, $keys entries (fills the store first)"
    statestore --data "$dir" bench --op open --store restart --keys "$keys" --repeat 9 --json >"$out/bench-open-$name-r1.json"
    log "statestore: process start to first get, $keys entries"
    for r in $(seq $(( rounds + 2 ))); do
        t=$(now_ns); statestore --data "$dir" get restart "$probe" >/dev/null
        printf 'proc-%s\t%s\n' "$name" "$(ms_since "$t")" >>"$out/times.tsv"
    done
    if [[ "$name" == 1m ]]; then # the same without journal: what opening the journal costs
        statestore --data "$dir" bench --op open --store restart-nj --journal off --keys "$keys" --repeat 9 --json \
            >"$out/bench-open-nj-$name-r1.json"
        for r in $(seq $(( rounds + 2 ))); do
            t=$(now_ns); statestore --data "$dir" get restart-nj "$probe" >/dev/null
            printf 'proc-nj-%s\t%s\n' "$name" "$(ms_since "$t")" >>"$out/times.tsv"
        done
    fi
    du -sh "$dir" >>"$out/machine.txt"
    rm -rf "$dir"
}
for r in $(seq $(( rounds + 2 ))); do
    t=$(now_ns); statestore --version >/dev/null
    printf 'jvm-floor\t%s\n' "$(ms_since "$t")" >>"$out/times.tsv"
done
restart_case 1m "$keys"

if [[ "$big" -gt 0 ]]; then
    avail_kb="$(df -Pk "$base" | awk 'NR==2 {print $4}')"
    mem_kb="$(awk '/MemAvailable/ {print $2}' /proc/meminfo)"
    if (( avail_kb > 9 * 1024 * 1024 && mem_kb > 12 * 1024 * 1024 )); then
        restart_case 10m "$big"
        rdir="$work/redis-10m"
        mkdir -p "$rdir"
        redis_start "$rdir" yes
        redis_load "$big"
        redis-cli -p "$port" SAVE >/dev/null
        redis_stop
        log "redis: restart times, $big keys"
        redis_restart "$rdir" 10m "$(printf 'key-%012d' $(( big / 2 )))"
        redis_stop
        du -sh "$rdir" >>"$out/machine.txt"
        rm -rf "$rdir"
    else
        log "skipping the $big-entry case: $base has $((avail_kb / 1024)) MB free, memory $((mem_kb / 1024)) MB available"
    fi
fi

# ---------------------------------------------------------------------------- profiles
if [[ "${BENCH_PROFILE:-1}" != 0 ]]; then
    mkdir -p "$out/jfr"
    prof() { # NAME JMH-ARGS...
        local name="$1"
        shift
        log "profiling $name (JFR)"
        ops/bench/jmh.sh "$@" -p dir="$base" -p keys="$keys" -wi 2 -i 3 -r 3s -prof "jfr:dir=$out/jfr/$name" >"$out/jfr/$name.log" 2>&1 || true
        local f
        f="$(find "$out/jfr/$name" -name '*.jfr' 2>/dev/null | head -1 || true)"
        if [[ -n "$f" ]]; then
            tool dev.statestore.bench.tools.JfrTop "$f" "" 40 >"$out/jfr/$name.txt"
        fi
    }
    prof store-get 'StoreBench\.get$' -p journal=async
    prof raw-getUsing 'ChronicleMapBench\.getUsing$'
    prof store-put 'StoreBench\.put$' -p journal=async
    prof store-put-nojournal 'StoreBench\.put$' -p journal=off
    prof raw-put 'ChronicleMapBench\.put$'
    log "profiling the 2-process put (JFR of the parent process)"
    xp="$work/xp-prof"
    statestore --data "$xp" bench --op get --keys "$keys" --duration 1s --warmup 0s >/dev/null
    STATESTORE_JAVA_OPTS="-XX:StartFlightRecording=filename=$out/jfr/put-2-processes.jfr,settings=profile" \
        statestore --data "$xp" bench --op put --processes 2 --keys "$keys" --warmup 2s --duration 8s >"$out/jfr/put-2-processes.out" 2>&1 || true
    if [[ -f "$out/jfr/put-2-processes.jfr" ]]; then
        tool dev.statestore.bench.tools.JfrTop "$out/jfr/put-2-processes.jfr" bench- 40 >"$out/jfr/put-2-processes.txt"
    fi
    rm -rf "$xp"
fi

# ---------------------------------------------------------------------------- the tables
{
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), data in $base."
    echo
    tool dev.statestore.bench.tools.Report "$out"
} >"$out/report.md"
cat "$out/report.md"
log "raw results, logs and profiles: $out"
