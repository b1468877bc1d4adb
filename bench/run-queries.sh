#!/usr/bin/env bash
# The query benchmark (issue 3): 10 million demo events (seed 7), then trends, a 3-step funnel and
# weekly retention through the query API, each against the same question written by hand in
# DuckDB SQL and sent through /api/sql in the same run. Prints a markdown table.
#   bench/run-queries.sh                 EVENTS=10000000 RUNS=10 DATA=/tmp/causality-qbench
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
events="${EVENTS:-10000000}"; runs="${RUNS:-10}"; data="${DATA:-/tmp/causality-qbench}"; port="${PORT:-18282}"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"  # the bench build needs a JDK 21+ too
./causality --version >/dev/null   # builds the server jar when needed
java="$JAVA_HOME/bin/java"
if [ ! -f "$data/warehouse.duckdb" ]; then
  ./causality demo --events "$events" --seed 7 --data-dir "$data"
fi
./mvnw -q -B -pl bench -am package -DskipTests -Djacoco.skip=true
./causality prepare
token=benchtoken-0123456789   # the server refuses admin tokens shorter than 16 characters
CAUSALITY_DATA_DIR="$data" CAUSALITY_PORT="$port" CAUSALITY_ADMIN_TOKEN="$token" CAUSALITY_WAREHOUSE_MEMORY="${WAREHOUSE_MEMORY:-2GB}" \
  ./causality serve > "$data/serve.log" 2>&1 &
server=$!   # the launcher execs java, so this is the server's own pid: stop this one, never another
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
until curl -sf "localhost:$port/ready" >/dev/null; do
  kill -0 "$server" 2>/dev/null || { echo "the server exited; see $data/serve.log" >&2; exit 1; }
  sleep 0.5
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -cp "bench/target/classes:server/target/lib/*" dev.causality.bench.QueryBench "http://127.0.0.1:$port" "$token" "$runs"
