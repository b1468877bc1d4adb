#!/usr/bin/env bash
# Ingestion benchmark: the Causality server against a minimal durable endpoint on the same HTTP
# stack (bench/.../MinimalEndpoint.java), driven by the same load generator, in one run.
#
#   bench/run-ingest.sh            closed-loop runs at each of $CONNECTIONS, then a fixed-rate run
#   bench/run-ingest.sh smoke      a short run of each kind, to check the tooling
#   bench/run-ingest.sh loader     the loader benchmark (Appender vs read_json), bench/.../LoaderBench.java
#   bench/run-ingest.sh checkpoints DuckDB's own checkpoint rule against one per row group, bench/.../CheckpointBench.java
#   bench/run-ingest.sh lanes      DuckDB appending on one connection against two, bench/.../LaneBench.java
#
# Settings (environment): CONNECTIONS="8 16 32" WARMUP=40 DURATION=30 RATE="50000" (one or more fixed rates;
# 0 = none) RATE_CONNECTIONS=32 SIDES="minimal server" (which sides to run; CONNECTIONS="" for fixed rates only)
# MAX_LOAD=0.7 (only measure below this 1-minute load average) MAX_WAIT=1200 (seconds to wait for it)
# LOADER_ROWS=1000000 LOADER_BATCH_BYTES=4194304,67108864 LANE_ROWS=491520 LANES=1,2 LANE_TX=61440,122880
# LANE_MEMORY=256MB. Results go to bench/results/<time>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-ingest}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
# the launcher's JVM flags, so that the baseline runs on the same JVM settings as the server
jvm_flags=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k)

CONNECTIONS="${CONNECTIONS-8 16 32}"
# C2 keeps compiling for about a minute after the server starts on a slow 2-core machine and takes
# ~0.4 cores meanwhile (docs/benchmarks.md): a shorter warm-up measures the JIT, not the server
WARMUP="${WARMUP:-40}"
DURATION="${DURATION:-30}"
RATE="${RATE:-50000}"
RATE_CONNECTIONS="${RATE_CONNECTIONS:-32}"
SIDES="${SIDES:-minimal server}"
MAX_LOAD="${MAX_LOAD:-0.7}"
MAX_WAIT="${MAX_WAIT:-1200}"
if [ "$mode" = smoke ]; then
  CONNECTIONS="16"; WARMUP=2; DURATION=5; MAX_LOAD=100
fi
KEY="bench-ingest-key-0123456789"
MIN_PORT=18090
SRV_PORT=18080
out="$root/bench/results/$(date +%Y%m%d-%H%M%S)-$mode"
mkdir -p "$out"
work="$(mktemp -d /tmp/causality-bench.XXXXXX)"
hz="$(getconf CLK_TCK)"
pids=()

cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

build() {
  log "building server and bench jars"
  (cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests -Djacoco.skip=true) >&2
  "$root/causality" prepare  # the launcher's training run, once per build, before any measurement
}

machine() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "ram: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "java: $("$java" -version 2>&1 | head -1)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD)"
  } | tee "$out/machine.txt" >&2
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# Waits until the 1-minute load average is below MAX_LOAD (at most MAX_WAIT s); prints it.
wait_quiet() {
  local waited=0
  while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN {exit !(l >= m)}'; do
    if [ "$waited" -ge "$MAX_WAIT" ]; then
      log "load average still $(load1) after ${MAX_WAIT}s; measuring anyway (noted in the results)"
      break
    fi
    [ $((waited % 60)) -eq 0 ] && log "load average $(load1) >= $MAX_LOAD; waiting"
    sleep 10
    waited=$((waited + 10))
  done
  load1
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wait_http() { # url seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  log "no answer from $1 after $2 s"; return 1
}

# Waits until the process uses under 3% of a core over 2 s (start-up work done), at most 90 s.
wait_idle() {
  local i a b
  for ((i = 0; i < 45; i++)); do
    a=$(cpu_ticks "$1"); sleep 2; b=$(cpu_ticks "$1")
    if [ $((b - a)) -le $((hz * 2 * 3 / 100)) ]; then return 0; fi
  done
}

metric() { # name-with-labels-regex file
  awk -v m="$1" '$1 ~ "^"m"$" {print $2}' "$2" | head -1
}

# Both set `pid` (the caller's local). The launcher execs java, so $! is the server JVM.
start_minimal() {
  "$java" "${jvm_flags[@]}" -cp "$root/bench/target/causality-bench.jar" dev.causality.bench.MinimalEndpoint \
    --port "$MIN_PORT" --file "$work/minimal/minimal.log" --key "$KEY" >"$out/minimal-$1.log" 2>&1 &
  pid=$!
}

start_server() {
  rm -rf "$work/data"
  CAUSALITY_DATA_DIR="$work/data" CAUSALITY_PORT="$SRV_PORT" CAUSALITY_INGEST_KEY="$KEY" CAUSALITY_RATE_LIMIT=0 \
    "$root/causality" serve >"$out/server-$1.log" 2>&1 &
  pid=$!
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

now() { echo "$EPOCHREALTIME"; }

# One measured run: side (minimal|server), connections, rate (0 = closed loop)
run_one() {
  local side=$1 conns=$2 rate=$3 tag pid port url load rss_idle=- rss_max cpu_a cpu_b cores sampler
  tag="$side-c$conns$([ "$rate" != 0 ] && echo "-r$rate" || true)"
  load=$(wait_quiet)
  log "$tag: load average $load"
  if [ "$side" = minimal ]; then
    start_minimal "$tag"; port=$MIN_PORT; url="http://127.0.0.1:$port/health"
  else
    start_server "$tag"; port=$SRV_PORT; url="http://127.0.0.1:$port/ready"
  fi
  pids+=("$pid")
  wait_http "$url" 90
  wait_idle "$pid"
  rss_idle=$(rss_kb "$pid")
  : >"$work/rss"; : >"$work/lag"
  (
    while kill -0 "$pid" 2>/dev/null; do
      rss_kb "$pid" >>"$work/rss" 2>/dev/null || true
      if [ "$side" = server ]; then
        curl -fs "http://127.0.0.1:$port/metrics" 2>/dev/null | awk '$1 == "causality_log_lag_bytes" {print $2}' >>"$work/lag" || true
      fi
      sleep 0.5
    done
  ) &
  sampler=$!
  "$java" -cp "$root/bench/target/causality-bench.jar" dev.causality.bench.LoadGenerator \
    --url "http://127.0.0.1:$port/v1/batch" --key "$KEY" --connections "$conns" --rate "$rate" \
    --warmup "$WARMUP" --duration "$DURATION" --label "$tag" >"$out/gen-$tag.txt" 2>&1 &
  local gen=$!
  # the endpoint's CPU is read from 1 s into the measured period to 1 s before its end
  local first=$(( (DURATION - 2) / 2 - 3 )) t_a t_b
  [ "$first" -lt 0 ] && first=0
  sleep $((WARMUP + 1))
  cpu_a=$(cpu_ticks "$pid"); t_a=$(now)
  sleep "$first"
  # which threads are busy: one 5-second per-thread CPU sample in the middle of the measurement
  top -H -b -d 5 -n 2 -p "$pid" -w 200 | awk '/^top -/{n++} n==2' | head -30 >"$out/threads-$tag.txt" || true
  local second=$(( DURATION - 2 - first - 5 ))
  [ "$second" -gt 0 ] && sleep "$second"
  cpu_b=$(cpu_ticks "$pid"); t_b=$(now)
  wait "$gen" || true
  cat "$out/gen-$tag.txt" >&2
  cores=$(awk -v a="$cpu_a" -v b="$cpu_b" -v hz="$hz" -v ta="$t_a" -v tb="$t_b" 'BEGIN {printf "%.2f", (b - a) / hz / (tb - ta)}')
  local fresh50=- fresh99=- freshmax=- lag_end=- lag_max=- drain=- loaded=- accepted=-
  if [ "$side" = server ]; then
    curl -fs "http://127.0.0.1:$port/metrics" >"$out/metrics-$tag-end.txt"
    lag_end=$(metric causality_log_lag_bytes "$out/metrics-$tag-end.txt")
    lag_max=$(sort -g "$work/lag" | tail -1)
    local t0=$SECONDS lag=$lag_end
    while awk -v l="$lag" 'BEGIN {exit !(l > 0)}' && [ $((SECONDS - t0)) -lt 300 ]; do
      sleep 0.5
      lag=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '$1 == "causality_log_lag_bytes" {print $2}')
    done
    drain=$((SECONDS - t0))
    curl -fs "http://127.0.0.1:$port/metrics" >"$out/metrics-$tag-drained.txt"
    local m="$out/metrics-$tag-drained.txt"
    fresh50=$(metric 'causality_loader_freshness_seconds[{]quantile="0.5"[}]' "$m")
    fresh99=$(metric 'causality_loader_freshness_seconds[{]quantile="0.99"[}]' "$m")
    freshmax=$(metric causality_loader_freshness_seconds_max "$m")
    loaded=$(metric causality_events_loaded_total "$m")
    accepted=$(metric causality_events_accepted_total "$m")
  fi
  rss_max=$(sort -n "$work/rss" | tail -1)
  stop "$pid"
  wait "$sampler" 2>/dev/null || true
  rm -rf "$work/minimal" "$work/data"
  local r
  r=$(grep '^RESULT' "$out/gen-$tag.txt" | sed 's/^RESULT //')
  echo "side=$side $r server_cores=$cores rss_idle_mb=$((rss_idle / 1024)) rss_max_mb=$((rss_max / 1024)) fresh_p50_s=$fresh50 fresh_p99_s=$fresh99 fresh_max_s=$freshmax lag_end_bytes=$lag_end lag_max_bytes=$lag_max drain_s=$drain loaded=$loaded accepted=$accepted load1=$load" \
    | tee -a "$out/results.txt" >&2
}

field() { # key line
  echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'
}

table() {
  local f="$out/results.txt"
  {
    echo "| side | connections | mode | events/s | slowest 1 s | ack p50 ms | ack p99 ms | ack max ms | errors | server cores | gen cores | RSS idle MB | RSS max MB | freshness p50 / p99 s | lag max / end bytes | drain s | load avg |"
    echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |"
    while read -r line; do
      local rate mode
      rate=$(field rate "$line")
      mode=$([ "$rate" = 0 ] && echo "closed loop" || echo "fixed $rate/s")
      echo "| $(field side "$line") | $(field connections "$line") | $mode | $(field events_per_s "$line") | $(field min_second "$line") | $(field p50_ms "$line") | $(field p99_ms "$line") | $(field max_ms "$line") | $(field errors "$line") | $(field server_cores "$line") | $(field generator_cores "$line") | $(field rss_idle_mb "$line") | $(field rss_max_mb "$line") | $(field fresh_p50_s "$line") / $(field fresh_p99_s "$line") | $(field lag_max_bytes "$line") / $(field lag_end_bytes "$line") | $(field drain_s "$line") | $(field load1 "$line") |"
    done <"$f"
    echo
    awk '
      { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
      v["rate"] == 0 && v["errors"] == "none" {
        if (v["events_per_s"] > best[v["side"]]) best[v["side"]] = v["events_per_s"]
        if (v["p99_ms"] < 50 && v["events_per_s"] > ok[v["side"]]) ok[v["side"]] = v["events_per_s"]
      }
      END {
        printf "Best closed-loop events/s without errors: server %d, minimal endpoint %d, ratio %.2f\n", best["server"], best["minimal"], best["minimal"] ? best["server"] / best["minimal"] : 0
        printf "Best closed-loop events/s with ack p99 < 50 ms: server %d, minimal endpoint %d\n", ok["server"], ok["minimal"]
      }' "$f"
  } | tee "$out/table.md"
}

# A benchmark that runs in a JVM of its own once the machine is quiet: java_bench NAME CLASS ARGS...;
# its output (without JSON log lines) goes to $out/NAME.txt.
java_bench() {
  local name="$1" class="$2" load
  shift 2
  build
  machine
  load=$(wait_quiet)
  log "$name benchmark: load average $load"
  "$java" "${jvm_flags[@]}" -cp "$root/bench/target/causality-bench.jar" "dev.causality.bench.$class" "$@" \
    2>&1 | grep -v '^{' | tee "$out/$name.txt"
  echo "load average at start: $load, at end: $(load1)" | tee -a "$out/$name.txt"
  log "results in $out"
}

case "$mode" in
  ingest | smoke)
    build
    machine
    for c in $CONNECTIONS; do
      for side in $SIDES; do run_one "$side" "$c" 0; done
    done
    for r in $RATE; do
      [ "$r" = 0 ] && continue
      for side in $SIDES; do run_one "$side" "$RATE_CONNECTIONS" "$r"; done
    done
    table
    log "results in $out"
    ;;
  loader)
    java_bench loader LoaderBench \
      --rows "${LOADER_ROWS:-1000000}" --batch-bytes "${LOADER_BATCH_BYTES:-4194304,67108864}" --dir "$work/loader"
    ;;
  checkpoints)
    java_bench checkpoints CheckpointBench \
      --rows "${CHECKPOINT_ROWS:-737280}" --tx "${CHECKPOINT_TX:-1000,5000,20000,115000}" --dir "$work/checkpoints"
    ;;
  lanes)
    java_bench lanes LaneBench \
      --rows "${LANE_ROWS:-491520}" --lanes "${LANES:-1,2}" --tx "${LANE_TX:-61440,122880}" \
      --memory "${LANE_MEMORY:-256MB}" --dir "$work/lanes"
    ;;
  *)
    echo "usage: $0 [ingest|smoke|loader|checkpoints|lanes]" >&2; exit 2 ;;
esac
