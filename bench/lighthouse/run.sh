#!/usr/bin/env bash
# Page weight and Lighthouse scores of Carnet's pages: an article, its edit view and the
# recent changes. See docs/PERFORMANCE.md, "Page weight and Lighthouse".
#
#   bench/lighthouse/run.sh [--no-build] [--base http://127.0.0.1:8080 --article /wiki/X]
#
# - Without --base: builds the release binary and the generator, imports a small
#   generated wiki (300 articles, 3,000 revisions: crates/carnet/examples/bench_wiki.rs,
#   the load benchmark's articles) into a temporary folder and serves it on loopback.
#   The article is the median-sized page (HTML bytes) among 31 of them.
# - Page weight: the article's HTML, the stylesheets it links and the scripts it loads,
#   uncompressed (aim: HTML + CSS under 40 KB), and whether the article's text is in the
#   HTML itself (readable without JavaScript).
# - Lighthouse 12 (npm, bench/lighthouse/package-lock.json) drives Debian's
#   /usr/bin/chromium (CHROME_PATH; nothing is downloaded), default settings (mobile,
#   simulated throttling), categories performance, accessibility, best practices, SEO.
#   Reports (JSON and HTML) are kept in target/bench-lighthouse/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
if [[ -d "$HOME/.cargo/bin" ]]; then PATH="$HOME/.cargo/bin:$PATH"; fi

BUILD=1
BASE=
ARTICLE=
while (($#)); do
    case "$1" in
        --no-build) BUILD=0 ;;
        --base) BASE=$2; shift ;;
        --article) ARTICLE=$2; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
log() { printf '[lighthouse] %s\n' "$*" >&2; }

CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
[[ -x $CHROME_PATH ]] || { echo "$CHROME_PATH is missing: apt-get install -y chromium" >&2; exit 1; }
export CHROME_PATH
if [[ ! -x bench/lighthouse/node_modules/.bin/lighthouse ]]; then
    log "npm ci --prefix bench/lighthouse"
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix bench/lighthouse --no-audit --no-fund >&2
fi

# CARNET_BIN: another binary (e.g. target/debug/carnet to check accessibility fixes
# without a release build; its performance scores mean nothing).
CARNET=${CARNET_BIN:-$ROOT/target/release/carnet}
OUT=${LIGHTHOUSE_OUT:-$ROOT/target/bench-lighthouse}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
    local status=$?
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT

if [[ -z $BASE ]]; then
    if ((BUILD)); then
        log "cargo build --release -p carnet --bin carnet; cargo build -p carnet --example bench_wiki"
        cargo build --release -q -p carnet --bin carnet
        cargo build -q -p carnet --example bench_wiki
    fi
    target/debug/examples/bench_wiki --out "$TMP/gen" --pages 300 --revisions 3000
    "$CARNET" import --data "$TMP/data" mediawiki "$TMP/gen/dump.xml" \
        --report "$TMP/report.csv" >/dev/null
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    RUST_LOG=warn "$CARNET" serve --bind "127.0.0.1:$PORT" --data "$TMP/data" \
        >"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    BASE=http://127.0.0.1:$PORT
    for _ in $(seq 300); do curl -fsS -o /dev/null "$BASE/wiki/Accueil" && break; sleep 0.2; done
    if [[ -z $ARTICLE ]]; then
        ARTICLE=$(
            for path in $(cut -f1 "$TMP/gen/titles.txt" | awk 'NR % 10 == 1' | head -31); do
                printf '%s %s\n' "$(curl -fsS "$BASE$path" | wc -c)" "$path"
            done | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'
        )
    fi
fi
[[ -n $ARTICLE ]] || ARTICLE=/wiki/Accueil

# Page weight.
curl -fsS "$BASE$ARTICLE" -o "$TMP/article.html"
HTML=$(wc -c <"$TMP/article.html")
CSS=0
CSS_LIST=
for href in $(grep -o '<link[^>]*rel="stylesheet"[^>]*>' "$TMP/article.html" | grep -o 'href="[^"]*"' | sed 's/href="//; s/"$//'); do
    bytes=$(curl -fsS "$BASE$href" | wc -c)
    CSS=$((CSS + bytes))
    CSS_LIST="$CSS_LIST $href ($bytes B)"
done
JS=0
JS_LIST=
for src in $(grep -o '<script[^>]*src="[^"]*"' "$TMP/article.html" | grep -o 'src="[^"]*"' | sed 's/src="//; s/"$//'); do
    bytes=$(curl -fsS "$BASE$src" | wc -c)
    JS=$((JS + bytes))
    JS_LIST="$JS_LIST $src ($bytes B)"
done
# Readable without JavaScript: the article's first heading and the intro's bold title
# are in the HTML as sent.
TITLE_TEXT=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1].removeprefix("/wiki/")).replace("_", " "))' "$ARTICLE")
if grep -q "<strong>$TITLE_TEXT</strong>" "$TMP/article.html"; then NOJS=yes; else NOJS="no (title not found in the HTML)"; fi

{
    printf '\n## Page weight: %s\n\n' "$ARTICLE"
    printf '| part | bytes (uncompressed) |\n|---|---:|\n'
    printf '| HTML | %s |\n| CSS:%s | %s |\n| **HTML + CSS** | **%s** (aim < 40,960) |\n' "$HTML" "$CSS_LIST" "$CSS" "$((HTML + CSS))"
    printf '| scripts:%s | %s |\n' "${JS_LIST:- none}" "$JS"
    printf '\nArticle text in the HTML as sent (readable without JavaScript): %s.\n' "$NOJS"
} | tee "$OUT/weight.md"

# Lighthouse.
FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
printf '\n## Lighthouse 12.8.2 (mobile, simulated throttling), %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" | tee "$OUT/scores.md"
printf '| page | performance | accessibility | best practices | SEO | failed accessibility audits |\n|---|---:|---:|---:|---:|---|\n' | tee -a "$OUT/scores.md"
for entry in "article|$ARTICLE" "edit view|$ARTICLE?action=edit" "recent changes|/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes"; do
    name=${entry%%|*}
    path=${entry#*|}
    file=$OUT/${name// /-}
    bench/lighthouse/node_modules/.bin/lighthouse "$BASE$path" --quiet \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output=html --output-path="$file" \
        --chrome-flags="$FLAGS" >/dev/null 2>"$file.log" || { log "lighthouse failed on $path:"; tail -5 "$file.log" >&2; continue; }
    node -e '
        const r = require(process.argv[1]);
        const s = (c) => r.categories[c] ? Math.round(r.categories[c].score * 100) : "—";
        const failed = r.categories.accessibility.auditRefs
            .map((a) => r.audits[a.id])
            .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "notApplicable" && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "informative")
            .map((a) => a.id).join(", ") || "none";
        console.log(`| ${process.argv[2]} | ${s("performance")} | ${s("accessibility")} | ${s("best-practices")} | ${s("seo")} | ${failed} |`);
    ' "$file.report.json" "$name" | tee -a "$OUT/scores.md"
done
log "reports in $OUT"
