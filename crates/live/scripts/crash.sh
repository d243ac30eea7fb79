#!/bin/sh
# Crash test: 20 typists for 30 s; halfway the server is killed with SIGKILL and restarted.
cd "$(dirname "$0")/../../.."
D=/tmp/live-crash; rm -rf $D; mkdir -p $D
./target/release/carnet serve --bind 127.0.0.1:18501 --data $D > $D/server.log 2>&1 &
echo $! > $D/pid
sleep 1.5
./target/release/examples/typists --url http://127.0.0.1:18501 --typists 20 --seconds 30 \
  --crash-command "kill -9 \$(cat $D/pid); sleep 1; (./target/release/carnet serve --bind 127.0.0.1:18501 --data $D >> $D/server.log 2>&1 & echo \$! > $D/pid)" > $D/report.txt 2>&1 || echo "harness failed" >> $D/report.txt
kill $(cat $D/pid)
echo "== crash"; cat $D/report.txt
