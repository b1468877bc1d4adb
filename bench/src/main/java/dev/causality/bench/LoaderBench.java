package dev.causality.bench;

import dev.causality.event.Event;
import dev.causality.event.EventCodec;
import dev.causality.ingest.IngestLimits;
import dev.causality.ingest.Ingestion;
import dev.causality.load.Loader;
import dev.causality.log.FileEventLog;
import dev.causality.log.LogRecord;
import dev.causality.projects.Projects;
import dev.causality.projects.SqliteMetadataStore;
import dev.causality.warehouse.DuckDbWarehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * Measures the loader's write step on this machine: the same log records loaded into DuckDB via the
 * Appender (the server's {@link DuckDbWarehouse#load}) and via DuckDB's own bulk JSON load ({@code
 * INSERT INTO events SELECT … FROM read_json(…)} over the records written to a temporary NDJSON
 * file, the cost of writing that file included).
 *
 * <p>Usage: {@code LoaderBench --rows 1000000 --batch-bytes 4194304,67108864 --dir
 * /tmp/loader-bench}.
 */
public final class LoaderBench {
  /*
   * Implementation note. The records are produced by the server's own ingestion pipeline
   * (Ingestion.handle on SampleEvents batches) into a real FileEventLog, so rows have exactly
   * the shape, nulls and JSON columns the loader sees in production. Each measured load starts
   * from a fresh DuckDB file and reads the log the way the Loader does, in chunks of at most
   * `batch-bytes` of payload, one transaction per chunk that also stores the log position; both
   * methods decode every record (the Loader needs event ids for its dedup window), so the
   * difference between them is the write step alone. The log is in the page cache for every
   * method (it was just written and is read once before the first measurement). At the end the
   * tables loaded by the two methods are compared row for row with EXCEPT ALL.
   */

  private static final String KEY = "loader-bench-key-0123456789";

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int rows = Integer.parseInt(a.getOrDefault("rows", "1000000"));
    List<Integer> batchBytes = new ArrayList<>();
    for (String s : a.getOrDefault("batch-bytes", "4194304,67108864").split(",")) {
      batchBytes.add(Integer.parseInt(s.trim()));
    }
    Path dir = Path.of(a.getOrDefault("dir", "/tmp/causality-loader-bench"));
    deleteTree(dir);
    Files.createDirectories(dir);

    Path logDir = dir.resolve("log");
    long t0 = System.nanoTime();
    long logBytes = fillLog(logDir, dir.resolve("metadata.sqlite"), rows);
    System.out.printf(
        Locale.ROOT,
        "generated %d records (%.0f bytes of payload each) through the ingestion pipeline in %.1f s%n",
        rows,
        logBytes / (double) rows,
        (System.nanoTime() - t0) / 1e9);
    warmPageCache(logDir);

    List<String> results = new ArrayList<>();
    for (int bytes : batchBytes) {
      Path appenderDb = dir.resolve("appender-" + bytes + ".duckdb");
      Path jsonDb = dir.resolve("read_json-" + bytes + ".duckdb");
      Phases ap = loadWithAppender(logDir, appenderDb, bytes);
      results.add(ap.report("appender", rows, bytes));
      Phases js = loadWithReadJson(logDir, jsonDb, dir.resolve("batch.ndjson"), bytes);
      results.add(js.report("read_json", rows, bytes));
      compare(appenderDb, jsonDb, rows);
      Files.deleteIfExists(appenderDb);
      Files.deleteIfExists(jsonDb);
    }
    // The real Loader end to end (read, decode, dedup, Appender, metrics), consuming a copy of the
    // log.
    Path copy = dir.resolve("log-copy");
    copyTree(logDir, copy);
    results.add(runRealLoader(copy, dir.resolve("loader.duckdb"), rows));
    System.out.println();
    results.forEach(System.out::println);
    deleteTree(dir);
  }

  /**
   * Produces {@code rows} log records with the server's ingestion pipeline; returns payload bytes.
   */
  private static long fillLog(Path logDir, Path metadata, int rows) throws Exception {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(metadata);
        FileEventLog log = FileEventLog.open(logDir, 64L * 1024 * 1024)) {
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
      SampleEvents events = new SampleEvents(7, 50_000);
      int batch = 2000;
      long id = 0;
      for (int done = 0; done < rows; done += batch) {
        int n = Math.min(batch, rows - done);
        String body = events.batch(n, Instant.now());
        StringBuilder withIds = new StringBuilder(body.length());
        int from = 0;
        int at;
        while ((at = body.indexOf(SampleEvents.ID_PLACEHOLDER, from)) >= 0) {
          withIds.append(body, from, at).append(String.format("lb-%029d", id++));
          from = at + SampleEvents.ID_WIDTH;
        }
        withIds.append(body, from, body.length());
        Ingestion.Response r =
            ingestion.handle(
                new Ingestion.Request(
                    "/v1/batch",
                    Optional.of(KEY),
                    Optional.empty(),
                    new ByteArrayInputStream(withIds.toString().getBytes(StandardCharsets.UTF_8)),
                    -1,
                    "203.0.113.9",
                    Optional.empty(),
                    false,
                    Optional.empty()));
        if (r.status() != 200 || !r.body().equals("{\"success\":true}")) {
          throw new IllegalStateException(
              "ingestion refused a generated batch: " + r.status() + " " + r.body());
        }
      }
      return log.end() - log.start() - 9L * rows;
    }
  }

  private static void warmPageCache(Path logDir) throws IOException {
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        try (var in = Files.newInputStream(p)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
    }
  }

  /** Wall-clock nanoseconds spent in each phase of one load. */
  private static final class Phases {
    long read;
    long decode;
    long tempFile;
    long write;
    long total;
    int transactions;

    String report(String method, int rows, int batchBytes) {
      double s = total / 1e9;
      String line =
          String.format(
              Locale.ROOT,
              "RESULT method=%s batch_bytes=%d transactions=%d rows=%d seconds=%.2f rows_per_s=%.0f"
                  + " write_step_rows_per_s=%.0f read_s=%.2f decode_s=%.2f temp_file_s=%.2f write_s=%.2f",
              method,
              batchBytes,
              transactions,
              rows,
              s,
              rows / s,
              rows / ((tempFile + write) / 1e9),
              read / 1e9,
              decode / 1e9,
              tempFile / 1e9,
              write / 1e9);
      System.out.println(line);
      return line;
    }
  }

  private static Phases loadWithAppender(Path logDir, Path db, int batchBytes) {
    Phases ph = new Phases();
    try (FileEventLog log = FileEventLog.open(logDir, 64L * 1024 * 1024);
        DuckDbWarehouse w = DuckDbWarehouse.open(db, "512MB")) {
      long start = System.nanoTime();
      long pos = log.start();
      while (pos < log.end()) {
        long t = System.nanoTime();
        List<LogRecord> batch = log.read(pos, batchBytes);
        long t1 = System.nanoTime();
        List<Event> rows = new ArrayList<>(batch.size());
        for (LogRecord r : batch) {
          rows.add(EventCodec.decode(r.payload()));
        }
        long t2 = System.nanoTime();
        pos = batch.getLast().nextPosition();
        w.load(rows, List.of(), pos);
        long t3 = System.nanoTime();
        ph.read += t1 - t;
        ph.decode += t2 - t1;
        ph.write += t3 - t2;
        ph.transactions++;
      }
      ph.total = System.nanoTime() - start;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ph;
  }

  private static Phases loadWithReadJson(Path logDir, Path db, Path temp, int batchBytes)
      throws SQLException {
    // the schema comes from the server's own migration
    DuckDbWarehouse.open(db, "512MB").close();
    Phases ph = new Phases();
    try (FileEventLog log = FileEventLog.open(logDir, 64L * 1024 * 1024);
        Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath())) {
      try (Statement st = c.createStatement()) {
        st.execute("SET memory_limit = '512MB'");
      }
      String insert = readJsonInsert(temp);
      long start = System.nanoTime();
      long pos = log.start();
      // a Statement per batch: a prepared read_json binds to the file as it was at prepare time
      try (PreparedStatement position =
          c.prepareStatement(
              "UPDATE load_state SET log_position = ?, updated_at = now() WHERE id = 1")) {
        while (pos < log.end()) {
          long t = System.nanoTime();
          List<LogRecord> batch = log.read(pos, batchBytes);
          long t1 = System.nanoTime();
          List<Event> rows = new ArrayList<>(batch.size());
          for (LogRecord r : batch) {
            rows.add(EventCodec.decode(r.payload()));
          }
          long t2 = System.nanoTime();
          try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
            for (Event e : rows) {
              out.write(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8));
              out.write('\n');
            }
          }
          long t3 = System.nanoTime();
          pos = batch.getLast().nextPosition();
          c.setAutoCommit(false);
          int inserted;
          try (Statement load = c.createStatement()) {
            inserted = load.executeUpdate(insert);
          }
          if (inserted != batch.size()) {
            throw new IllegalStateException(
                "read_json inserted " + inserted + " rows of " + batch.size());
          }
          position.setLong(1, pos);
          position.executeUpdate();
          c.commit();
          c.setAutoCommit(true);
          long t4 = System.nanoTime();
          ph.read += t1 - t;
          ph.decode += t2 - t1;
          ph.tempFile += t3 - t2;
          ph.write += t4 - t3;
          ph.transactions++;
        }
      }
      ph.total = System.nanoTime() - start;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ph;
  }

  /**
   * {@code INSERT INTO events SELECT … FROM read_json(file, columns = {…})}: the log record is the
   * {@link Event} record as JSON, whose components are the events columns in table order; times are
   * epoch microseconds. The comparison with the Appender's table then also checks that the loader's
   * user_key agrees with DuckDB's.
   */
  static String readJsonInsert(Path file) {
    StringBuilder columns = new StringBuilder();
    StringBuilder select = new StringBuilder();
    for (RecordComponent rc : Event.class.getRecordComponents()) {
      Class<?> t = rc.getType();
      String sqlType =
          t == String.class
              ? "VARCHAR"
              : t == long.class
                  ? "BIGINT"
                  : t == boolean.class ? "BOOLEAN" : t == Integer.class ? "INTEGER" : null;
      if (sqlType == null) {
        throw new IllegalStateException("no SQL type for Event." + rc.getName() + " of " + t);
      }
      columns
          .append(columns.isEmpty() ? "" : ", ")
          .append('"')
          .append(rc.getName())
          .append("\": '")
          .append(sqlType)
          .append('\'');
      String col = '"' + rc.getName() + '"';
      select
          .append(select.isEmpty() ? "" : ", ")
          .append(
              t == long.class
                  ? "make_timestamp(" + col + ")"
                  // EventCodec.toJson leaves the flag out when false
                  : t == boolean.class ? "coalesce(" + col + ", false)" : col);
    }
    // the table's last column, user_key, computed the way schema migration 3 fills older rows
    select.append(", md5_number_upper(coalesce(\"userId\", \"anonymousId\"))::BIT::BIGINT");
    return "INSERT INTO events SELECT "
        + select
        + " FROM read_json('"
        + file.toAbsolutePath().toString().replace("'", "''")
        + "', format = 'newline_delimited', columns = {"
        + columns
        + "})";
  }

  private static void compare(Path appenderDb, Path jsonDb, int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("ATTACH '" + appenderDb.toAbsolutePath() + "' AS a (READ_ONLY)");
      st.execute("ATTACH '" + jsonDb.toAbsolutePath() + "' AS b (READ_ONLY)");
      long ca = scalar(st, "SELECT count(*) FROM a.events");
      long cb = scalar(st, "SELECT count(*) FROM b.events");
      long diff =
          scalar(
              st,
              "SELECT count(*) FROM (SELECT * FROM a.events EXCEPT ALL SELECT * FROM b.events)");
      long pa = scalar(st, "SELECT log_position FROM a.load_state");
      long pb = scalar(st, "SELECT log_position FROM b.load_state");
      if (ca != rows || cb != rows || diff != 0 || pa != pb) {
        StringBuilder columns = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT column_name FROM (DESCRIBE a.events)")) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
        for (String name : names) {
          String col = '"' + name + '"';
          long n =
              scalar(
                  st,
                  "SELECT count(*) FROM a.events x JOIN b.events y USING (event_id) WHERE x."
                      + col
                      + " IS DISTINCT FROM y."
                      + col);
          if (n > 0) {
            String pair;
            try (ResultSet rs =
                st.executeQuery(
                    "SELECT x."
                        + col
                        + "::VARCHAR, y."
                        + col
                        + "::VARCHAR FROM a.events x JOIN b.events y USING (event_id) WHERE x."
                        + col
                        + " IS DISTINCT FROM y."
                        + col
                        + " LIMIT 1")) {
              rs.next();
              pair = rs.getString(1) + " vs " + rs.getString(2);
            }
            columns
                .append(' ')
                .append(name)
                .append('=')
                .append(n)
                .append(" (e.g. ")
                .append(pair)
                .append(')');
          }
        }
        System.out.println("  columns that differ (rows):" + columns);
        throw new IllegalStateException(
            String.format(
                "the two loads differ: appender %d rows (position %d), read_json %d rows (position %d), %d rows differ",
                ca, pa, cb, pb, diff));
      }
      System.out.printf("  check: both tables hold the same %d rows and log position %d%n", ca, pa);
    }
  }

  private static long scalar(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String runRealLoader(Path logDir, Path db, int rows) throws InterruptedException {
    try (FileEventLog log = FileEventLog.open(logDir, 64L * 1024 * 1024);
        DuckDbWarehouse w = DuckDbWarehouse.open(db, "512MB")) {
      Loader loader =
          new Loader(
              log,
              w,
              Duration.ofHours(24),
              10_000_000,
              DuckDbWarehouse.ROW_GROUP_ROWS,
              InstantSource.system(),
              new SimpleMeterRegistry());
      long start = System.nanoTime();
      loader.start();
      long end = log.end();
      while (loader.position() < end) {
        if (!loader.running()) {
          throw new IllegalStateException("the loader stopped: " + loader.lastError());
        }
        Thread.sleep(5);
      }
      double s = (System.nanoTime() - start) / 1e9;
      loader.close();
      String line =
          String.format(
              Locale.ROOT,
              "RESULT method=loader batch_rows=%d transactions=- rows=%d seconds=%.2f rows_per_s=%.0f"
                  + " (the server's Loader class end to end: read, decode, dedup, Appender, metrics)",
              DuckDbWarehouse.ROW_GROUP_ROWS,
              rows,
              s,
              rows / s);
      System.out.println(line);
      return line;
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
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
