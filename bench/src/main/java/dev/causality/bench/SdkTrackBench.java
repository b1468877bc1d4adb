package dev.causality.bench;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;
import com.sun.net.httpserver.HttpServer;
import dev.causality.sdk.AnalyticsClient;
import dev.causality.sdk.Causality;
import dev.causality.sdk.Stats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * {@code track()} of the Causality Java SDK next to Segment's {@code analytics-java} 3.5.4, each
 * sending the same event (a user id, an event name and four properties) through its whole real
 * pipeline to an HTTP endpoint in this JVM that reads every request and answers {@code
 * {"success":true}}: batching, JSON, gzip (Causality) and HTTP happen on the SDKs' own background
 * threads, which share the CPU with the benchmark threads as they would in a service.
 *
 * <p>Both use their defaults except the endpoint. When the tracking threads outrun the sender,
 * Causality drops the oldest queued events (bounded memory) and analytics-java queues batches
 * without bound; each trial prints what was sent, dropped or still queued, and the CPU time the
 * tracking threads spent per call in the measured iterations (robust to a noisy machine, where wall
 * time includes time spent waiting for a core). Run by {@code bench/run-sdk.sh}, which picks the
 * modes, threads and profilers.
 */
public class SdkTrackBench {
  static final Map<String, Object> PROPS =
      Map.of("method", "GET", "route", "/v1/tasks/{id}", "status_code", 200, "latency_ms", 12.5);

  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  static final LongAdder CPU_NANOS = new LongAdder();
  static final LongAdder CALLS = new LongAdder();

  /** Counts a tracking thread's calls and CPU time in each measured iteration. */
  @State(Scope.Thread)
  public static class CpuMeter {
    long calls;
    long cpuAtStart;

    @Setup(Level.Iteration)
    public void begin() {
      calls = 0;
      cpuAtStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void end(IterationParams iteration) {
      if (iteration.getType() == IterationType.MEASUREMENT) {
        CPU_NANOS.add(THREADS.getCurrentThreadCpuTime() - cpuAtStart);
        CALLS.add(calls);
      }
    }
  }

  static String cpuPerCall() {
    long calls = CALLS.sumThenReset();
    long cpu = CPU_NANOS.sumThenReset();
    return String.format(
        "tracking-thread CPU per call: %.1f ns over %d calls",
        calls == 0 ? 0.0 : (double) cpu / calls, calls);
  }

  /** An endpoint that reads each request and answers 200 {"success":true}. */
  @State(Scope.Benchmark)
  public static class Endpoint {
    HttpServer http;
    ExecutorService pool;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong events = new AtomicLong();

    @Setup(Level.Trial)
    public void start() {
      try {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      byte[] ok = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);
      http.createContext(
          "/",
          ex -> {
            try (ex;
                InputStream in = ex.getRequestBody()) {
              byte[] body = in.readAllBytes();
              bytes.addAndGet(body.length);
              requests.incrementAndGet();
              events.addAndGet(countMessages(body));
              ex.getResponseHeaders().add("Content-Type", "application/json");
              ex.sendResponseHeaders(200, ok.length);
              ex.getResponseBody().write(ok);
            }
          });
      pool = Executors.newFixedThreadPool(2);
      http.setExecutor(pool);
      http.start();
    }

    /** Waits until the endpoint has received {@code n} more events than {@code before}. */
    void awaitEvents(long before, long n) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (events.get() - before < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only " + (events.get() - before) + " of " + n + " events arrived in 5 minutes");
        }
        Thread.onSpinWait();
      }
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @TearDown(Level.Trial)
    public void stop() {
      http.stop(0);
      pool.shutdownNow();
    }
  }

  static final byte[] MESSAGE_ID = "\"messageId\"".getBytes(StandardCharsets.UTF_8);

  /** Items in a batch body (plain or gzip): occurrences of "messageId". */
  static long countMessages(byte[] body) throws IOException {
    byte[] json = body;
    if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
      try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(body))) {
        json = gz.readAllBytes();
      }
    }
    long n = 0;
    outer:
    for (int i = 0; i + MESSAGE_ID.length <= json.length; i++) {
      for (int j = 0; j < MESSAGE_ID.length; j++) {
        if (json[i + j] != MESSAGE_ID[j]) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }

  /** The Causality SDK with its defaults (batches of 100 or 10 s, a queue of 10,000). */
  @State(Scope.Benchmark)
  public static class CausalitySdk {
    AnalyticsClient client;

    @Setup(Level.Trial)
    public void start(Endpoint endpoint) {
      client =
          Causality.builder("bench-key-0123456789")
              .endpoint(endpoint.url())
              .service("bench")
              .shutdownHook(false)
              .build();
    }

    @TearDown(Level.Trial)
    public void stop(Endpoint endpoint) {
      Stats before = client.stats();
      client.close();
      Stats after = client.stats();
      System.err.printf(
          "%nRESULT causality: %s; tracked=%d sent=%d dropped=%d failed=%d (queued at the end %d) requests=%d bytes=%d%n",
          cpuPerCall(),
          after.tracked(),
          after.sent(),
          after.dropped(),
          after.failed(),
          before.queued(),
          endpoint.requests.get(),
          endpoint.bytes.get());
    }
  }

  /** Segment's analytics-java with its defaults (batches of 250 or 10 s, one network thread). */
  @State(Scope.Benchmark)
  public static class SegmentSdk {
    Analytics analytics;

    @Setup(Level.Trial)
    public void start(Endpoint endpoint) {
      analytics = Analytics.builder("bench-key-0123456789").endpoint(endpoint.url()).build();
    }

    @TearDown(Level.Trial)
    public void stop(Endpoint endpoint) {
      String cpu = cpuPerCall();
      long t0 = System.nanoTime();
      analytics.flush();
      analytics.shutdown();
      System.err.printf(
          "%nRESULT analytics-java: %s; requests=%d bytes=%d (flush and shutdown took %d ms)%n",
          cpu,
          endpoint.requests.get(),
          endpoint.bytes.get(),
          Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }
  }

  @Benchmark
  public void causality(CausalitySdk sdk, CpuMeter meter) {
    meter.calls++;
    sdk.client.track("u1", "api_request", PROPS);
  }

  @Benchmark
  public void analyticsJava(SegmentSdk sdk, CpuMeter meter) {
    meter.calls++;
    sdk.analytics.enqueue(TrackMessage.builder("api_request").userId("u1").properties(PROPS));
  }

  static final int DELIVERED = 100_000;

  /** Causality for the delivery benchmark: defaults, with a queue that holds a whole round. */
  @State(Scope.Benchmark)
  public static class CausalityDelivery {
    AnalyticsClient client;

    @Setup(Level.Trial)
    public void start(Endpoint endpoint) {
      client =
          Causality.builder("bench-key-0123456789")
              .endpoint(endpoint.url())
              .service("bench")
              .maxQueueSize(2 * DELIVERED)
              .shutdownHook(false)
              .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
      client.close();
      Stats s = client.stats();
      System.err.printf(
          "%nRESULT causality delivery: tracked=%d sent=%d dropped=%d failed=%d%n",
          s.tracked(), s.sent(), s.dropped(), s.failed());
    }
  }

  /** analytics-java for the delivery benchmark: defaults. */
  @State(Scope.Benchmark)
  public static class SegmentDelivery {
    Analytics analytics;

    @Setup(Level.Trial)
    public void start(Endpoint endpoint) {
      analytics = Analytics.builder("bench-key-0123456789").endpoint(endpoint.url()).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
      analytics.shutdown();
    }
  }

  /**
   * Delivery, not saturated: one thread tracks 100,000 events as fast as it can, then waits until
   * the endpoint has received all of them; the score is the time per event. Run in single-shot
   * mode.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OperationsPerInvocation(DELIVERED)
  public void deliverCausality(CausalityDelivery sdk, Endpoint endpoint) {
    long before = endpoint.events.get();
    for (int i = 0; i < DELIVERED; i++) {
      sdk.client.track("u1", "api_request", PROPS);
    }
    sdk.client.flush();
    endpoint.awaitEvents(before, DELIVERED);
  }

  /**
   * The same for analytics-java ({@code flush()} only starts sending; the endpoint's count is
   * waited for).
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OperationsPerInvocation(DELIVERED)
  public void deliverAnalyticsJava(SegmentDelivery sdk, Endpoint endpoint) {
    long before = endpoint.events.get();
    for (int i = 0; i < DELIVERED; i++) {
      sdk.analytics.enqueue(TrackMessage.builder("api_request").userId("u1").properties(PROPS));
    }
    sdk.analytics.flush();
    endpoint.awaitEvents(before, DELIVERED);
  }
}
