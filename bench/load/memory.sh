#!/usr/bin/env bash
# Resident memory of `carnet serve` by database pool size, on the load benchmark's wiki
# (bench/load/run.sh must have made its cache first). See docs/PERFORMANCE.md, "Load
# benchmark" (the memory-by-pool-size table).
#
#   bench/load/memory.sh [POOL_SIZE...]        # default: 16 8 4
#
# For each pool size: a fresh copy of the cached 10,000-page wiki, the release server
# pinned to CPU 1 (one worker, rate limits off, as in run.sh), wrk pinned to CPU 0; every
# page read once (the caches fill), 5 s of page views at 256 connections, then 8 s each of
# histories, diffs and search at 256 connections. VmRSS after each step, and VmHWM.
#
# Heap profile (which code holds the peak), with heaptrack from Debian:
#   cargo build --release -p carnet --no-default-features --target-dir target/heaptrack
#   CARNET_BIN=target/heaptrack/release/carnet WRAP="heaptrack -o /tmp/carnet" \
#       bench/load/memory.sh 4
#   heaptrack_print -f /tmp/carnet.zst --print-peaks 1 --print-leaks 0 | less
# (without the `mimalloc` feature Rust's allocations go through malloc, which heaptrack
# follows; the run is slower under it, the peak's make-up is what it tells).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
CARNET=$(realpath "${CARNET_BIN:-$ROOT/target/release/carnet}")
WRAP=${WRAP:-}
CACHE=$(ls -d "$ROOT"/target/bench-load/cache-v2-p10000-r100000-* 2>/dev/null | head -1 || true)
[[ -x $CARNET ]] || { echo "build it first: cargo build --release -p carnet" >&2; exit 1; }
[[ -n $CACHE && -d $CACHE/data ]] || { echo "no cached wiki: run bench/load/run.sh once" >&2; exit 1; }
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(16 8 4)

RUN=$(mktemp -d /tmp/carnet-memory.XXXXXX)
SERVER=
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; rm -rf "$RUN"; }
trap cleanup EXIT
cp "$CACHE/titles.txt" "$CACHE/words.txt" "$RUN/"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

load() { # mode connections duration
    env BENCH_MODE="$1" BENCH_GZIP=1 BENCH_DIR="$RUN" taskset -c 0 wrk -t1 -c"$2" -d"$3" \
        --timeout 30s -s "$ROOT/bench/load/carnet.lua" "http://127.0.0.1:$PORT" |
        awk -F'\t' '/^RESULT/ { printf "%.0f", $4 }'
}
rss() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$SERVER/status"; }

printf '| `database_pool_size` | after warming | page views | histories | diffs | search | peak (VmHWM) | histories req/s |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for size in "${SIZES[@]}"; do
    rm -rf "$RUN/data"
    cp -a "$CACHE/data" "$RUN/data"
    env CARNET_WORKERS=1 RUST_LOG=warn CARNET_DATABASE_POOL_SIZE="$size" \
        CARNET_LIMIT_SAVES_PER_ACCOUNT=off CARNET_LIMIT_SAVES_PER_IP=off \
        CARNET_LIMIT_CREATIONS_PER_ACCOUNT=off CARNET_LIMIT_CREATIONS_PER_IP=off \
        taskset -c 1 $WRAP "$CARNET" serve --bind "127.0.0.1:$PORT" --data "$RUN/data" \
        >"$RUN/server.log" 2>&1 &
    SERVER=$!
    LAUNCHED=$SERVER
    until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/wiki/Accueil" 2>/dev/null; do
        kill -0 "$SERVER" 2>/dev/null || { tail "$RUN/server.log" >&2; exit 1; }
        sleep 0.2
    done
    # Under a wrapper, the server is its child: memory is read from the server itself.
    [[ -z $WRAP ]] || SERVER=$(pgrep -n -f -- "$CARNET serve --bind 127.0.0.1:$PORT")
    load walk 4 900s >/dev/null; warmed=$(rss)
    load page 256 5s >/dev/null; pages=$(rss)
    history_rate=$(load history 256 8s); history=$(rss)
    load diff 256 8s >/dev/null; diff=$(rss)
    load search 256 8s >/dev/null; search=$(rss)
    peak=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$SERVER/status")
    printf '| %s | %s MiB | %s MiB | %s MiB | %s MiB | %s MiB | %s MiB | %s |\n' \
        "$size" "$warmed" "$pages" "$history" "$diff" "$search" "$peak" "$history_rate"
    kill "$SERVER"; wait "$LAUNCHED" 2>/dev/null || true; SERVER=
done
