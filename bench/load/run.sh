#!/usr/bin/env bash
# Carnet's load benchmark: the release binary on loopback, a generated wiki of 10,000
# pages and 100,000 revisions, wrk for the load, and nginx serving one article's HTML as a
# static file in the same run as the ceiling. See docs/PERFORMANCE.md, "Load benchmark".
#
#   bench/load/run.sh [--pg] [--duration 10s] [--connections "32 256"]
#                     [--pages 10000] [--revisions 100000] [--only "page save"]
#                     [--no-build] [--keep] [--in-place] [--processes N]
#
# - Builds `carnet` (`cargo build --release`) and the generator (debug), unless --no-build.
# - The wiki: crates/carnet/examples/bench_wiki.rs writes a MediaWiki dump, which
#   `carnet import mediawiki` imports; then an account `banc` (writer) and a read-write
#   API token are made through the real login and token forms. The data folder is cached
#   in target/bench-load/cache-KEY (KEY: generator version, sizes, migration names), so
#   reruns start in seconds; each run works on a copy (--in-place: on the cache itself,
#   to spare 700 MB of disk; the saves of the run then stay in the cached wiki).
# - --processes N (with --pg): N servers on the one database behind an nginx load
#   balancer (round robin, keep-alive to the servers), all on the server's core; the
#   requests go through nginx, the memory figures are the first server's.
# - --pg: the same wiki copied into a fresh PostgreSQL 15 (.ci/postgres.sh's throwaway
#   server, fsync off) with `carnet migrate-db`; the server and its data go at the end.
# - The server runs with CARNET_WORKERS=1 pinned to CPU 1 (taskset), wrk (one thread)
#   pinned to CPU 0, nginx (one worker) pinned to CPU 1. The save and creation rate
#   limits are switched off for the run (CARNET_LIMIT_*=off): they are per address and
#   every request comes from 127.0.0.1.
# - Warm-up: every page is read once (the render cache fills), and every page's current
#   revision is read through the JSON API (the saves' base revisions).
# - Workloads, each at every --connections value for --duration: static (nginx, one
#   article's HTML bytes), article (Carnet, that same article), page (random pages among
#   10,000), history, diff (current revision against its parent, random pages), search
#   (200 words, frequent and rare), save (PUT /api/v1/pages/… with a token, pages in
#   turn, ~5 KB texts), recent (Spécial:Modifications_récentes).
# - Before each workload the server's core must be idle again (wait_idle): requests that
#   wrk left behind would otherwise be counted against the next workload.
# - Resident memory: VmRSS of the server sampled every 0.2 s during each workload, and
#   VmHWM at the end.
# - Output: a Markdown table and the figures against the aims.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
if [[ -d "$HOME/.cargo/bin" ]]; then PATH="$HOME/.cargo/bin:$PATH"; fi

PG=0
DURATION=10s
CONNECTIONS="32 256"
PAGES=10000
REVISIONS=100000
ONLY="static article static-identity article-identity page history diff search save recent"
BUILD=1
KEEP=0
IN_PLACE=0
PROCESSES=1
while (($#)); do
    case "$1" in
        --pg) PG=1 ;;
        --duration) DURATION=$2; shift ;;
        --connections) CONNECTIONS=$2; shift ;;
        --pages) PAGES=$2; shift ;;
        --revisions) REVISIONS=$2; shift ;;
        --only) ONLY=$2; shift ;;
        --no-build) BUILD=0 ;;
        --keep) KEEP=1 ;;
        --in-place) IN_PLACE=1 ;;
        --processes) PROCESSES=$2; shift ;;
        -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

SERVER_CPU=${BENCH_SERVER_CPU:-1}
CLIENT_CPU=${BENCH_CLIENT_CPU:-0}
log() { printf '[bench] %s\n' "$*" >&2; }

for tool in wrk nginx taskset curl; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || {
        echo "$tool is missing: apt-get install -y wrk nginx-light util-linux curl" >&2
        exit 1
    }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if ((BUILD)); then
    # The generator is an example (its dev-dependencies would cost a release build for
    # nothing): its debug build writes the 100,000 revisions in under a minute.
    log "cargo build --release -p carnet --bin carnet; cargo build -p carnet --example bench_wiki"
    cargo build --release -q -p carnet --bin carnet
    cargo build -q -p carnet --example bench_wiki
fi
CARNET=$ROOT/target/release/carnet
GENERATOR=$ROOT/target/debug/examples/bench_wiki

WORK=$ROOT/target/bench-load
mkdir -p "$WORK"
MIGRATIONS=$(ls migrations/sqlite migrations/postgres 2>/dev/null | sha256sum | cut -c1-12)
KEY="v$("$GENERATOR" --version)-p$PAGES-r$REVISIONS-m$MIGRATIONS"
CACHE=$WORK/cache-$KEY
RUN=$(mktemp -d "$WORK/run.XXXXXX")
chmod 755 "$RUN"

SERVER_PIDS=()
NGINX_PID=
SAMPLER_PID=
cleanup() {
    local status=$?
    [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
    for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    if ((PG)); then carnet_pg_stop || true; fi
    if ((KEEP)); then log "kept $RUN"; else rm -rf "$RUN"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

# Starts `carnet serve` on DATA (and DATABASE_URL when set) on PORT; appends its pid.
start_server() {
    local data=$1 port=$2 logfile=$3
    env CARNET_WORKERS="${BENCH_WORKERS:-1}" RUST_LOG="${RUST_LOG:-warn}" \
        CARNET_LIMIT_SAVES_PER_ACCOUNT=off CARNET_LIMIT_SAVES_PER_IP=off \
        CARNET_LIMIT_CREATIONS_PER_ACCOUNT=off CARNET_LIMIT_CREATIONS_PER_IP=off \
        taskset -c "$SERVER_CPU" "$CARNET" serve --bind "127.0.0.1:$port" --data "$data" \
        >"$logfile" 2>&1 &
    SERVER_PIDS+=($!)
    local tries=0
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/wiki/Accueil" 2>/dev/null; do
        tries=$((tries + 1))
        if ((tries > 600)) || ! kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null; then
            log "the server did not start:"; tail -20 "$logfile" >&2; exit 1
        fi
        sleep 0.2
    done
}

stop_servers() {
    for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    SERVER_PIDS=()
}

# Logs in as `banc` and makes a read-write API token through the HTML forms.
make_token() {
    local base=$1 jar=$RUN/cookies csrf page
    extract_csrf() { grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
    csrf=$(curl -fsS -c "$jar" -b "$jar" "$base/account/login" | extract_csrf)
    curl -fsS -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" \
        --data-urlencode "csrf_token=$csrf" --data-urlencode "name=banc" \
        --data-urlencode "password=banc-de-charge-2026" "$base/account/login"
    csrf=$(curl -fsS -c "$jar" -b "$jar" "$base/account/tokens" | extract_csrf)
    page=$(curl -fsS -L -c "$jar" -b "$jar" -H "Origin: $base" \
        --data-urlencode "csrf_token=$csrf" --data-urlencode "name=banc de charge" \
        --data-urlencode "write=1" "$base/account/tokens")
    grep -o 'carnet_[0-9a-f]\{64\}' <<<"$page" | head -1
}

if [[ ! -f "$CACHE/ready" ]]; then
    log "generating the wiki ($PAGES pages, $REVISIONS revisions) into $CACHE"
    rm -rf "$CACHE/data"
    mkdir -p "$CACHE/data"
    if [[ ! -f "$CACHE/generated" ]]; then
        "$GENERATOR" --out "$CACHE" --pages "$PAGES" --revisions "$REVISIONS"
        touch "$CACHE/generated"
    fi
    started=$SECONDS
    "$CARNET" import --data "$CACHE/data" mediawiki "$CACHE/dump.xml" \
        --report "$CACHE/import-report.csv" | tail -3 >&2
    log "imported in $((SECONDS - started)) s"
    rm -f "$CACHE/dump.xml" "$CACHE/generated"
    printf 'banc-de-charge-2026\n' | "$CARNET" user --data "$CACHE/data" create banc --role writer >&2
    port=$(free_port)
    start_server "$CACHE/data" "$port" "$CACHE/token-server.log"
    make_token "http://127.0.0.1:$port" >"$CACHE/token"
    stop_servers
    [[ -s "$CACHE/token" ]] || { log "no API token could be made"; exit 1; }
    touch "$CACHE/ready"
fi

if ((IN_PLACE)); then
    log "working on the cached wiki itself ($CACHE/data)"
    ln -s "$CACHE/data" "$RUN/data"
else
    log "copying the cached wiki to $RUN"
    cp -a "$CACHE/data" "$RUN/data"
fi
cp "$CACHE/titles.txt" "$CACHE/words.txt" "$CACHE/save.json" "$CACHE/token" "$RUN/"
: >"$RUN/bases.tsv"

BACKEND=SQLite
if ((PG)); then
    # shellcheck source=../../.ci/postgres.sh
    source .ci/postgres.sh
    CARNET_PG_STATE=$RUN/pg.state
    carnet_pg_start >/dev/null
    PG_ADMIN=$CARNET_PG_URL
    DATABASE_URL="${PG_ADMIN%/*}/carnet_bench"
    "$CARNET_PG_BIN/psql" "$PG_ADMIN" -qc 'CREATE DATABASE carnet_bench' >/dev/null
    log "copying the wiki into PostgreSQL (carnet migrate-db)"
    started=$SECONDS
    "$CARNET" migrate-db --data "$RUN/data" --to "$DATABASE_URL" >&2
    log "copied in $((SECONDS - started)) s"
    export DATABASE_URL
    BACKEND="PostgreSQL 15"
    # The database server shares the server's core (its children inherit this).
    taskset -a -c -p "$SERVER_CPU" "$(head -1 "$CARNET_PG_DIR"/data/postmaster.pid)" >/dev/null
fi

PORT=$(free_port)
start_server "$RUN/data" "$PORT" "$RUN/server.log"
SERVER_PID=${SERVER_PIDS[0]}
BASE=http://127.0.0.1:$PORT
if ((PROCESSES > 1)); then
    ((PG)) || { log "--processes needs --pg (one SQLite file is one process's)"; exit 2; }
    UPSTREAMS="server 127.0.0.1:$PORT;"
    for n in $(seq 2 "$PROCESSES"); do
        port=$(free_port)
        start_server "$RUN/data" "$port" "$RUN/server-$n.log"
        UPSTREAMS="$UPSTREAMS server 127.0.0.1:$port;"
    done
    LB_PORT=$(free_port)
    mkdir -p "$RUN/balancer"
    cat >"$RUN/balancer/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $RUN/balancer/nginx.pid;
error_log $RUN/balancer/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $RUN/balancer/body;
    proxy_temp_path $RUN/balancer/proxy;
    fastcgi_temp_path $RUN/balancer/fastcgi;
    uwsgi_temp_path $RUN/balancer/uwsgi;
    scgi_temp_path $RUN/balancer/scgi;
    upstream carnet { $UPSTREAMS keepalive 64; }
    server {
        listen 127.0.0.1:$LB_PORT;
        location / {
            proxy_pass http://carnet;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
        }
    }
}
EOF
    taskset -c "$SERVER_CPU" "$NGINX" -p "$RUN/balancer" -c "$RUN/balancer/nginx.conf" &
    SERVER_PIDS+=($!)
    for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$LB_PORT/wiki/Accueil" && break; sleep 0.1; done
    BASE=http://127.0.0.1:$LB_PORT
    BACKEND="$BACKEND, $PROCESSES processes behind nginx"
fi

run_wrk() { # mode connections duration [url]
    # Reads ask for gzip as every browser does; a mode ending in -identity does not.
    local mode=$1 conns=$2 duration=$3 url=${4:-$BASE} gzip=1 base=$1
    if [[ $mode == *-identity ]]; then gzip=0; base=${mode%-identity}; fi
    env BENCH_MODE="$base" BENCH_DIR="$RUN" BENCH_PATH="${BENCH_PATH:-/}" BENCH_GZIP=$gzip \
        taskset -c "$CLIENT_CPU" wrk -t1 -c"$conns" -d"$duration" --timeout 30s \
        -s "$ROOT/bench/load/carnet.lua" "$url" 2>&1 | tee -a "$RUN/wrk.log" | grep '^RESULT' |
        sed "s/^RESULT\t$base\t/RESULT\t$mode\t/" || true
}

RESULTS=$RUN/results.tsv
: >"$RESULTS"
started=$SECONDS
log "warm-up: every page once, then every page's current revision (JSON API)"
# Their figures are reported too: first views with a cold render cache (4 connections:
# each first view writes its HTML to the render cache, and with more readers SQLite could
# not reset its WAL, which grew by gigabytes), and JSON reads.
printf '4\t0\t%s\n' "$(run_wrk walk 4 900s)" >>"$RESULTS"
printf '16\t0\t%s\n' "$(run_wrk prime 16 600s)" >>"$RESULTS"
log "warm-up done in $((SECONDS - started)) s ($(wc -l <"$RUN/bases.tsv") base revisions)"

# The article: the median-sized HTML page among 101 pages.
ARTICLE_PATH=$(
    for path in $(cut -f1 "$RUN/titles.txt" | awk 'NR % 97 == 1' | head -101); do
        printf '%s %s\n' "$(curl -fsS "$BASE$path" | wc -c)" "$path"
    done | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'
)
mkdir -p "$RUN/static"
curl -fsS "$BASE$ARTICLE_PATH" -o "$RUN/static/article.html"
ARTICLE_BYTES=$(wc -c <"$RUN/static/article.html")
# nginx serves the same bytes gzip-compressed (level 6, as Carnet keeps them) from a
# file made beforehand (gzip_static): the cheapest compressed answer there is.
gzip -6 -k -n -f "$RUN/static/article.html"
ARTICLE_GZIP_BYTES=$(wc -c <"$RUN/static/article.html.gz")
chmod -R a+rX "$RUN/static"

NGINX_PORT=$(free_port)
mkdir -p "$RUN/nginx"
cat >"$RUN/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $RUN/nginx/body;
    proxy_temp_path $RUN/nginx/proxy;
    fastcgi_temp_path $RUN/nginx/fastcgi;
    uwsgi_temp_path $RUN/nginx/uwsgi;
    scgi_temp_path $RUN/nginx/scgi;
    types { text/html html; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $RUN/static;
        gzip_static on;
        gzip_vary on;
    }
}
EOF
taskset -c "$SERVER_CPU" "$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/article.html" && break; sleep 0.1; done

RSS_FILE=$RUN/rss
sample_rss() {
    local max=0 rss
    while :; do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
        ((rss > max)) && max=$rss && echo "$max" >"$RSS_FILE"
        sleep 0.2
    done
}

# Waits until the server's core is idle (at least 90 % over half a second, 60 s at most):
# when wrk stops, the requests it leaves behind are still queued in the server — after
# search at 256 connections, seconds of work — and would be measured as the next
# workload's time.
wait_idle() {
    local busy_before total_before busy total
    for _ in $(seq 120); do
        read -r busy_before total_before < <(awk -v cpu="cpu$SERVER_CPU" \
            '$1 == cpu { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
        sleep 0.5
        read -r busy total < <(awk -v cpu="cpu$SERVER_CPU" \
            '$1 == cpu { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
        (( (busy - busy_before) * 10 <= total - total_before )) && return 0
    done
    log "CPU $SERVER_CPU still busy after 60 s; going on"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A LABEL=(
    [static]="nginx: one article's HTML as a static file (gzip)"
    [article]="Carnet: that same article (gzip)"
    [static-identity]="nginx: the same file, not compressed"
    [article-identity]="Carnet: the same article, not compressed"
    [page]="page views, $PAGES pages"
    [history]="histories"
    [diff]="diffs"
    [search]="search"
    [save]="saves (JSON API)"
    [recent]="recent changes"
    [walk]="warm-up: first view of each page (render cache cold unless --in-place reran)"
    [prime]="warm-up: each page through the JSON API"
)
for mode in $ONLY; do
    for conns in $CONNECTIONS; do
        url=$BASE
        path=/
        if [[ $mode == static* ]]; then url=http://127.0.0.1:$NGINX_PORT; path=/article.html; fi
        if [[ $mode == article* ]]; then path=$ARTICLE_PATH; fi
        wait_idle
        echo 0 >"$RSS_FILE"
        sample_rss &
        SAMPLER_PID=$!
        line=$(BENCH_PATH=$path run_wrk "$mode" "$conns" "$DURATION" "$url")
        kill "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=
        rss=$(cat "$RSS_FILE")
        [[ $mode == static* ]] && rss=0
        log "$mode c=$conns: ${line:-no result}"
        printf '%s\t%s\t%s\n' "$conns" "$rss" "$line" >>"$RESULTS"
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")

# The table.
{
    printf '\n## Load benchmark: %s, %s pages, %s revisions\n\n' "$BACKEND" "$PAGES" "$REVISIONS"
    printf '%s, commit %s, %s; wrk 1 thread on CPU %s, carnet (1 worker) and nginx (1 worker) on CPU %s; %s per run.\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(nproc) cores" "$CLIENT_CPU" "$SERVER_CPU" "$DURATION"
    printf 'Load average before: %s, after: %s. Article %s: %s bytes of HTML, %s gzip-compressed.\n' \
        "$LOAD_BEFORE" "$LOAD_AFTER" "$ARTICLE_PATH" "$ARTICLE_BYTES" "$ARTICLE_GZIP_BYTES"
    printf '%s\n\n' "Reads send Accept-Encoding: gzip as browsers do, except the rows marked not compressed; each save appends a line to the page's current text."
    printf '| workload | connections | req/s | p50 (ms) | p99 (ms) | max (ms) | non-2xx | socket errors | server RSS max (MiB) |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    while IFS=$'\t' read -r conns rss _ mode requests rps p50 p99 max status sock bytes; do
        printf '| %s | %s | %.0f | %.2f | %.2f | %.1f | %s | %s | %s |\n' "${LABEL[$mode]:-$mode}" \
            "$conns" "$rps" "$p50" "$p99" "$max" "$status" "$sock" \
            "$( ((rss > 0)) && echo $((rss / 1024)) || echo —)"
    done <"$RESULTS"
    printf '\nServer peak resident memory (VmHWM, whole run including warm-up): %s MiB.\n' "$((HWM / 1024))"
    awk -F'\t' '
        { rps[$4 "@" $1] = $6; p99[$4 "@" $1] = $8; conns[$1] = 1 }
        END {
            for (c in conns) {
                if (("static@" c) in rps && ("page@" c) in rps && rps["static@" c] > 0)
                    printf "- %s connections: page views / nginx = %.2f (aim ≥ 0.5); same article / nginx = %.2f; not compressed, article / nginx = %.2f\n", c,
                        rps["page@" c] / rps["static@" c], rps["article@" c] / rps["static@" c],
                        (rps["static-identity@" c] > 0 ? rps["article-identity@" c] / rps["static-identity@" c] : 0)
            }
            if ("page@32" in p99) printf "- page views p99 at 32 connections: %.2f ms (aim < 10 ms)\n", p99["page@32"]
            for (c in conns) if (("save@" c) in rps) printf "- saves at %s connections: %.0f/s (aim > 500 on SQLite)\n", c, rps["save@" c]
        }' "$RESULTS"
} | tee "$RUN/table.md"
cp "$RUN/table.md" "$WORK/last-$(date -u +%Y%m%d-%H%M%S)-${BACKEND%% *}.md"
