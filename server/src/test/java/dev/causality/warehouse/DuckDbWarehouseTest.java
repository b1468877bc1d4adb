package dev.causality.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.causality.event.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbWarehouseTest {
  @TempDir Path dir;

  @Test
  void appenderRowsRollBackWithTheTransaction() throws Exception {
    // the loader's exactly-once guarantee rests on this DuckDB behaviour
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (x INTEGER)");
      c.setAutoCommit(false);
      st.execute("SELECT 1");
      try (DuckDBAppender a = ((DuckDBConnection) c).createAppender("main", "t")) {
        a.beginRow().append(1).endRow();
        a.flush();
      }
      c.rollback();
      c.setAutoCommit(true);
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }

  @Test
  void loadStoresRowsDeadLettersAndPositionTogether() {
    Path file = dir.resolve("w.duckdb");
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      assertThat(w.loadedPosition()).isZero();
      w.load(
          List.of(Events.track("A").id("a").user("u1").properties("{\"n\":1}").build()),
          List.of(new DeadLetter(7, "bad", "{", 0)),
          42);
      assertThat(w.loadedPosition()).isEqualTo(42);
      assertThat(w.deadLetterCount()).isEqualTo(1);
      QueryResult r = w.query("SELECT event, user_id, properties->>'n' AS n FROM events", 10);
      assertThat(r.columns()).containsExactly("event", "user_id", "n");
      assertThat(r.rows()).containsExactly(List.of("A", "u1", "1"));
    }
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      assertThat(w.loadedPosition()).isEqualTo(42);
      List<Long> ids = new ArrayList<>();
      w.recentEventIds(0, 10, (hash, at) -> ids.add(hash));
      assertThat(ids).containsExactly(idHash("default", "a"));
    }
  }

  @Test
  void recentEventIdsAreTheNewestWithinTheLimitInTheOrderStored() {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      List<dev.causality.event.Event> rows = new ArrayList<>();
      java.util.Map<Long, String> ids = new java.util.HashMap<>();
      for (long t : new long[] {500, 1_000, 2_000, 3_000, 3_000, 4_000, 5_000}) {
        // ids beyond ASCII, and a project: the hash is of their UTF-8 bytes
        String id = "é" + t + "-" + rows.size() + "✓";
        String app = "p" + rows.size() % 2;
        rows.add(Events.track("E").id(id).app(app).receivedAtMicros(t).build());
        ids.put(idHash(app, id), id);
      }
      w.load(rows, List.of(), 1);
      List<String> seen = new ArrayList<>();
      w.recentEventIds(1_000, 10, (hash, at) -> seen.add(ids.getOrDefault(hash, "?")));
      assertThat(seen)
          .as("received at or after 1,000, within the limit: all, as stored")
          .containsExactly("é1000-1✓", "é2000-2✓", "é3000-3✓", "é3000-4✓", "é4000-5✓", "é5000-6✓");
      for (int limit : new int[] {4, 3, 1}) {
        seen.clear();
        w.recentEventIds(
            1_000, limit, (hash, at) -> seen.add(ids.getOrDefault(hash, "?") + "@" + at));
        assertThat(seen)
            .as("limit %d: the newest, and those sharing the oldest one's time", limit)
            .containsExactlyElementsOf(
                limit == 1
                    ? List.of("é5000-6✓@5000")
                    : List.of("é3000-3✓@3000", "é3000-4✓@3000", "é4000-5✓@4000", "é5000-6✓@5000"));
      }
    }
  }

  /**
   * The first 64 bits, big-endian, of SHA-256(appId, 0, eventId): Warehouse.recentEventIds's hash.
   */
  private static long idHash(String appId, String eventId) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  (appId + "\u0000" + eventId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(d).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void failedLoadLeavesNeitherRowsNorPosition() throws Exception {
    Path file = dir.resolve("w.duckdb");
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      w.load(List.of(Events.track("First").build()), List.of(), 10);
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE dead_letters"); // makes the last step of the next load fail
    }
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      assertThatThrownBy(() ->
              w.load(
                  List.of(Events.track("Lost").build()),
                  List.of(new DeadLetter(1, "e", "p", 0)),
                  20))
          .isInstanceOf(WarehouseException.class)
          .satisfies(e -> assertThat(((WarehouseException) e).retriable()).isTrue());
      assertThat(w.loadedPosition()).isEqualTo(10);
      assertThat(w.query("SELECT event FROM events", 10).rows()).containsExactly(List.of("First"));
    }
  }

  @Test
  void aValueDuckDbCannotStoreIsNotRetriableAndAFullDiskIs() {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      // make_timestamp cannot take this value: "Conversion Error"
      DeadLetter unstorable = new DeadLetter(0, "e", "p", Long.MAX_VALUE);
      assertThatThrownBy(() -> w.load(List.of(), List.of(unstorable), 10))
          .isInstanceOfSatisfying(
              WarehouseException.class, e -> assertThat(e.retriable()).isFalse());
    }
    // the message DuckDB gave when its WAL write hit a full tmpfs (FaultIT)
    assertThat(
            DuckDbWarehouse.isDataError(
                new java.sql.SQLException(
                    "TransactionContext Error: Failed to commit: Could not write file \"/d/warehouse.duckdb.wal\": No space left on device")))
        .isFalse();
  }

  @Test
  void queryReportsTruncationAndErrors() {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      QueryResult r = w.query("SELECT * FROM range(5)", 3);
      assertThat(r.rows()).hasSize(3);
      assertThat(r.truncated()).isTrue();
      assertThat(r.types()).containsExactly("BIGINT");
      assertThatThrownBy(() -> w.query("SELECT * FROM no_such_table", 3))
          .isInstanceOf(WarehouseException.class)
          .hasMessageContaining("no_such_table");
    }
  }

  @Test
  void aCappedReadStopsTheQueryInsteadOfComputingEveryRow() {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      // a row far beyond the cap fails the query if it is ever computed
      QueryResult r =
          w.query(
              "SELECT i, CASE WHEN i = 10000000 THEN error('the whole result was computed') END AS e"
                  + " FROM range(20000000) t(i)",
              List.of(),
              5,
              Duration.ofSeconds(60));
      assertThat(r.rows()).hasSize(5);
      assertThat(r.truncated()).isTrue();
    }
  }

  @Test
  void longQueriesLeaveVirtualThreadsFreeToRun() throws Exception {
    // DuckDB runs natively, which pins a virtual thread to its carrier: with as many long queries
    // as carriers (up to the 4 readers), other virtual threads could only run once they ended
    int n = Math.min(4, Runtime.getRuntime().availableProcessors());
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      List<Thread> queries = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < n; i++) {
        queries.add(
            Thread.ofVirtual()
                .start(() -> {
                  try {
                    w.query(
                        "SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3",
                        List.of(), 1, Duration.ofSeconds(5));
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }));
      }
      while (w.queriesRunning() < n) {
        Thread.sleep(10);
      }
      java.util.concurrent.atomic.AtomicInteger runningWhenScheduled =
          new java.util.concurrent.atomic.AtomicInteger(-1);
      Thread.ofVirtual().start(() -> runningWhenScheduled.set(w.queriesRunning())).join();
      assertThat(runningWhenScheduled.get())
          .as("queries still running when another virtual thread ran")
          .isEqualTo(n);
      for (Thread t : queries) {
        t.join();
      }
      assertThat(failures)
          .hasSize(n)
          .allSatisfy(e ->
              assertThat(e)
                  .isInstanceOf(QueryTimeoutException.class)
                  .hasMessageContaining("ran longer than 5000 ms"));
      assertThat(w.query("SELECT 42", 1).rows()).containsExactly(List.of(42));
    }
  }

  @Test
  void openClosesTheDatabaseToFilesExtensionsAndSettingChanges() throws Exception {
    Path file = dir.resolve("w.duckdb");
    Path csv = Files.writeString(dir.resolve("secret.csv"), "a\n1\n");
    for (int open = 0; open < 2; open++) { // settings live in memory: every open sets them again
      try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
        assertThatThrownBy(() -> w.query("SELECT * FROM read_csv('" + csv + "')", 1))
            .hasMessageContaining("file system operations are disabled");
        assertThatThrownBy(() -> w.query("COPY (SELECT 1) TO '" + dir.resolve("out.csv") + "'", 1))
            .hasMessageContaining("file system operations are disabled");
        assertThatThrownBy(
                () -> w.query("ATTACH '" + dir.resolve("other.duckdb") + "' AS other", 1))
            .hasMessageContaining("only a statement that returns rows can run here, not: ATTACH");
        // a statement that returns no rows is refused before it runs, on every query path
        for (String set :
            List.of(
                "SET memory_limit = '8GB'",
                "SET enable_external_access = true",
                "RESET memory_limit",
                "PRAGMA threads = 1",
                "INSERT INTO events (event_id) VALUES ('x')")) {
          assertThatThrownBy(() -> w.query(set, 1))
              .hasMessageContaining("only a statement that returns rows can run here");
          assertThatThrownBy(() -> w.queryReadOnly(set, List.of(), 1, Duration.ofSeconds(5)))
              .hasMessageContaining("only a statement that returns rows can run here");
        }
        assertThat(
                w.query(
                        "SELECT current_setting('memory_limit'), current_setting('enable_external_access')",
                        1)
                    .rows())
            .containsExactly(List.of("244.1 MiB", false));
        // the loader's Appender and the database's own file are not external access
        w.load(
            List.of(Events.track("E" + open).build()),
            List.of(new DeadLetter(open, "bad", "{", 0)),
            open + 1);
        assertThat(w.query("SELECT count(*) FROM events", 1).rows())
            .containsExactly(List.of((long) open + 1));
      }
    }
    assertThat(dir.resolve("out.csv")).doesNotExist();
    assertThat(dir.resolve("other.duckdb")).doesNotExist();
  }

  @Test
  void deeplyNestedQueriesFailWithDuckDbsErrorInsteadOfOverflowingTheStack() {
    // on a 1 MB thread stack these kill the JVM (SIGSEGV) before DuckDB's limit of 1000 answers
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      for (String sql :
          List.of(
              "SELECT " + "abs(".repeat(999) + "1" + ")".repeat(999),
              "SELECT " + "NOT ".repeat(999) + "true",
              "SELECT 1" + "+1".repeat(999))) {
        assertThatThrownBy(() -> w.query(sql, 1))
            .isInstanceOf(WarehouseException.class)
            .hasMessageContaining("Max expression depth limit of 1000 exceeded");
      }
      assertThat(w.query("SELECT " + "abs(".repeat(500) + "-1" + ")".repeat(500), 1).rows())
          .containsExactly(List.of(1));
    }
  }

  @Test
  void queryReadOnlyAnswersPlainValuesAndRefusesWrites() {
    java.util.TimeZone zone = java.util.TimeZone.getDefault();
    java.util.TimeZone.setDefault(
        java.util.TimeZone.getTimeZone(
            "Europe/Berlin")); // 02:30 on 2024-03-31 does not exist there
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      QueryResult r =
          w.queryReadOnly(
              "SELECT TIMESTAMP '2024-03-31 02:30:00.5' AS t, TIMESTAMP '2024-01-01 00:00:00' AS midnight,"
                  + " '{\"a\": [1]}'::JSON AS j, [[1], [2, 3]] AS l, {'k': 'v', 'n': 2} AS s, MAP {'x': 1.5} AS m,"
                  + " 'a\\x00b'::BLOB AS b, 'nan'::DOUBLE AS nan, 12345678901234567890::HUGEINT AS h, DATE '2024-02-29' AS d",
              List.of(),
              1,
              Duration.ofSeconds(10));
      assertThat(r.rows().getFirst())
          .containsExactly(
              "2024-03-31 02:30:00.5",
              "2024-01-01 00:00:00",
              "{\"a\": [1]}",
              List.of(List.of(1), List.of(2, 3)),
              java.util.Map.of("k", "v", "n", 2),
              java.util.Map.of("x", new java.math.BigDecimal("1.5")),
              "a\\x00b",
              "NaN",
              new java.math.BigInteger("12345678901234567890"),
              "2024-02-29");
      assertThatThrownBy(() ->
              w.queryReadOnly(
                  "INSERT INTO load_state VALUES (9, 0, now()) RETURNING id",
                  List.of(),
                  1,
                  Duration.ofSeconds(10)))
          .isInstanceOf(WarehouseException.class)
          .hasMessageContaining("read-only mode");
      assertThat(w.query("SELECT count(*) FROM load_state", 1).rows()).containsExactly(List.of(1L));
      assertThat(w.describe())
          .extracting(Warehouse.Table::name)
          .containsExactly(
              "catalog_increments", "dead_letters", "events", "load_state", "schema_version");
      assertThat(w.describe().get(2).columns().get(14))
          .isEqualTo(new Warehouse.Column("properties", "JSON"));
    } finally {
      java.util.TimeZone.setDefault(zone);
    }
  }

  @Test
  void readOnlyOpenRefusesWrites() {
    Path file = dir.resolve("w.duckdb");
    DuckDbWarehouse.open(file, "256MB").close();
    try (DuckDbWarehouse w = DuckDbWarehouse.openReadOnly(file)) {
      assertThat(w.query("SELECT count(*) FROM events", 1).rows().getFirst().getFirst())
          .isEqualTo(0L);
      assertThatThrownBy(() -> w.query("CREATE TABLE x (a INT)", 1))
          .isInstanceOf(WarehouseException.class);
      assertThatThrownBy(() -> w.load(List.of(Events.track("E").build()), List.of(), 1))
          .isInstanceOf(WarehouseException.class)
          .hasMessageContaining("read-only");
    }
  }

  @Test
  void externalAccessCannotBeTurnedBackOnOnceOff() throws Exception {
    // what lockDown relies on now that the configuration is not locked: DuckDB's own refusal
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("x.duckdb"));
        Statement st = c.createStatement()) {
      st.execute("SET enable_external_access = false");
      assertThatThrownBy(() -> st.execute("SET enable_external_access = true"))
          .hasMessageContaining("Cannot enable external access while database is running");
    }
  }

  @Test
  void duckDbRunsOnHalfItsThreadsWhileTheLoaderIsBusyAndOnAllOfThemOtherwise() {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      int all = w.threads();
      assertThat(all).isPositive();
      List<dev.causality.event.Event> busy = new ArrayList<>();
      for (int i = 0; i < 2048; i++) {
        busy.add(Events.track("E").build());
      }
      w.load(busy, List.of(), 1);
      assertThat(w.threads()).isEqualTo(Math.max(1, all / 2));
      w.load(List.of(Events.track("E").build()), List.of(), 2);
      assertThat(w.threads()).isEqualTo(all);
      assertThat(w.query("SELECT count(*) FROM events", 1).rows()).containsExactly(List.of(2049L));
    }
  }

  @Test
  void loadsEndAndCheckpointWhereARowGroupFills() {
    Path wal = dir.resolve("w.duckdb.wal");
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      int group = DuckDbWarehouse.ROW_GROUP_ROWS;
      assertThat(w.preferredBatchRows()).isEqualTo(group);
      w.load(generated(50_000, 1));
      assertThat(w.preferredBatchRows()).isEqualTo(group - 50_000);
      assertThat(wal).isNotEmptyFile(); // committed through the WAL, not yet checkpointed
      w.load(generated(w.preferredBatchRows(), 2));
      // the row group is full: checkpointed, and the next batch may fill a whole one again
      assertThat(w.rowsSinceCheckpoint()).isZero();
      assertThat(w.preferredBatchRows()).isEqualTo(group);
      assertThat(Files.notExists(wal) || wal.toFile().length() == 0).isTrue();
      w.load(generated(10, 3));
      QueryResult groups =
          w.query(
              "SELECT row_group_id, sum(count)::BIGINT, bool_and(persistent) FROM pragma_storage_info('events')"
                  + " WHERE column_name = 'event_id' AND segment_type = 'VARCHAR'"
                  + " GROUP BY ALL ORDER BY 1",
              10);
      // one full row group in the file; the last 10 rows in a new one, so far only in memory
      assertThat(groups.rows())
          .containsExactly(List.of(0L, (long) group, true), List.of(1L, 10L, false));
      assertThat(w.query("SELECT count(*) FROM events", 1).rows())
          .containsExactly(List.of((long) group + 10));
    }
  }

  /** A batch of {@code n} distinct events, produced one at a time like the loader's. */
  private static Warehouse.Batch generated(int n, long nextPosition) {
    return new Warehouse.Batch() {
      @Override
      public void rows(java.util.function.Consumer<dev.causality.event.EventRecord> sink) {
        for (int i = 0; i < n; i++) {
          sink.accept(
              dev.causality.event.EventRecord.of(
                  Events.track("E" + (i % 7)).id(nextPosition + "-" + i).user("u" + i).build()));
        }
      }

      @Override
      public List<DeadLetter> deadLetters() {
        return List.of();
      }

      @Override
      public long nextPosition() {
        return nextPosition;
      }
    };
  }
}
