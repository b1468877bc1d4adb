package dev.causality.bench;

import dev.causality.ingest.IngestLimits;
import dev.causality.ingest.Ingestion;
import dev.causality.load.Loader;
import dev.causality.log.FileEventLog;
import dev.causality.projects.Projects;
import dev.causality.projects.SqliteMetadataStore;
import dev.causality.warehouse.DuckDbWarehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time and allocation per event of the server's two halves, measured in one process on threads
 * of their own, so that the figures hardly move with what else runs on the machine (unlike
 * events/s): the request path ({@link Ingestion#handle} on Segment batches of 100, the same bodies
 * the load generator sends, into a real {@link FileEventLog}) and the loader (the server's {@link
 * Loader} over the backlog that produced, into a fresh DuckDB file, as under saturation).
 *
 * <p>Usage: {@code CpuBench [--warmup 300000] [--events 500000] [--dir /tmp/causality-cpu-bench]}.
 * Run with the launcher's JVM flags (bench/run-cpu.sh micro does).
 */
public final class CpuBench {
  /*
   * Implementation note. Request CPU and allocation are the calling thread's own
   * (ThreadMXBean), so JIT compiler threads, GC and the log's fsync thread are reported apart.
   * The loader runs twice over the same warehouse: once over the warm-up backlog (which also
   * compiles its code), then, after the measured requests are in the log, a new Loader over
   * their backlog; its thread's CPU time is the loader's cost. The log's writer and DuckDB's own
   * threads show up in "other threads" of the process.
   */

  private static final String KEY = "cpu-bench-key-0123456789";

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "300000"));
    int events = Integer.parseInt(a.getOrDefault("events", "500000"));
    Path dir = Path.of(a.getOrDefault("dir", "/tmp/causality-cpu-bench"));
    deleteTree(dir);
    Files.createDirectories(dir);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    List<byte[]> templates = new ArrayList<>();
    SampleEvents sample = new SampleEvents(42, 50_000);
    for (int t = 0; t < 64; t++) {
      templates.add(sample.batch(100, Instant.now()).getBytes(StandardCharsets.UTF_8));
    }
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("metadata.sqlite"));
        FileEventLog log = FileEventLog.open(dir.resolve("log"), 64L * 1024 * 1024);
        DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("events.duckdb"), "512MB")) {
      Projects projects = Projects.of(store);
      projects.createProject("default", "Default project");
      projects.createKey("default", "bench", OptionalInt.empty(), Optional.of(KEY));
      Ingestion ingestion =
          new Ingestion(
              new Ingestion.Settings(
                  IngestLimits.DEFAULTS,
                  0,
                  "truncate",
                  Optional.empty(),
                  Duration.ofMinutes(10).toMillis()),
              projects,
              log,
              InstantSource.system(),
              new SecureRandom(),
              new SimpleMeterRegistry());
      while (!ingestion.userAgentsLoaded()) {
        Thread.sleep(100);
      }
      long[] seq = {0};
      send(ingestion, templates, warmup, seq);
      load(log, w, threads);

      long cpu0 = threads.getCurrentThreadCpuTime();
      long alloc0 = threads.getCurrentThreadAllocatedBytes();
      long proc0 = os.getProcessCpuTime();
      long gc0 = gcMillis();
      send(ingestion, templates, events, seq);
      long reqCpu = threads.getCurrentThreadCpuTime() - cpu0;
      long reqAlloc = threads.getCurrentThreadAllocatedBytes() - alloc0;
      long reqProc = os.getProcessCpuTime() - proc0;
      long reqGc = gcMillis() - gc0;

      long proc1 = os.getProcessCpuTime();
      long gc1 = gcMillis();
      long[] loader = load(log, w, threads);
      long loadProc = os.getProcessCpuTime() - proc1;
      long loadGc = gcMillis() - gc1;

      System.out.printf(
          Locale.ROOT,
          "RESULT events=%d request_us=%.2f request_alloc_bytes=%.0f request_process_us=%.2f request_gc_ms=%d"
              + " loader_us=%.2f loader_alloc_bytes=%.0f loader_process_us=%.2f loader_gc_ms=%d loader_wall_s=%.2f%n",
          events,
          reqCpu / 1e3 / events,
          reqAlloc / (double) events,
          reqProc / 1e3 / events,
          reqGc,
          loader[0] / 1e3 / events,
          loader[1] / (double) events,
          loadProc / 1e3 / events,
          loadGc,
          loader[2] / 1e9);
    }
    deleteTree(dir);
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += g.getCollectionTime();
    }
    return t;
  }

  private static void send(Ingestion ingestion, List<byte[]> templates, int events, long[] seq) {
    byte[] needle =
        ("\"messageId\":\"" + SampleEvents.ID_PLACEHOLDER + "\"")
            .getBytes(StandardCharsets.US_ASCII);
    for (int done = 0; done < events; done += 100) {
      byte[] body = templates.get((int) (seq[0] % templates.size())).clone();
      for (int at = indexOf(body, needle, 0);
          at >= 0;
          at = indexOf(body, needle, at + needle.length)) {
        byte[] id = String.format("cb-%029d", seq[0]++).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, body, at + 13, id.length);
      }
      Ingestion.Response r =
          ingestion.handle(
              new Ingestion.Request(
                  "/v1/batch",
                  Optional.of(KEY),
                  Optional.empty(),
                  new ByteArrayInputStream(body),
                  body.length,
                  "203.0.113.9",
                  Optional.of("bench"),
                  false,
                  Optional.empty()));
      if (r.status() != 200) {
        throw new IllegalStateException(
            "ingestion refused a batch: " + r.status() + " " + r.body());
      }
    }
  }

  private static int indexOf(byte[] h, byte[] n, int from) {
    outer:
    for (int i = from; i <= h.length - n.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (h[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Loads the log's backlog with a new Loader; returns the CPU ns and allocated bytes of its
   * threads (see {@link #loaderThreads}) and the wall ns.
   */
  private static long[] load(
      FileEventLog log, DuckDbWarehouse w, com.sun.management.ThreadMXBean threads)
      throws InterruptedException {
    Loader loader =
        new Loader(
            log,
            w,
            Duration.ofHours(24),
            10_000_000,
            DuckDbWarehouse.ROW_GROUP_ROWS,
            InstantSource.system(),
            new SimpleMeterRegistry());
    // the feeding thread lives as long as the warehouse: only what it does from here on counts
    long[] before = loaderThreads(threads, new long[] {0, 0});
    long start = System.nanoTime();
    loader.start();
    long end = log.end();
    long[] cpuAlloc = before;
    while (loader.position() < end) {
      if (!loader.running()) {
        throw new IllegalStateException("the loader stopped: " + loader.lastError());
      }
      cpuAlloc = loaderThreads(threads, cpuAlloc);
      Thread.sleep(2);
    }
    cpuAlloc = loaderThreads(threads, cpuAlloc);
    long cpu = cpuAlloc[0] - before[0];
    long alloc = cpuAlloc[1] - before[1];
    long wall = System.nanoTime() - start;
    loader.close();
    return new long[] {cpu, alloc, wall};
  }

  /**
   * CPU ns and allocated bytes of the loader's threads so far: the loader and the warehouse's
   * feeding thread, which produces the loader's rows beside the appends. Never less than {@code
   * last}: a thread that has ended is no longer listed.
   */
  private static long[] loaderThreads(com.sun.management.ThreadMXBean threads, long[] last) {
    long cpu = 0;
    long alloc = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("loader") || t.getName().equals("loader-feed")) {
        cpu += Math.max(0, threads.getThreadCpuTime(t.threadId()));
        alloc += Math.max(0, threads.getThreadAllocatedBytes(t.threadId()));
      }
    }
    return new long[] {Math.max(cpu, last[0]), Math.max(alloc, last[1])};
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
