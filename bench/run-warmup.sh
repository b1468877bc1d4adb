#!/usr/bin/env bash
# Warm-up: the first minute of a server under a fixed load from its start, with the launcher's AOT
# cache (JDK 25; trained on generated traffic by `./causality prepare`) against an AppCDS archive
# of start-up's classes only (what the launcher kept before, and still keeps on JDK 21-24).
# Alternates the two, RUNS times each; per 10 s it prints the server's cores, the JIT compiler
# threads' cores and the log lag, then the run's ack latency.
#
#   bench/run-warmup.sh            RUNS=3 RATE=30000 DURATION=60 MODES="cds aot" PORT=18192
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
RUNS="${RUNS:-3}"
RATE="${RATE:-30000}"
DURATION="${DURATION:-60}"
MODES="${MODES:-cds aot}"
PORT="${PORT:-18192}"
KEY="warmup-bench-key-0123456789"
hz="$(getconf CLK_TCK)"

(cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests -Djacoco.skip=true) >&2
"$root/causality" prepare
read -ra jvm_opts <<<"$("$root/causality" java-opts)"
jar="$root/server/target/causality-server.jar"
cache="$root/server/target/causality-server.aot"
[ -f "$cache" ] || { echo "no AOT cache at $cache (needs JDK 25)" >&2; exit 1; }
work="$(mktemp -d /tmp/causality-warmup.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# the AppCDS archive as the launcher made it before: a server that stops once it is ready
mkdir "$work/cds-train"
env -i PATH="$PATH" HOME="${HOME:-/tmp}" CAUSALITY_DATA_DIR="$work/cds-train" CAUSALITY_PORT=0 MALLOC_ARENA_MAX=2 \
  "$java" "${jvm_opts[@]}" -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$work/cds.jsa" \
  -jar "$jar" serve --stop-when-started >/dev/null 2>&1

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
jit_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in C1* | C2*) awk '{print $14 + $15}' "$t/stat" 2>/dev/null ;; esac
  done | awk '{s += $1} END {print s + 0}'
}

run_one() { # mode
  local mode=$1 opts pid gen prev now pj nj lag i
  case "$mode" in
    aot) opts=("-XX:AOTCache=$cache") ;;
    cds) opts=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$work/cds.jsa") ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  rm -rf "$work/data"
  CAUSALITY_DATA_DIR="$work/data" CAUSALITY_PORT="$PORT" CAUSALITY_INGEST_KEY="$KEY" CAUSALITY_RATE_LIMIT=0 MALLOC_ARENA_MAX=2 \
    "$java" "${jvm_opts[@]}" "${opts[@]}" -jar "$jar" serve >"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  sleep 2
  "$java" -cp "$root/bench/target/causality-bench.jar" dev.causality.bench.LoadGenerator \
    --url "http://127.0.0.1:$PORT/v1/batch" --key "$KEY" --connections 32 --rate "$RATE" \
    --warmup 0 --duration "$DURATION" --label "$mode" >"$work/gen.txt" 2>&1 &
  gen=$!
  prev=$(ticks "$pid"); pj=$(jit_ticks "$pid")
  echo "== $mode"
  for ((i = 1; i <= DURATION / 10; i++)); do
    sleep 10
    now=$(ticks "$pid"); nj=$(jit_ticks "$pid")
    lag=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '$1 == "causality_log_lag_bytes" {printf "%.1f MB", $2 / 1e6}')
    awk -v t=$((i * 10)) -v a="$prev" -v b="$now" -v ja="$pj" -v jb="$nj" -v hz="$hz" -v lag="$lag" \
      'BEGIN {printf "t=%3ds cores=%.2f jit_cores=%.2f log_lag=%s\n", t, (b - a) / hz / 10, (jb - ja) / hz / 10, lag}'
    prev=$now; pj=$nj
  done
  wait "$gen" || true
  grep -E 'acknowledged|latency' "$work/gen.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "commit $(git -C "$root" rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg), rate $RATE/s"
for ((r = 1; r <= RUNS; r++)); do
  for m in $MODES; do run_one "$m"; done
done
