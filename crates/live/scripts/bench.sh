#!/bin/sh
# Usage: live-bench.sh N SECONDS: a fresh SQLite server, the harness, the figures.
cd "$(dirname "$0")/../../.."
N=$1; S=$2
D=${TMPDIR:-/tmp}/live-bench-$N; rm -rf $D; mkdir -p $D
./target/release/carnet serve --bind 127.0.0.1:18500 --data $D > $D/server.log 2>&1 &
PID=$!
sleep 1.5
./target/release/examples/typists --url http://127.0.0.1:18500 --typists $N --seconds $S --server-pid $PID > $D/report.txt 2>&1 || echo "harness failed" >> $D/report.txt
kill $PID; wait $PID 2>/dev/null
echo "== N=$N"; cat $D/report.txt
