package dev.causality.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.causality.event.Event;
import dev.causality.event.Events;
import dev.causality.log.FileEventLog;
import dev.causality.warehouse.DeadLetter;
import dev.causality.warehouse.DuckDbWarehouse;
import dev.causality.warehouse.QueryResult;
import dev.causality.warehouse.Warehouse;
import dev.causality.warehouse.WarehouseException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
  @TempDir Path dir;

  /** A hand-written fake around the real warehouse that fails on demand. */
  static final class FlakyWarehouse implements Warehouse {
    final Warehouse real;
    final AtomicBoolean down = new AtomicBoolean();

    /**
     * Full for rows, yet a small dead letter fits: what a disk that frees a page now and then does.
     */
    final AtomicBoolean fullForRows = new AtomicBoolean();

    final java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger();
    volatile String poisonEvent = "";

    /** How many of the next loads fail as a transient warehouse error would. */
    final java.util.concurrent.atomic.AtomicInteger failNext =
        new java.util.concurrent.atomic.AtomicInteger();

    /** What {@link #preferredBatchRows} answers; the real warehouse's answer when 0. */
    volatile int preferredRows;

    /** When set, reading the dedup window back waits until it opens. */
    volatile java.util.concurrent.CountDownLatch recentIdsGate;

    /** The row count of every load that reached the real warehouse. */
    final List<Integer> loads = new java.util.concurrent.CopyOnWriteArrayList<>();

    FlakyWarehouse(Warehouse real) {
      this.real = real;
    }

    @Override
    public int preferredBatchRows() {
      return preferredRows > 0 ? preferredRows : real.preferredBatchRows();
    }

    @Override
    public long loadedPosition() {
      return real.loadedPosition();
    }

    @Override
    public void load(List<Event> rows, List<DeadLetter> deadLetters, long nextPosition) {
      if (down.get()) {
        throw new WarehouseException("disk full (simulated)", null, true);
      }
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new WarehouseException("transient failure (simulated)", null, true);
      }
      if (fullForRows.get() && !rows.isEmpty()) {
        failures.incrementAndGet();
        throw new WarehouseException(
            "Could not write file \"w.duckdb.wal\": No space left on device (simulated)",
            null,
            true);
      }
      if (rows.stream().anyMatch(e -> poisonEvent.equals(e.event()))) {
        throw new WarehouseException("cannot store this row (simulated)", null, false);
      }
      real.load(rows, deadLetters, nextPosition);
      loads.add(rows.size());
    }

    @Override
    public void recentEventIds(long sinceMicros, int limit, RecentId sink) {
      java.util.concurrent.CountDownLatch gate = recentIdsGate;
      if (gate != null) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WarehouseException("interrupted", e, true);
        }
      }
      real.recentEventIds(sinceMicros, limit, sink);
    }

    @Override
    public long deadLetterCount() {
      return real.deadLetterCount();
    }

    @Override
    public QueryResult query(String sql, List<Object> params, int maxRows, Duration timeout) {
      return real.query(sql, params, maxRows, timeout);
    }

    @Override
    public QueryResult queryReadOnly(
        String sql, List<Object> params, int maxRows, Duration timeout) {
      return real.queryReadOnly(sql, params, maxRows, timeout);
    }

    @Override
    public List<Table> describe() {
      return real.describe();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private Loader loader(FileEventLog log, Warehouse w) {
    return loader(log, w, 1_000_000);
  }

  private Loader loader(FileEventLog log, Warehouse w, int dedupMaxIds) {
    return new Loader(
        log,
        w,
        Duration.ofHours(24),
        dedupMaxIds,
        1 << 20,
        InstantSource.system(),
        new SimpleMeterRegistry());
  }

  private FlakyWarehouse flakyWarehouse() {
    return new FlakyWarehouse(DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB"));
  }

  /** {@code n} encoded track events named {@code name}, with distinct ids. */
  private static List<byte[]> tracks(String name, int n) {
    List<byte[]> records = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(Events.track(name).id(name + "-" + i).encoded());
    }
    return records;
  }

  /**
   * A steady stream: {@code appends} appends of {@code perAppend} track events named {@code name}
   * with distinct ids, {@code pauseMillis} apart.
   */
  private static void stream(
      FileEventLog log, String name, int appends, int perAppend, long pauseMillis)
      throws Exception {
    for (int i = 0; i < appends; i++) {
      List<byte[]> records = new java.util.ArrayList<>();
      for (int j = 0; j < perAppend; j++) {
        records.add(Events.track(name).id(name + "-" + i + "-" + j).encoded());
      }
      log.append(records).get();
      Thread.sleep(pauseMillis);
    }
  }

  private static long count(Warehouse w, String sql) {
    return ((Number) w.query(sql, 10).rows().getFirst().getFirst()).longValue();
  }

  private static void awaitPosition(Loader l, long position) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (l.position() < position) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "loader stuck at " + l.position() + " < " + position + ": " + l.lastError());
      }
      Thread.sleep(5);
    }
  }

  @Test
  void loadsOnceDropsDuplicatesAndResumesAfterRestart() throws Exception {
    Path whFile = dir.resolve("w.duckdb");
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      DuckDbWarehouse w = DuckDbWarehouse.open(whFile, "256MB");
      Loader l = loader(log, w);
      l.start();
      log.append(
              List.of(
                  Events.track("A").id("m1-é✓").encoded(),
                  Events.track("A").id("m1-é✓").encoded(),
                  Events.track("B").id("m2").encoded()))
          .get();
      awaitPosition(l, log.end());
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(2);
      assertThat(l.drain(Duration.ofSeconds(5))).isTrue();
      w.close();
      // the same ids again, as a client retry after restart would send them: the window read back
      // from the warehouse must hash them as the loader does (non-ASCII bytes included)
      log.append(
              List.of(
                  Events.track("A").id("m1-é✓").encoded(), Events.track("C").id("m3").encoded()))
          .get();
      DuckDbWarehouse w2 = DuckDbWarehouse.open(whFile, "256MB");
      assertThat(w2.loadedPosition()).isLessThan(log.end());
      Loader l2 = loader(log, w2);
      l2.start();
      awaitPosition(l2, log.end());
      assertThat(count(w2, "SELECT count(*) FROM events")).isEqualTo(3);
      assertThat(count(w2, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(3);
      assertThat(w2.loadedPosition()).isEqualTo(log.end());
      l2.drain(Duration.ofSeconds(5));
      w2.close();
    }
  }

  @Test
  void startsBeforeTheDedupWindowIsReadBackAndLoadsNothingUntilItIs() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      Loader l = loader(log, w);
      l.start();
      log.append(List.of(Events.track("A").id("m1").encoded())).get();
      awaitPosition(l, log.end());
      l.drain(Duration.ofSeconds(5));
      long loaded = log.end();
      log.append(
              List.of(Events.track("A").id("m1").encoded(), Events.track("C").id("m2").encoded()))
          .get();
      w.recentIdsGate = new java.util.concurrent.CountDownLatch(1);
      Loader l2 = loader(log, w);
      assertTimeoutPreemptively(Duration.ofSeconds(5), l2::start, "start waits for the window");
      assertThat(l2.running()).as("running while it reads the window back").isTrue();
      Thread.sleep(300);
      assertThat(l2.position()).as("nothing loaded before the window is whole").isEqualTo(loaded);
      w.recentIdsGate.countDown();
      awaitPosition(l2, log.end());
      assertThat(count(w, "SELECT count(*) FROM events WHERE event_id = 'm1'"))
          .as("the resent id, found in the window read back")
          .isEqualTo(1);
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(2);
      l2.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void theWindowReadBackKeepsTheNewestIdsUpToItsCap() throws Exception {
    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      Loader l = loader(log, w);
      l.start();
      log.append(
              List.of(
                  Events.track("A").id("old").receivedAtMicros(now - 3_000_000).encoded(),
                  Events.track("A").id("mid").receivedAtMicros(now - 2_000_000).encoded(),
                  Events.track("A").id("new").receivedAtMicros(now - 1_000_000).encoded()))
          .get();
      awaitPosition(l, log.end());
      l.drain(Duration.ofSeconds(5));
      log.append(
              List.of(Events.track("A").id("old").encoded(), Events.track("A").id("new").encoded()))
          .get();
      Loader capped = loader(log, w, 2);
      capped.start();
      awaitPosition(capped, log.end());
      assertThat(count(w, "SELECT count(*) FROM events WHERE event_id = 'new'"))
          .as("among the newest two: dropped when resent")
          .isEqualTo(1);
      assertThat(count(w, "SELECT count(*) FROM events WHERE event_id = 'old'"))
          .as("beyond the cap of two: forgotten, so stored again")
          .isEqualTo(2);
      capped.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void aSteadyTrickleIsCommittedAtMostEveryHalfSecondAndALoneEventAtOnce() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20);
        DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      Loader l =
          new Loader(
              log, w, Duration.ofHours(24), 1_000_000, 1 << 20, InstantSource.system(), registry);
      l.start();
      var commits = registry.get("causality_loader_batch_size").summary();
      log.append(List.of(Events.track("first").encoded())).get();
      awaitPosition(l, log.end());
      assertThat(commits.count()).isEqualTo(1);
      // six requests 50 ms apart right after that commit: without the interval, six commits
      for (int i = 0; i < 6; i++) {
        log.append(List.of(Events.track("trickle").encoded())).get();
        Thread.sleep(50);
      }
      awaitPosition(l, log.end());
      long afterTrickle = commits.count();
      assertThat(afterTrickle - 1).isBetween(1L, 2L);
      assertThat(count(w, "SELECT count(*) FROM events WHERE event = 'trickle'")).isEqualTo(6);
      // after a quiet spell a lone event is committed at once, not kept waiting for company
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Loader.COMMIT_INTERVAL_NANOS) + 100);
      long start = System.nanoTime();
      log.append(List.of(Events.track("lone").encoded())).get();
      awaitPosition(l, log.end());
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Duration.ofNanos(Loader.COMMIT_INTERVAL_NANOS));
      assertThat(commits.count()).isEqualTo(afterTrickle + 1);
      assertThat(l.drain(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aBatchTheWarehouseFailedOnLoadsWholeOnceItRecovers() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      log.append(tracks("R", 2000)).get();
      // every attempt of the first round fails as a full disk would, then the disk has room
      w.failNext.set(3);
      Loader l = loader(log, w);
      l.start();
      awaitPosition(l, log.end());
      // not 2,000 commits of one record each: the failure was the warehouse's, not a record's
      assertThat(w.loads).containsExactly(2000);
      assertThat(w.deadLetterCount()).isZero();
      assertThat(count(w, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(2000);
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void batchesEndWhereTheWarehousePrefers() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      log.append(tracks("P", 1000)).get();
      w.preferredRows = 300; // where the warehouse would checkpoint, say
      Loader l = loader(log, w);
      l.start();
      awaitPosition(l, log.end());
      assertThat(w.loads).containsExactly(300, 300, 300, 100);
      assertThat(count(w, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(1000);
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void aSteadyStreamIsCommittedInWholeBatchesAndItsTailWithinTheGatherTime() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      w.preferredRows = 600; // a row group, say: ~0.6 s of the stream below
      Loader l = loader(log, w);
      l.start();
      // ~1,000 events/s for 3 s: without gathering, a commit every half second of ~500 rows each
      stream(log, "S", 150, 20, 20);
      long streamEnded = System.nanoTime();
      awaitPosition(l, log.end());
      Duration tail = Duration.ofNanos(System.nanoTime() - streamEnded);
      // the first batch takes what came before the rate was known, the last what came after the
      // last whole one; every batch between is whole
      assertThat(w.loads.size()).isGreaterThanOrEqualTo(4);
      assertThat(w.loads.subList(1, w.loads.size() - 1)).containsOnly(600);
      assertThat(w.loads.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3000);
      assertThat(tail).isLessThan(Duration.ofNanos(Loader.MAX_GATHER_NANOS).plusSeconds(2));
      assertThat(count(w, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(3000);
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void aBatchWaitingForRowsEndsAtOnceWhenTheLoaderDrains() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      w.preferredRows = 10_000; // due ~1.5 s after the first commit, but the stream stops first
      Loader l = loader(log, w);
      l.start();
      stream(log, "D", 40, 175, 25);
      long start = System.nanoTime();
      assertThat(l.drain(Duration.ofSeconds(10))).isTrue();
      // not kept until the batch's gather time is up (~2 s from here)
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      // the first append alone, then one batch that gathered the rest: it was open at the drain
      assertThat(w.loads).hasSize(2);
      assertThat(l.position()).isEqualTo(log.end());
      assertThat(count(w, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(7000);
      w.close();
    }
  }

  @Test
  void aBatchOfManyReadChunksLoadsEachEventOnceAfterRetries() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      // ~2.4 MB of log: one batch reads it in about ten chunks, and a retry must read the same
      String padding = "x".repeat(700);
      List<byte[]> records = new java.util.ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        records.add(
            Events.track("Big")
                .id("big-" + i)
                .properties("{\"i\":" + i + ",\"pad\":\"" + padding + "\"}")
                .encoded());
      }
      // the first id again at the end: a duplicate many chunks after its first copy
      records.add(Events.track("Big").id("big-0").encoded());
      log.append(records).get();
      w.failNext.set(2);
      Loader l = loader(log, w);
      l.start();
      awaitPosition(l, log.end());
      assertThat(w.failNext.get()).isZero();
      assertThat(count(w, "SELECT count(*) FROM events WHERE event = 'Big'")).isEqualTo(3000);
      assertThat(count(w, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(3000);
      assertThat(count(w, "SELECT sum(CAST(properties->>'i' AS BIGINT)) FROM events"))
          .isEqualTo(2999L * 3000 / 2);
      assertThat(w.loadedPosition()).isEqualTo(log.end());
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void sameIdInAnotherProjectIsNotADuplicate() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20);
        DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      Loader l = loader(log, w);
      l.start();
      log.append(
              List.of(
                  Events.track("A").id("m1").app("p1").encoded(),
                  Events.track("A").id("m1").app("p2").encoded()))
          .get();
      awaitPosition(l, log.end());
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(2);
      l.drain(Duration.ofSeconds(5));
    }
  }

  @Test
  void aLogThatCannotBeReadStopsTheLoaderWithNothingOfTheBatchStored() throws Exception {
    Path logDir = dir.resolve("log");
    try (FileEventLog log = FileEventLog.open(logDir, 4096)) {
      log.append(tracks("E", 200)).get();
    }
    Path first;
    try (var files = Files.list(logDir)) {
      first = files.filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
    }
    // a flipped byte inside an older segment: found only when the loader reads past it
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), 2000);
    }
    try (FileEventLog log = FileEventLog.open(logDir, 4096);
        DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      Loader l = loader(log, w);
      l.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (l.running() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(l.running()).isFalse();
      assertThat(l.lastError()).startsWith("cannot read the log").contains("checksum mismatch");
      // the rows before the damage were in the same transaction: rolled back, position unmoved
      assertThat(l.position()).isZero();
      assertThat(w.loadedPosition()).isZero();
      assertThat(count(w, "SELECT count(*) FROM events")).isZero();
      // and the warehouse still loads
      w.load(List.of(Events.track("after").build()), List.of(), 0);
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(1);
    }
  }

  @Test
  void undecodableRecordGoesToDeadLettersAndTheRestLoads() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20);
        DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      Loader l = loader(log, w);
      l.start();
      log.append(
              List.of(
                  Events.track("ok").encoded(),
                  "{not json".getBytes(StandardCharsets.UTF_8),
                  Events.track("ok").encoded()))
          .get();
      awaitPosition(l, log.end());
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(2);
      assertThat(w.deadLetterCount()).isEqualTo(1);
      assertThat(w.query("SELECT error, payload FROM dead_letters", 10).rows().getFirst())
          .satisfies(r -> assertThat((String) r.get(0)).startsWith("undecodable record"))
          .satisfies(r -> assertThat(r.get(1)).isEqualTo("{not json"));
      l.drain(Duration.ofSeconds(5));
    }
  }

  @Test
  void poisonRowIsDeadLetteredWithoutStallingOthers() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      w.poisonEvent = "Poison";
      Loader l = loader(log, w);
      l.start();
      log.append(
              List.of(
                  Events.track("Fine").encoded(),
                  Events.track("Poison").encoded(),
                  Events.track("Fine").encoded()))
          .get();
      awaitPosition(l, log.end());
      assertThat(count(w, "SELECT count(*) FROM events WHERE event = 'Fine'")).isEqualTo(2);
      assertThat(
              count(
                  w,
                  "SELECT count(*) FROM dead_letters WHERE error LIKE 'load failed:%' AND payload LIKE '%Poison%'"))
          .isEqualTo(1);
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void aFullDiskNeverSendsGoodEventsToTheDeadLetterTable() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      w.fullForRows.set(true);
      Loader l = loader(log, w);
      l.start();
      log.append(
              List.of(
                  Events.track("A").encoded(),
                  Events.track("B").encoded(),
                  Events.track("C").encoded()))
          .get();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (w.failures.get() < 4
          && System.nanoTime() < deadline) { // three attempts, a second back-off, a fourth
        Thread.sleep(10);
      }
      assertThat(w.failures.get()).isGreaterThanOrEqualTo(4);
      w.fullForRows.set(false);
      awaitPosition(l, log.end());
      assertThat(w.deadLetterCount()).isZero();
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(3);
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }

  @Test
  void unavailableWarehouseHoldsThePositionUntilItReturns() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20)) {
      FlakyWarehouse w = flakyWarehouse();
      w.down.set(true);
      Loader l = loader(log, w);
      l.start();
      log.append(List.of(Events.track("Waiting").encoded())).get();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (l.lastError().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(l.lastError()).contains("warehouse unavailable");
      assertThat(l.position()).isZero();
      assertThat(w.deadLetterCount()).isZero();
      w.down.set(false);
      awaitPosition(l, log.end());
      assertThat(count(w, "SELECT count(*) FROM events")).isEqualTo(1);
      assertThat(l.lastError()).isEmpty();
      l.drain(Duration.ofSeconds(5));
      w.close();
    }
  }
}
