#!/usr/bin/env bash
# Restart after a crash: starts `./causality serve` on an empty data directory, sends load at a
# fixed rate, kills the server with SIGKILL in the middle of it, and starts it again on the same
# data directory. Reports, per run, what the crash left (the warehouse's WAL, which DuckDB replays
# when it opens the file, and the log bytes not yet loaded), the time from the second launch to the
# first 200 of GET /ready, and the time until the loader has caught up with the log.
#
#   bench/run-restart.sh        RUNS=4 RATE=50000 KILL_AFTER="6 9 12 15" PORT=18195
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
RUNS="${RUNS:-4}"
RATE="${RATE:-50000}"
KILL_AFTER="${KILL_AFTER:-6 9 12 15}"
PORT="${PORT:-18195}"
KEY="restart-bench-key-0123456789"
read -ra kill_after <<<"$KILL_AFTER"

# build first (server and bench jars), so that start-up below is the server's alone
(cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests -Djacoco.skip=true) >&2
"$root/causality" prepare

metric() { curl -fs "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {print $2}' | head -1; }

# starts the server on $dir; sets pid and ready_ms (from launch to ready)
serve() {
  local launched
  launched=$(date +%s%3N)
  CAUSALITY_DATA_DIR="$dir" CAUSALITY_PORT="$PORT" CAUSALITY_INGEST_KEY="$KEY" CAUSALITY_RATE_LIMIT=0 \
    "$root/causality" serve >>"$dir.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log: $dir.log" >&2; exit 1; }
    sleep 0.02
  done
  ready_ms=$(($(date +%s%3N) - launched))
}

for run in $(seq "$RUNS"); do
  dir="$(mktemp -d /tmp/causality-restart.XXXXXX)"
  after="${kill_after[$(((run - 1) % ${#kill_after[@]}))]}"
  serve
  "$java" -cp "$root/bench/target/causality-bench.jar" dev.causality.bench.LoadGenerator \
    --url "http://127.0.0.1:$PORT/v1/batch" --key "$KEY" --connections 32 --rate "$RATE" \
    --warmup 0 --duration $((after + 5)) --label restart >"$dir.gen" 2>&1 &
  gen=$!
  sleep "$after"
  lag=$(metric causality_log_lag_bytes)
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  wal=$(stat -c %s "$dir/warehouse.duckdb.wal" 2>/dev/null || echo 0)
  wait "$gen" 2>/dev/null || true
  serve
  t0=$(date +%s%3N)
  until [ "$(metric causality_log_lag_bytes)" = "0.0" ]; do sleep 0.1; done
  caught_up=$(($(date +%s%3N) - t0))
  printf 'run %d: killed after %d s at %d events/s; WAL %d MB, log not loaded %d MB; ready after %d ms; loader caught up %d ms later\n' \
    "$run" "$after" "$RATE" $((wal / 1048576)) "$(awk -v l="${lag:-0}" 'BEGIN {printf "%d", l / 1048576}')" "$ready_ms" "$caught_up"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir" "$dir.log" "$dir.gen"
done
