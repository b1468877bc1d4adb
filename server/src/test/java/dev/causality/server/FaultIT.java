package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.causality.warehouse.DuckDbWarehouse;
import dev.causality.warehouse.QueryResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability contract on a real server process: kill -9, SIGTERM under load, a full disk, and
 * resent batches. Every test keeps a ledger of what each client learnt about each event id (a 2xx,
 * a refusal, or no answer) and checks the warehouse against it once no server holds it: every
 * acknowledged id is stored exactly once, a refused id is never stored, and no id is ever stored
 * twice.
 */
class FaultIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir Path tmp;

  @Test
  void killNineMidStreamLosesAndDuplicatesNothing() throws Exception {
    Path data = tmp.resolve("data");
    ServerProcess server =
        ServerProcess.start(data, Map.of("CAUSALITY_LOG_SEGMENT_BYTES", "262144"));
    try (Traffic traffic = new Traffic("k9", server, 4, 20)) {
      for (int kill = 1; kill <= 3; kill++) {
        traffic.awaitAcked(traffic.acked() + 1000, Duration.ofSeconds(60));
        server.kill9();
        assertThat(server.process().exitValue()).as("exit code after kill -9").isEqualTo(137);
        try (Stream<Path> left = Files.list(server.tmpDir())) {
          assertThat(left.map(p -> p.getFileName().toString()))
              .as("temporary files after kill -9")
              .noneMatch(name -> name.startsWith("libduckdb_java"));
        }
        server = ServerProcess.start(data, Map.of("CAUSALITY_LOG_SEGMENT_BYTES", "262144"));
        traffic.retarget(server);
      }
      traffic.awaitAcked(traffic.acked() + 1000, Duration.ofSeconds(60));
      traffic.stop();
      assertThat(server.sigterm(Duration.ofSeconds(30))).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(traffic.unanswered())
          .as("ids whose request got no answer (cut off by a kill, or sent while down)")
          .isNotEmpty();
      traffic.assertStoredExactlyOnce(data);
    } finally {
      server.close();
    }
  }

  @Test
  void sigtermUnderLoadLoadsEverythingAndExitsInTime() throws Exception {
    Path data = tmp.resolve("data");
    ServerProcess server = ServerProcess.start(data, Map.of());
    try (Traffic traffic = new Traffic("term", server, 4, 20)) {
      traffic.awaitAcked(3000, Duration.ofSeconds(60));
      // A burst of large batches just before the signal leaves the loader a backlog to finish.
      traffic.burst(8, 2500);
      ReadyProbe probe = ReadyProbe.start(server);
      long t0 = System.nanoTime();
      int exit = server.sigterm(Duration.ofSeconds(30));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      probe.stop();
      traffic.stop();
      assertThat(exit)
          .as("exit code after SIGTERM (-1: still running after 30 s, took %d ms)", tookMs)
          .isIn(0, 143);
      List<Integer> answers = List.copyOf(probe.answersAfterSigterm());
      int first503 = answers.indexOf(503);
      assertThat(first503)
          .as("/ready answers after SIGTERM (%s) include a 503 before the port closes", answers)
          .isNotNegative();
      assertThat(answers.subList(first503, answers.size()))
          .as("/ready after its first 503: %s", answers)
          .containsOnly(503);
      assertThat(probe.drainingBodySeen()).as("/ready says it is draining").isTrue();
      traffic.assertStoredExactlyOnce(data);
      assertNothingLeftToLoad(data);
    } finally {
      server.close();
    }
  }

  @Test
  void diskFullAnswers503AndRecoversWhenSpaceReturns() throws Exception {
    Path mount = Files.createDirectories(tmp.resolve("tmpfs"));
    mountTmpfs(mount, "16m");
    ServerProcess server = null;
    try {
      Map<String, String> env =
          Map.of("CAUSALITY_LOG_SEGMENT_BYTES", "65536", "CAUSALITY_WAREHOUSE_MEMORY", "64MB");
      server = ServerProcess.start(mount, env);
      Path filler = mount.resolve("filler");
      long free = Files.getFileStore(mount).getUsableSpace();
      long fillerBytes = free - 2L * 1024 * 1024;
      assertThat(fillerBytes)
          .as("room for a filler in the tmpfs (free %d bytes)", free)
          .isPositive();
      fill(filler, fillerBytes);

      Traffic traffic = new Traffic("full", server, 2, 20);
      try {
        HttpResponse<String> refused = traffic.awaitFirst503(Duration.ofSeconds(60));
        assertThat(refused.headers().firstValue("Retry-After"))
            .as("Retry-After on the 503")
            .isPresent();
        assertThat(refused.body()).contains("\"success\":false");

        // Space comes and goes while segments are loaded and deleted; take what is left, then
        // probe.
        traffic.pause();
        ServerProcess s = server;
        awaitLoaderIdle(s);
        Path topUp = mount.resolve("filler-top-up");
        fillUntilFull(topUp);
        // The log probes the disk once a second while unwritable; pages a probe held are freed.
        sleep(1200);
        fillUntilFull(topUp);
        // Larger than the free part of the last page of the active segment, which needs no new
        // space.
        List<String> probe = ids("full-probe", 200);
        HttpResponse<String> whileFull = post(server.uri("/v1/batch"), batchBody(probe));
        assertThat(whileFull.statusCode())
            .as("answer while the disk is full: %s", whileFull.body())
            .isEqualTo(503);
        assertThat(whileFull.headers().firstValue("Retry-After"))
            .as("Retry-After on the 503")
            .isPresent();
        traffic.recordRefused(probe);
        assertThat(get(server.uri("/ready")).statusCode())
            .as("/ready while the disk is full")
            .isEqualTo(503);

        Files.delete(topUp);
        Files.delete(filler);
        awaitTrue(
            () -> get(s.uri("/ready")).statusCode() == 200,
            Duration.ofSeconds(30),
            () -> "/ready after space returned, without traffic: " + get(s.uri("/ready")).body());
        long before = traffic.acked();
        traffic.resume();
        traffic.awaitAcked(before + 1000, Duration.ofSeconds(60));
        traffic.stop();
        awaitTrue(
            () -> readyField(s, "log_lag_bytes").equals("0"),
            Duration.ofSeconds(30),
            () -> "loader catching up after space returned: " + get(s.uri("/ready")).body());
        assertThat(server.sigterm(Duration.ofSeconds(30)))
            .as("exit code after SIGTERM")
            .isIn(0, 143);
        traffic.assertStoredExactlyOnce(mount);
      } finally {
        traffic.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      unmount(mount);
    }
  }

  @Test
  void sigtermWhileTheWarehouseDiskIsFullExitsAndTheNextStartLoadsTheRest() throws Exception {
    // The log on its own file system, so it keeps accepting while the warehouse cannot write.
    Path mount = Files.createDirectories(tmp.resolve("tmpfs"));
    mountTmpfs(mount, "16m");
    Path logMount = Files.createDirectories(mount.resolve("log"));
    mountTmpfs(logMount, "32m");
    ServerProcess server = null;
    try {
      Map<String, String> env =
          Map.of("CAUSALITY_LOG_SEGMENT_BYTES", "65536", "CAUSALITY_WAREHOUSE_MEMORY", "64MB");
      server = ServerProcess.start(mount, env);
      Path filler = mount.resolve("filler");
      fillUntilFull(filler);
      ServerProcess s = server;
      try (Traffic traffic = new Traffic("wfull", server, 2, 20)) {
        traffic.awaitAcked(1000, Duration.ofSeconds(60));
        awaitTrue(
            () -> !readyField(s, "loader_error").isEmpty(),
            Duration.ofSeconds(30),
            () -> "the loader failing on the full disk: " + get(s.uri("/ready")).body());
        assertThat(Long.parseLong(readyField(s, "log_lag_bytes")))
            .as("acknowledged but not loaded")
            .isPositive();

        int exit = server.sigterm(Duration.ofSeconds(30));
        assertThat(exit)
            .as(
                "exit code after SIGTERM with the warehouse unable to write (-1: still running after 30 s)")
            .isIn(0, 143);
        traffic.stop();

        Files.delete(filler);
        server = ServerProcess.start(mount, env);
        ServerProcess restarted = server;
        awaitTrue(
            () -> readyField(restarted, "log_lag_bytes").equals("0"),
            Duration.ofSeconds(30),
            () -> "loading the rest after the restart: " + get(restarted.uri("/ready")).body());
        assertThat(server.sigterm(Duration.ofSeconds(30)))
            .as("exit code after SIGTERM")
            .isIn(0, 143);
        traffic.assertStoredExactlyOnce(mount);
      }
    } finally {
      if (server != null) {
        server.close();
      }
      unmount(logMount);
      unmount(mount);
    }
  }

  @Test
  void resentBatchesAreStoredOnceAcrossRestarts() throws Exception {
    Path data = tmp.resolve("data");
    List<String> first = ids("resend-a", 30);
    List<String> second = ids("resend-b", 30);
    List<String> withInnerDuplicates = new ArrayList<>(second);
    withInnerDuplicates.addAll(second.subList(0, 10));

    ServerProcess server = ServerProcess.start(data, Map.of());
    try {
      for (int i = 0; i < 3; i++) {
        assertAccepted(server, first);
      }
      assertAccepted(server, withInnerDuplicates);
      // Killed whether or not the loader has stored them yet: resends meet them in the warehouse or
      // the log.
      server.kill9();
      server = ServerProcess.start(data, Map.of());
      assertAccepted(server, first);
      assertAccepted(server, withInnerDuplicates);
      assertAccepted(server, second);
      assertThat(server.sigterm(Duration.ofSeconds(30))).isIn(0, 143);
    } finally {
      server.close();
    }
    Map<String, Long> stored = storedCounts(data);
    Set<String> expected = new HashSet<>(first);
    expected.addAll(second);
    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(stored.values()).containsOnly(1L);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Client threads posting Segment batches of fresh ids, and the ledger of what they were told. On
   * a failed connection they pause briefly and go on, against whichever server is current.
   */
  static final class Traffic implements AutoCloseable {
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicReference<HttpResponse<String>> first503 = new AtomicReference<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final String prefix;
    private final int batchSize;
    private volatile ServerProcess target;
    private volatile boolean stopped;
    private volatile boolean paused;
    private final AtomicLong inRequest = new AtomicLong();

    Traffic(String prefix, ServerProcess target, int clients, int batchSize) {
      this.prefix = prefix;
      this.target = target;
      this.batchSize = batchSize;
      for (int c = 0; c < clients; c++) {
        int client = c;
        threads.add(
            Thread.ofPlatform().name("traffic-" + prefix + "-" + c).start(() -> run(client)));
      }
    }

    private void run(int client) {
      long seq = 0;
      while (!stopped) {
        inRequest.incrementAndGet(); // before looking at `paused`, so pause() cannot miss a request
        if (paused) {
          inRequest.decrementAndGet();
          sleep(10);
          continue;
        }
        try {
          List<String> batch = new ArrayList<>(batchSize);
          for (int i = 0; i < batchSize; i++) {
            batch.add(prefix + "-" + client + "-" + seq++);
          }
          if (!send(target, batch)) {
            sleep(20);
          }
        } finally {
          inRequest.decrementAndGet();
        }
      }
    }

    /** Posts one batch and records the answer; true for a 2xx. */
    private boolean send(ServerProcess server, List<String> batch) {
      try {
        HttpResponse<String> r = post(server.uri("/v1/batch"), batchBody(batch));
        statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
        if (r.statusCode() / 100 == 2) {
          acked.addAll(batch);
          return true;
        }
        refused.addAll(batch);
        if (r.statusCode() == 503) {
          first503.compareAndSet(null, r);
        }
      } catch (IOException e) {
        statuses.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
        unanswered.addAll(batch);
      }
      return false;
    }

    long acked() {
      return acked.size();
    }

    /**
     * Sends {@code requests} batches of {@code size} fresh ids at once and waits for their answers.
     */
    void burst(int requests, int size) throws InterruptedException {
      List<Thread> senders = new ArrayList<>();
      for (int r = 0; r < requests; r++) {
        List<String> batch = ids(prefix + "-burst-" + r, size);
        senders.add(Thread.ofPlatform().start(() -> send(target, batch)));
      }
      for (Thread t : senders) {
        t.join();
      }
    }

    Set<String> unanswered() {
      return unanswered;
    }

    long refusedCount() {
      return refused.size();
    }

    void recordRefused(List<String> ids) {
      refused.addAll(ids);
    }

    void retarget(ServerProcess server) {
      target = server;
    }

    void awaitAcked(long atLeast, Duration timeout) {
      awaitTrue(
          () -> acked.size() >= atLeast,
          timeout,
          () ->
              "acknowledged ids: "
                  + acked.size()
                  + " of "
                  + atLeast
                  + " wanted; answers so far "
                  + statuses);
    }

    HttpResponse<String> awaitFirst503(Duration timeout) {
      awaitTrue(
          () -> first503.get() != null, timeout, () -> "no 503 yet; answers so far " + statuses);
      return first503.get();
    }

    /** Stops sending and waits until no request is in flight. */
    void pause() {
      paused = true;
      awaitTrue(
          () -> inRequest.get() == 0, Duration.ofSeconds(40), () -> "requests still in flight");
    }

    void resume() {
      paused = false;
    }

    void stop() throws InterruptedException {
      stopped = true;
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(t.isAlive()).as("client thread %s stopped", t.getName()).isFalse();
      }
    }

    /**
     * Every acknowledged id is stored exactly once; no id is stored twice; an id whose request got
     * an error answer is not stored; only ids sent by these clients are stored.
     */
    void assertStoredExactlyOnce(Path dataDir) {
      Map<String, Long> stored = storedCounts(dataDir);
      Map<String, Long> duplicates = new HashMap<>();
      stored.forEach((id, n) -> {
        if (n > 1) {
          duplicates.put(id, n);
        }
      });
      Set<String> missing = new HashSet<>(acked);
      missing.removeAll(stored.keySet());
      Set<String> refusedButStored = new HashSet<>(refused);
      refusedButStored.retainAll(stored.keySet());
      Set<String> unknown = new HashSet<>(stored.keySet());
      unknown.removeAll(acked);
      unknown.removeAll(unanswered);
      unknown.removeAll(refused);
      String summary =
          "acked="
              + acked.size()
              + " refused="
              + refused.size()
              + " unanswered="
              + unanswered.size()
              + " stored="
              + stored.size()
              + " answers="
              + statuses;
      assertThat(duplicates).as("ids stored more than once (%s)", summary).isEmpty();
      assertThat(missing).as("acknowledged ids missing from the warehouse (%s)", summary).isEmpty();
      assertThat(refusedButStored)
          .as("ids stored although their request was refused (%s)", summary)
          .isEmpty();
      assertThat(unknown).as("stored ids never sent (%s)", summary).isEmpty();
    }

    @Override
    public void close() throws InterruptedException {
      if (!stopped) {
        stop();
      }
    }
  }

  /** Polls /ready every few milliseconds and keeps the statuses it gets until the port closes. */
  static final class ReadyProbe {
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private volatile boolean drainingBody;
    private volatile boolean stopped;
    private volatile long sigtermSentAt = Long.MAX_VALUE;
    private final Thread thread;

    private ReadyProbe(ServerProcess server) {
      thread =
          Thread.ofPlatform()
              .name("ready-probe")
              .start(() -> {
                HttpClient client =
                    HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(1))
                        .build();
                while (!stopped) {
                  long sent = System.nanoTime();
                  try {
                    HttpResponse<String> r =
                        client.send(
                            HttpRequest.newBuilder(server.uri("/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (sent > sigtermSentAt) {
                      answers.add(r.statusCode());
                      if (r.body().contains("draining")) {
                        drainingBody = true;
                      }
                    }
                  } catch (IOException e) {
                    if (sent > sigtermSentAt) {
                      return;
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                  sleep(5);
                }
              });
    }

    static ReadyProbe start(ServerProcess server) {
      ReadyProbe p = new ReadyProbe(server);
      p.sigtermSentAt = System.nanoTime();
      return p;
    }

    List<Integer> answersAfterSigterm() {
      return answers;
    }

    boolean drainingBodySeen() {
      return drainingBody;
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.join(10_000);
    }
  }

  // ---------------------------------------------------------------------------------------------

  static String batchBody(List<String> ids) {
    StringBuilder b = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < ids.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"messageId\":\"")
          .append(ids.get(i))
          .append("\"}");
    }
    return b.append("]}").toString();
  }

  static List<String> ids(String prefix, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(prefix + "-" + i);
    }
    return out;
  }

  static HttpResponse<String> post(URI uri, String body) throws IOException {
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(40))
            .header("X-Write-Key", TestServer.KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try {
      return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  static HttpResponse<String> get(URI uri) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String readyField(ServerProcess server, String field) {
    String body = get(server.uri("/ready")).body();
    var m = java.util.regex.Pattern.compile("\"" + field + "\":\"?([^,\"}]*)").matcher(body);
    return m.find() ? m.group(1) : "";
  }

  static void assertAccepted(ServerProcess server, List<String> ids) throws IOException {
    HttpResponse<String> r = post(server.uri("/v1/batch"), batchBody(ids));
    assertThat(r.statusCode()).as("answer to a batch: %s", r.body()).isEqualTo(200);
  }

  /**
   * event_id → number of rows, read from the warehouse file once no server holds it. Every event
   * these tests send is valid, so none may have been moved to the dead-letter table.
   */
  static Map<String, Long> storedCounts(Path dataDir) {
    try (DuckDbWarehouse w = DuckDbWarehouse.openReadOnly(dataDir.resolve("warehouse.duckdb"))) {
      assertThat(w.query("SELECT log_position, error FROM dead_letters", 20).rows())
          .as("dead letters")
          .isEmpty();
      QueryResult r =
          w.query("SELECT event_id, count(*) FROM events GROUP BY event_id", 10_000_000);
      assertThat(r.truncated()).isFalse();
      Map<String, Long> out = new HashMap<>();
      for (List<Object> row : r.rows()) {
        out.put((String) row.get(0), ((Number) row.get(1)).longValue());
      }
      return out;
    }
  }

  /**
   * After a clean stop the loaded position is the end of the log: nothing waits for the next start.
   */
  static void assertNothingLeftToLoad(Path dataDir) throws IOException {
    long end;
    try (Stream<Path> files = Files.list(dataDir.resolve("log"))) {
      Path last =
          files
              .filter(p -> p.getFileName().toString().matches("\\d{20}\\.log"))
              .sorted()
              .reduce((a, b) -> b)
              .orElseThrow();
      String name = last.getFileName().toString();
      end = Long.parseLong(name.substring(0, 20)) + Files.size(last);
    }
    try (DuckDbWarehouse w = DuckDbWarehouse.openReadOnly(dataDir.resolve("warehouse.duckdb"))) {
      assertThat(w.loadedPosition()).as("loaded position vs. end of the log").isEqualTo(end);
    }
  }

  static void awaitTrue(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not reached within " + timeout + ": " + what.get());
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void fill(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(chunk.length, left);
        f.write(chunk, 0, n);
        left -= n;
      }
      f.getFD().sync();
    }
  }

  /** Waits until the loader has stopped moving (caught up, or stuck on the full disk). */
  static void awaitLoaderIdle(ServerProcess server) {
    String[] last = {"?"};
    awaitTrue(
        () -> {
          String lag = readyField(server, "log_lag_bytes");
          boolean same = lag.equals(last[0]);
          last[0] = lag;
          sleep(500);
          return same;
        },
        Duration.ofSeconds(30),
        () -> "loader still moving: " + get(server.uri("/ready")).body());
  }

  /** Appends to {@code file} until the file system refuses another byte. */
  static void fillUntilFull(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length());
      byte[] page = new byte[4096];
      try {
        while (true) {
          f.write(page);
        }
      } catch (IOException full) {
        // a page no longer fits; the bytes below fill what is left of a partly used one
      }
      try {
        while (true) {
          f.write(0);
        }
      } catch (IOException full) {
        // nothing fits
      }
    }
  }

  static void mountTmpfs(Path dir, String size) throws IOException, InterruptedException {
    String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    if (out != null) {
      fail(
          "cannot mount a "
              + size
              + " tmpfs on "
              + dir
              + " (this test needs root or CAP_SYS_ADMIN to simulate a"
              + " full disk): "
              + out);
    }
  }

  static void unmount(Path dir) throws IOException, InterruptedException {
    String out = run("umount", dir.toString());
    if (out != null && run("umount", "-l", dir.toString()) != null) {
      fail("cannot unmount the tmpfs on " + dir + ": " + out);
    }
  }

  /** Runs a command; null on success, else its exit code and output. */
  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = p.waitFor();
    return code == 0 ? null : "exit " + code + ": " + output;
  }
}
