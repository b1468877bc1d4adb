package dev.causality.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A load generator for Segment batch ingestion: N keep-alive HTTP/1.1 connections, each posting
 * batches of realistic events with unique messageIds, for a warm-up and then a measured period.
 * Reports acknowledged events/s and the ack latency distribution.
 *
 * <p>Usage: {@code LoadGenerator --url http://127.0.0.1:8080/v1/batch --key KEY [--connections 16]
 * [--batch 100] [--warmup 10] [--duration 30] [--rate 0] [--label name]}. With {@code --rate 0}
 * (the default) every connection sends its next batch as soon as the last one is answered (closed
 * loop: the highest rate the server sustains). With {@code --rate E} the connections together send
 * E events/s on a fixed schedule and latency is measured from the scheduled send time, so a stalled
 * server is charged for the requests it delayed (no coordinated omission).
 */
public final class LoadGenerator {
  /*
   * Implementation note. The client is a raw-socket HTTP/1.1 keep-alive client, one platform
   * thread per connection: on a 2-core machine shared with the server, java.net.http's
   * per-request overhead would be charged to the server. Bodies are pre-rendered batch
   * templates; a request copies a template into the connection's buffer and overwrites the
   * messageId placeholders with "<run>-<connection>-<sequence>", which is unique within a run and
   * across runs. A request counts as measured when its answer arrives inside the measured period;
   * only 200 answers whose body says "success":true count as acknowledged events.
   */

  private static final int TEMPLATES = 64;

  record Options(
      URI url,
      String key,
      int connections,
      int batch,
      int warmupSeconds,
      int durationSeconds,
      double rate,
      String label) {}

  private record Template(byte[] request, int[] idOffsets) {}

  private final Options opt;
  private final List<Template> templates = new ArrayList<>();
  private final String runId = String.format("%08x", ThreadLocalRandom.current().nextInt());
  private final LongAdder ackedEvents = new LongAdder();
  private final LongAdder measuredRequests = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLongArray perSecond;
  private volatile long measureStart;
  private volatile long measureEnd;
  private volatile boolean stop;

  private LoadGenerator(Options opt) {
    this.opt = opt;
    this.perSecond = new AtomicLongArray(opt.durationSeconds() + 2);
  }

  public static void main(String[] args) throws Exception {
    Options opt = parse(args);
    new LoadGenerator(opt).run();
  }

  static Options parse(String[] args) {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    String key = a.get("key");
    if (key == null) {
      throw new IllegalArgumentException("--key is required");
    }
    return new Options(
        URI.create(a.getOrDefault("url", "http://127.0.0.1:8080/v1/batch")),
        key,
        Integer.parseInt(a.getOrDefault("connections", "16")),
        Integer.parseInt(a.getOrDefault("batch", "100")),
        Integer.parseInt(a.getOrDefault("warmup", "10")),
        Integer.parseInt(a.getOrDefault("duration", "30")),
        Double.parseDouble(a.getOrDefault("rate", "0")),
        a.getOrDefault("label", "run"));
  }

  private void buildTemplates() {
    SampleEvents events = new SampleEvents(42, 50_000);
    String host = opt.url().getHost() + ":" + opt.url().getPort();
    long bodyBytes = 0;
    for (int t = 0; t < TEMPLATES; t++) {
      String body = events.batch(opt.batch(), Instant.now());
      byte[] bodyUtf8 = body.getBytes(StandardCharsets.UTF_8);
      bodyBytes += bodyUtf8.length;
      String head =
          "POST "
              + opt.url().getRawPath()
              + " HTTP/1.1\r\n"
              + "Host: "
              + host
              + "\r\n"
              + "User-Agent: causality-bench\r\n"
              + "Content-Type: application/json\r\n"
              + "X-Write-Key: "
              + opt.key()
              + "\r\n"
              + "Content-Length: "
              + bodyUtf8.length
              + "\r\n\r\n";
      byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[headBytes.length + bodyUtf8.length];
      System.arraycopy(headBytes, 0, request, 0, headBytes.length);
      System.arraycopy(bodyUtf8, 0, request, headBytes.length, bodyUtf8.length);
      int[] offsets = new int[opt.batch()];
      String needle = "\"messageId\":\"" + SampleEvents.ID_PLACEHOLDER + "\"";
      int from = 0;
      for (int i = 0; i < offsets.length; i++) {
        int at = body.indexOf(needle, from);
        // the body is ASCII, so char offsets are byte offsets
        offsets[i] = headBytes.length + at + "\"messageId\":\"".length();
        from = at + needle.length();
      }
      templates.add(new Template(request, offsets));
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d templates, %d events of %.0f bytes on average (%.1f KB per request)%n",
        opt.label(),
        TEMPLATES,
        opt.batch(),
        bodyBytes / (double) TEMPLATES / opt.batch(),
        bodyBytes / (double) TEMPLATES / 1024);
  }

  private void run() throws Exception {
    buildTemplates();
    long cpu0 = cpuNanos();
    long now = System.nanoTime();
    measureStart = now + TimeUnit.SECONDS.toNanos(opt.warmupSeconds());
    measureEnd = measureStart + TimeUnit.SECONDS.toNanos(opt.durationSeconds());
    List<Worker> workers = new ArrayList<>();
    for (int c = 0; c < opt.connections(); c++) {
      Worker w = new Worker(c, now);
      workers.add(w);
      w.thread.start();
    }
    long cpuAtMeasure = 0;
    while (System.nanoTime() < measureStart) {
      Thread.sleep(10);
    }
    cpuAtMeasure = cpuNanos();
    while (System.nanoTime() < measureEnd) {
      Thread.sleep(10);
    }
    long cpuAtEnd = cpuNanos();
    stop = true;
    for (Worker w : workers) {
      w.thread.join(TimeUnit.SECONDS.toMillis(35));
      w.close();
    }
    report(workers, (cpuAtEnd - cpuAtMeasure) / (double) (measureEnd - measureStart), cpu0);
  }

  private void report(List<Worker> workers, double generatorCores, long cpu0) {
    int total = 0;
    for (Worker w : workers) {
      total += w.latencyCount;
    }
    long[] all = new long[total];
    int at = 0;
    for (Worker w : workers) {
      System.arraycopy(w.latencies, 0, all, at, w.latencyCount);
      at += w.latencyCount;
    }
    Arrays.sort(all);
    double seconds = opt.durationSeconds();
    double eventsPerSecond = ackedEvents.sum() / seconds;
    long minSecond = Long.MAX_VALUE;
    long maxSecond = 0;
    for (int s = 0; s < opt.durationSeconds(); s++) {
      minSecond = Math.min(minSecond, perSecond.get(s));
      maxSecond = Math.max(maxSecond, perSecond.get(s));
    }
    StringBuilder err = new StringBuilder();
    new TreeMap<>(errors)
        .forEach(
            (k, v) -> err.append(err.isEmpty() ? "" : ",").append(k).append(':').append(v.sum()));
    System.out.printf(
        Locale.ROOT,
        "%s: %d connections, %s, %d s measured after %d s warm-up%n"
            + "  acknowledged events/s: %.0f (slowest second %d, fastest %d)%n"
            + "  requests: %d measured, errors: %s%n"
            + "  ack latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n"
            + "  load generator CPU: %.2f cores%n",
        opt.label(),
        opt.connections(),
        opt.rate() > 0 ? "fixed rate " + (long) opt.rate() + " events/s" : "closed loop",
        opt.durationSeconds(),
        opt.warmupSeconds(),
        eventsPerSecond,
        minSecond,
        maxSecond,
        measuredRequests.sum(),
        err.isEmpty() ? "none" : err,
        ms(all, 0.50),
        ms(all, 0.90),
        ms(all, 0.99),
        ms(all, 0.999),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6,
        generatorCores);
    System.out.printf(
        Locale.ROOT,
        "RESULT label=%s connections=%d rate=%d events_per_s=%.0f min_second=%d requests=%d errors=%s"
            + " p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f generator_cores=%.2f%n",
        opt.label(),
        opt.connections(),
        (long) opt.rate(),
        eventsPerSecond,
        minSecond,
        measuredRequests.sum(),
        err.isEmpty() ? "none" : err,
        ms(all, 0.50),
        ms(all, 0.90),
        ms(all, 0.99),
        ms(all, 0.999),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6,
        generatorCores);
  }

  private static double ms(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** One connection and the thread that drives it. */
  private final class Worker {
    final int id;
    final Thread thread;
    final long start;
    final byte[] buf;
    final byte[] idBytes = new byte[SampleEvents.ID_WIDTH];
    long[] latencies = new long[4096];
    int latencyCount;
    long sequence;
    Socket socket;
    OutputStream out;
    InputStream in;

    Worker(int id, long start) {
      this.id = id;
      this.start = start;
      int max = 0;
      for (Template t : templates) {
        max = Math.max(max, t.request().length);
      }
      this.buf = new byte[max];
      byte[] prefix =
          (runId + "-" + String.format("%04x", id & 0xffff) + "-")
              .getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(prefix, 0, idBytes, 0, prefix.length);
      this.thread = Thread.ofPlatform().name("conn-" + id).daemon(true).unstarted(this::loop);
    }

    private void loop() {
      // with a fixed rate, connection `id` sends at start + (k * connections + id) * interval
      double intervalNanos = opt.rate() > 0 ? 1e9 * opt.batch() / opt.rate() : 0;
      long k = 0;
      while (!stop) {
        long scheduled;
        if (intervalNanos > 0) {
          scheduled = start + (long) ((k * opt.connections() + id) * intervalNanos);
          k++;
          long wait;
          while ((wait = scheduled - System.nanoTime()) > 0 && !stop) {
            LockSupport.parkNanos(wait);
          }
          if (stop) {
            return;
          }
        } else {
          scheduled = System.nanoTime();
        }
        Template t = templates.get((int) (sequence % TEMPLATES));
        int len = t.request().length;
        System.arraycopy(t.request(), 0, buf, 0, len);
        int[] offsets = t.idOffsets();
        for (int i = 0; i < offsets.length; i++) {
          fillId(sequence * opt.batch() + i);
          System.arraycopy(idBytes, 0, buf, offsets[i], idBytes.length);
        }
        sequence++;
        int status;
        boolean success;
        try {
          connectIfNeeded();
          out.write(buf, 0, len);
          out.flush();
          long[] result = readResponse();
          status = (int) result[0];
          success = result[1] == 1;
        } catch (IOException e) {
          closeQuietly();
          long done = System.nanoTime();
          if (done >= measureStart && done < measureEnd) {
            error("io:" + e.getClass().getSimpleName());
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
          continue;
        }
        long done = System.nanoTime();
        if (done >= measureStart && done < measureEnd) {
          measuredRequests.increment();
          record(done - scheduled);
          if (status == 200 && success) {
            ackedEvents.add(opt.batch());
            perSecond.addAndGet((int) ((done - measureStart) / 1_000_000_000L), opt.batch());
          } else {
            error(Integer.toString(status));
          }
        }
      }
    }

    /** Writes "<run: 8 hex>-<connection: 4 hex>-<n: 18 digits>" (32 characters) into idBytes. */
    private void fillId(long n) {
      long v = n;
      for (int i = SampleEvents.ID_WIDTH - 1; i >= 14; i--) {
        idBytes[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
    }

    private void record(long nanos) {
      if (latencyCount == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[latencyCount++] = nanos;
    }

    private void connectIfNeeded() throws IOException {
      if (socket != null) {
        return;
      }
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(opt.url().getHost(), opt.url().getPort()), 5000);
      s.setSoTimeout(30_000);
      socket = s;
      out = s.getOutputStream();
      in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
    }

    /** Reads one response; returns {status, 1 if the body holds "success":true}. */
    private long[] readResponse() throws IOException {
      String statusLine = line();
      if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
        throw new IOException("bad status line: " + statusLine);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      String h;
      while ((h = line()) != null && !h.isEmpty()) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      byte[] body;
      if (chunked) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        while (true) {
          String size = line();
          int n = Integer.parseInt(size.split(";")[0].trim(), 16);
          if (n == 0) {
            line();
            break;
          }
          b.write(in.readNBytes(n));
          line();
        }
        body = b.toByteArray();
      } else if (length >= 0) {
        body = in.readNBytes((int) length);
      } else {
        body = in.readAllBytes();
        close = true;
      }
      if (close) {
        closeQuietly();
      }
      String text = new String(body, StandardCharsets.UTF_8);
      boolean success = text.replace(" ", "").contains("\"success\":true");
      return new long[] {status, success ? 1 : 0};
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder(64);
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int n = s.length();
          return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
        }
        s.append((char) c);
      }
      if (s.isEmpty()) {
        throw new IOException("connection closed by the server");
      }
      return s.toString();
    }

    private void closeQuietly() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException ignored) {
        // closing a broken connection
      }
      socket = null;
    }

    void close() {
      closeQuietly();
    }
  }
}
