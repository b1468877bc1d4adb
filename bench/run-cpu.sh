#!/usr/bin/env bash
# CPU time per event: how much of the machine the server spends on each event, which unlike
# events/s hardly depends on what else runs on the (shared) cores.
#
#   bench/run-cpu.sh        RATE=20000 CONNECTIONS=16 WARMUP_S=15 DURATION_S=20
#   bench/run-cpu.sh micro  bench/.../CpuBench.java in one JVM with the launcher's flags:
#                           request path and loader on threads of their own (WARMUP=300000 EVENTS=500000)
#
# Starts the server on a fresh data dir, sends a warm-up phase at a fixed rate (the JIT compiles,
# the loader catches up), waits until the log is fully loaded, snapshots the server's CPU time per
# thread (/proc/PID/task/*/stat), sends the measured phase, waits until it is fully loaded again
# and snapshots again. CPU per event = CPU time of the measured phase (requests, log, loader,
# GC, JIT) / events loaded in it. Prints the total and per thread group, RSS, and from the
# server's GC log (-Xlog:gc, added to CAUSALITY_JAVA_OPTS) the garbage collections of the same
# phase: their count, their pauses, and the heap allocated per event.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
RATE="${RATE:-20000}"
CONNECTIONS="${CONNECTIONS:-16}"
WARMUP_S="${WARMUP_S:-15}"
DURATION_S="${DURATION_S:-20}"
PORT="${PORT:-18180}"
KEY="bench-cpu-key-0123456789"
hz="$(getconf CLK_TCK)"
if [ "${1:-}" = micro ]; then
  # the launcher's JVM flags
  read -ra launcher_opts <<<"$("$root/causality" java-opts)"
  exec "$java" "${launcher_opts[@]}" \
    -cp "$root/bench/target/causality-bench.jar" dev.causality.bench.CpuBench \
    --warmup "${WARMUP:-300000}" --events "${EVENTS:-500000}" --dir "$(mktemp -d /tmp/causality-cpubench.XXXXXX)"
fi
work="$(mktemp -d /tmp/causality-cpu.XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# thread group -> ticks; thread names are cut to 15 characters by the kernel
threads() {
  for t in /proc/"$pid"/task/*; do
    awk -v c="$(tr ' ' '_' <"$t/comm" 2>/dev/null)" '{print c, $14 + $15}' "$t/stat" 2>/dev/null || true
  done | awk '{
      g = $1
      if (g ~ /^ForkJoinPool/ || g ~ /^VirtualThread/) g = "request-carriers"
      else if (g ~ /Compiler/) g = "jit"
      else if (g ~ /^GC|^VM_Thread|^G1/) g = "gc+vm"
      else if (g ~ /^qtp|^JettyVirtual|^Jetty/) g = "jetty"
      else if (g ~ /^loader/) g = "loader"
      else if (g ~ /^event-log|^log-/) g = "event-log"
      s[g] += $2
    } END { for (g in s) print g, s[g] }' | sort
}
metric() { curl -fs "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {print $2}' | head -1; }
drain() {
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(metric causality_log_lag_bytes)" = "0.0" ] && return 0
    sleep 0.5
  done
  echo "log not drained after 300 s" >&2; return 1
}
gen() { # seconds
  "$java" -cp "$root/bench/target/causality-bench.jar" dev.causality.bench.LoadGenerator \
    --url "http://127.0.0.1:$PORT/v1/batch" --key "$KEY" --connections "$CONNECTIONS" --rate "$RATE" \
    --warmup 0 --duration "$1" --label "cpu" | grep -E 'acknowledged|latency|errors'
}

"$root/causality" prepare  # build and train now if needed, not while the server below is timed
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  commit $(git -C "$root" rev-parse --short HEAD)"
CAUSALITY_JAVA_OPTS="${CAUSALITY_JAVA_OPTS:-} -Xlog:gc:file=$work/gc.log:timemillis" \
CAUSALITY_DATA_DIR="$work/data" CAUSALITY_PORT="$PORT" CAUSALITY_INGEST_KEY="$KEY" CAUSALITY_RATE_LIMIT=0 \
  "$root/causality" serve >"$work/server.log" 2>&1 &
pid=$!
for ((i = 0; i < 900; i++)); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/ready" && break; sleep 0.1; done
sleep 3
echo "RSS idle: $(awk '/^VmRSS/ {print int($2/1024)}' /proc/$pid/status) MB"
gen "$WARMUP_S" >/dev/null
drain
sleep 1
threads >"$work/t0"
a0=$(metric causality_events_loaded_total)
ms0=$(date +%s%3N)
gen "$DURATION_S" &
g=$!
rss=0
while kill -0 "$g" 2>/dev/null; do
  r=$(awk '/^VmRSS/ {print int($2/1024)}' /proc/$pid/status); [ "$r" -gt "$rss" ] && rss=$r
  sleep 0.5
done
wait "$g"
drain
threads >"$work/t1"
a1=$(metric causality_events_loaded_total)
ms1=$(date +%s%3N)
events=$(awk -v a="$a0" -v b="$a1" 'BEGIN {printf "%d", b - a}')
echo "events loaded in the measured phase: $events; RSS max under load: $rss MB"
echo "freshness p50/p99 s: $(metric 'causality_loader_freshness_seconds{quantile="0.5"}') / $(metric 'causality_loader_freshness_seconds{quantile="0.99"}')"
join -a2 -e0 -o 0,1.2,2.2 "$work/t0" "$work/t1" | awk -v n="$events" -v hz="$hz" '
  { d = ($3 - $2) / hz; tot += d; if (d > 0) printf "  %-18s %7.2f s  %6.2f us/event\n", $1, d, d * 1e6 / n }
  END { printf "CPU per event: %.2f us (%.2f s over %d events)\n", tot * 1e6 / n, tot, n }'
# heap allocated between two collections = heap before the later - heap after the earlier
awk -v t0="$ms0" -v t1="$ms1" -v n="$events" '
  function mb(s) { u = substr(s, length(s)); v = substr(s, 1, length(s) - 1) + 0
                   return u == "G" ? v * 1024 : u == "K" ? v / 1024 : u == "B" ? v / 1048576 : v }
  /Pause/ {
    t = substr($1, 2) + 0
    split($(NF - 1), h, "->"); sub(/\(.*/, "", h[2])
    if (t > t0 && t <= t1) {
      if (seen) alloc += mb(h[1]) - prev
      gcs++; p = $NF; sub(/ms/, "", p); pause += p; seen = 1
      if ($0 ~ /Full/) full++
    }
    prev = mb(h[2])
  }
  END { printf "GC in the measured phase: %d collections (%d full), pauses %.0f ms (%.1f ms/s), %.0f bytes allocated per event\n",
               gcs, full, pause, pause * 1000 / (t1 - t0), alloc * 1048576 / n }' "$work/gc.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
