package dev.causality.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.causality.demo.DemoData;
import dev.causality.event.Event;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The launcher's training run: a server on a temporary data directory is sent ingestion traffic for
 * a while, so that the JVM records which classes it loads and how its hot methods behave. On JDK 25
 * the launcher keeps that in an AOT cache (JEP 483, 514, 515): later starts map the classes already
 * linked, and the JIT compiles the ingestion and loading paths from the recorded profiles at once
 * instead of after a minute of interpreting and profiling them.
 *
 * <p>The traffic comes from a JVM of its own ({@link #main}, started by {@link #fromChild}), so
 * that the server's cache holds only what a server loads: the sender's HTTP client and generator in
 * it cost ~10 MB of resident memory at every start (docs/benchmarks.md).
 *
 * <p>The traffic is the demo's generated events ({@link DemoData}: web pages and tracks, mobile
 * screens, server-side calls of {@code analytics-java}, identify, group), sent the way the clients
 * send them: most in {@code /v1/batch} requests of 100 with HTTP Basic auth, some as single calls
 * with the write key in the body, as analytics.js does. Each round over the generated events gives
 * them new message ids, so they are stored rather than dropped as duplicates.
 */
final class Training {
  /*
   * Implementation note. Messages are rendered to JSON once, without their messageId; a request
   * only joins them with fresh ids, so the training's own CPU stays small beside the server's.
   */

  static final int BATCH = 100;
  private static final int MESSAGES = 20_000;

  /** Single calls sent after each run of batch requests, per sender. */
  static final int SINGLES_PER_ROUND = 10;

  static final int BATCHES_PER_ROUND = 9;

  /** What a training run sent. */
  record Result(long requests, long events, long failed) {
    private static final java.util.regex.Pattern LINE =
        java.util.regex.Pattern.compile("sent: (\\d+) requests, (\\d+) events, (\\d+) refused");

    /** The line the sender prints and {@link #fromChild} reads back. */
    String line() {
      return "sent: " + requests + " requests, " + events + " events, " + failed + " refused";
    }
  }

  /** The counts of a run, shared by its senders. */
  private static final class Counts {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    /** One request of {@code n} events, acknowledged when {@code status} is 200. */
    void add(int status, int n) {
      requests.incrementAndGet();
      (status == 200 ? events : failed).addAndGet(n);
    }

    Result result() {
      return new Result(requests.get(), events.get(), failed.get());
    }
  }

  private final URI base;
  private final String key;
  private final List<Message> messages;
  private final HttpClient http;

  /** One rendered message: its type, its id, and its JSON after {@code "messageId"}. */
  record Message(String type, String id, String rest) {}

  Training(int port, String key) {
    this.base = URI.create("http://127.0.0.1:" + port + "/v1/");
    this.key = key;
    this.messages = render(MESSAGES);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * Sends traffic to the server on port {@code args[0]} for {@code args[1]} seconds, with the key
   * in {@code CAUSALITY_INGEST_KEY}; prints what was sent and exits with 1 if anything was refused.
   */
  public static void main(String[] args) throws InterruptedException {
    Result r =
        new Training(Integer.parseInt(args[0]), System.getenv("CAUSALITY_INGEST_KEY"))
            .run(Duration.ofSeconds(Long.parseLong(args[1])), 4);
    System.out.println(r.line());
    System.exit(r.failed() == 0 ? 0 : 1);
  }

  /**
   * Runs {@link #main} in a child JVM of this one's Java and class path against the server on
   * {@code port}; returns what it sent.
   */
  static Result fromChild(int port, String key, Duration duration)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Training.class.getName(),
                Integer.toString(port),
                Long.toString(Math.max(1, duration.toSeconds())))
            .redirectErrorStream(true);
    pb.environment().put("CAUSALITY_INGEST_KEY", key);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    int code = p.waitFor();
    java.util.regex.Matcher m = Result.LINE.matcher(output);
    if (!m.find()) {
      throw new IOException("the training sender exited with " + code + ": " + output.strip());
    }
    return new Result(
        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
  }

  /**
   * Sends traffic from {@code senders} threads for {@code duration}, in whole rounds of {@value
   * #BATCHES_PER_ROUND} batches and {@value #SINGLES_PER_ROUND} single calls (at least one per
   * sender); returns what was sent.
   */
  Result run(Duration duration, int senders) throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    Counts counts = new Counts();
    AtomicLong sequence = new AtomicLong();
    try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        running.add(
            pool.submit(() -> {
              send(deadline, sequence, counts);
              return null;
            }));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a training sender failed", e.getCause());
        }
      }
    }
    return counts.result();
  }

  private void send(long deadline, AtomicLong sequence, Counts counts) throws InterruptedException {
    String basic = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(UTF_8));
    // whole rounds, at least one: every sender sends both shapes, however slow the server
    do {
      for (int b = 0; b < BATCHES_PER_ROUND; b++) {
        StringBuilder body = new StringBuilder(BATCH * 700).append("{\"batch\":[");
        long first = sequence.getAndAdd(BATCH);
        for (int i = 0; i < BATCH; i++) {
          if (i > 0) {
            body.append(',');
          }
          message(first + i, body);
        }
        body.append("],\"sentAt\":\"").append(now()).append("\"}");
        counts.add(post("batch", body.toString(), basic), BATCH);
      }
      for (int i = 0; i < SINGLES_PER_ROUND; i++) {
        StringBuilder body = new StringBuilder(800);
        Message m = message(sequence.getAndIncrement(), body);
        body.setLength(body.length() - 1);
        body.append(",\"writeKey\":\"").append(key).append("\",\"sentAt\":\"");
        body.append(now()).append("\"}");
        counts.add(post(m.type(), body.toString(), null), 1);
      }
    } while (System.nanoTime() < deadline);
  }

  /** Appends message {@code sequence}, a new id for each round over the rendered messages. */
  private Message message(long sequence, StringBuilder out) {
    Message m = messages.get((int) (sequence % messages.size()));
    out.append("{\"messageId\":\"")
        .append(m.id())
        .append('-')
        .append(sequence / messages.size())
        .append("\",")
        .append(m.rest());
    return m;
  }

  private int post(String path, String body, String authorization) throws InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    try {
      return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // counted as refused (a server that refuses a body may close the connection)
    }
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** The demo's events of the last day as Segment messages. */
  static List<Message> render(int n) {
    DemoData data = new DemoData(new DemoData.Options("training", n, 1, 7), InstantSource.system());
    JsonFactory json = new JsonFactory();
    List<Message> out = new ArrayList<>(n);
    while (data.hasNext()) {
      Event e = data.next();
      StringWriter w = new StringWriter(700);
      try (JsonGenerator g = json.createGenerator(w)) {
        g.writeStartObject();
        g.writeStringField("type", e.type());
        if (e.event() != null) {
          g.writeStringField(e.type().equals("track") ? "event" : "name", e.event());
        }
        field(g, "userId", e.userId());
        field(g, "anonymousId", e.anonymousId());
        field(g, "groupId", e.groupId());
        field(g, "previousId", e.previousId());
        g.writeStringField(
            "timestamp", Instant.EPOCH.plus(e.timestamp(), ChronoUnit.MICROS).toString());
        g.writeFieldName("properties");
        g.writeRawValue(e.properties());
        g.writeFieldName("traits");
        g.writeRawValue(e.traits());
        g.writeFieldName("context");
        g.writeRawValue(e.context());
        g.writeEndObject();
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
      // the generator's opening brace is replaced by the messageId a request puts first
      out.add(new Message(e.type(), e.eventId(), w.toString().substring(1)));
    }
    return out;
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}
