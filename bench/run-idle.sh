#!/usr/bin/env bash
# Start-up time and idle memory: starts `./causality serve` (the launcher's JVM flags;
# CAUSALITY_JAVA_OPTS adds more) on an empty data directory, one server at a time, and reports the
# time from launch to the first 200 of GET /ready, its resident memory (VmRSS of /proc/PID/status)
# at the given seconds after start, and the old generation's committed and used size (jcmd
# GC.heap_info); then stops it.
#
#   bench/run-idle.sh            RUNS=3 AT="10 30 60 90" PORT=18190
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
RUNS="${RUNS:-3}"
AT="${AT:-10 30 60 90}"
PORT="${PORT:-18190}"

# build and train first, so that start-up below is the server's alone
"$root/causality" prepare

# stops the script when the server has exited
alive() { kill -0 "$1" 2>/dev/null || { echo "server exited; log: $2" >&2; exit 1; }; }

for run in $(seq "$RUNS"); do
  dir="$(mktemp -d /tmp/causality-idle.XXXXXX)"
  launched=$(date +%s%3N)
  CAUSALITY_DATA_DIR="$dir" CAUSALITY_PORT="$PORT" CAUSALITY_INGEST_KEY="idle-bench-key-0123456789" \
    "$root/causality" serve >"$dir.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do
    alive "$pid" "$dir.log"
    sleep 0.05
  done
  line="run $run: ready after $(($(date +%s%3N) - launched)) ms;"
  for t in $AT; do
    while [ "$(ps -o etimes= -p "$pid" | tr -d ' ')" -lt "$t" ]; do
      alive "$pid" "$dir.log"
      sleep 1
    done
    line="$line ${t}s=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")MB"
  done
  old="$("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | awk '/tenured generation|Tenured|old gen/ {
    for (i = 1; i <= NF; i++) { if ($i == "total") t = $(i + 1); if ($i == "used") u = $(i + 1) }
    gsub(/[K,]/, "", t); gsub(/[K,]/, "", u); printf "old generation %d / %d MB", t / 1024, u / 1024 }')"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir" "$dir.log"
  echo "$line; $old (committed / used)"
done
