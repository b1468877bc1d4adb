#!/usr/bin/env bash
# Java SDK benchmark (JMH): track() of the Causality SDK next to Segment's analytics-java in the same
# run, both sending to an HTTP endpoint in the benchmark JVM that answers {"success":true}
# (bench/src/main/java/dev/causality/bench/SdkTrackBench.java).
#
#   bench/run-sdk.sh           throughput with 1 and 8 threads (with -prof gc), track() latency
#                              percentiles with 1 thread (sample mode), then delivery: the time to
#                              track and deliver 100,000 events (single shot, 1 thread)
#   bench/run-sdk.sh smoke     one short iteration of each, to check the tooling
#
# Settings (environment): WARMUP_ITERATIONS=3 ITERATIONS=5 TIME=2s FORKS=1 HEAP=1g.
# Results go to bench/results/<time>-sdk/ (JMH text output and JSON per run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-full}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
WARMUP_ITERATIONS="${WARMUP_ITERATIONS:-3}"
ITERATIONS="${ITERATIONS:-5}"
TIME="${TIME:-2s}"
FORKS="${FORKS:-1}"
HEAP="${HEAP:-1g}"
if [ "$mode" = smoke ]; then
  WARMUP_ITERATIONS=1; ITERATIONS=1; TIME=1s
fi
out="$root/bench/results/$(date +%Y%m%d-%H%M%S)-sdk"
mkdir -p "$out"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

log "building the SDK and bench jars"
(cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests -Djacoco.skip=true) >&2

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

jmh() { # name, JMH arguments...
  local name=$1
  shift
  log "$name: load average $(cut -d' ' -f1 /proc/loadavg)"
  "$java" -cp "$root/bench/target/causality-bench.jar:$root/bench/target/lib/*" org.openjdk.jmh.Main \
    -f "$FORKS" -wi "$WARMUP_ITERATIONS" -w "$TIME" -i "$ITERATIONS" -r "$TIME" -jvmArgs "-Xmx$HEAP -Xms$HEAP" \
    -rf json -rff "$out/$name.json" "$@" 2>&1 | tee "$out/$name.txt" | grep -E '^RESULT|^SdkTrackBench|^Benchmark ' >&2
}

track='SdkTrackBench\.(causality|analyticsJava)$'
jmh throughput-1 "$track" -bm thrpt -tu us -t 1 -prof gc
jmh throughput-8 "$track" -bm thrpt -tu us -t 8 -prof gc
jmh latency-1 "$track" -bm sample -tu ns -t 1
WARMUP_ITERATIONS=2 jmh delivery 'SdkTrackBench\.deliver' -bm ss -tu ns -t 1

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
{
  for f in throughput-1 throughput-8 latency-1 delivery; do
    echo "== $f"
    grep -E '^RESULT|^SdkTrackBench|^Benchmark ' "$out/$f.txt" | grep -vE 'gc\.(count|time)|churn' || true
  done
} | tee "$out/summary.txt"
log "results in $out"
