package dev.causality.warehouse;

import static java.util.Objects.requireNonNull;

import dev.causality.event.Event;
import dev.causality.event.EventRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSetMetaData;
import org.duckdb.DuckDBStruct;
import org.duckdb.StatementReturnType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded {@link Warehouse}: one DuckDB file. */
public final class DuckDbWarehouse implements Warehouse {
  /*
   * Implementation note. The loader writes through `writer` only, one transaction per batch:
   * the new log position first, then the rows through the Appender (faster than JDBC batches by
   * two orders of magnitude), then dead letters, then commit. The transaction is an explicit
   * BEGIN ... COMMIT on a connection left in auto-commit mode, not the driver's
   * setAutoCommit(false): the driver begins its transaction lazily at the first statement (an
   * Appender flushed before any statement commits by itself), and after a failed COMMIT it
   * believes a transaction is still open, so it never begins another and every later load fails.
   * Because the position lives in the same transaction as the rows, a crash before the commit
   * leaves both unchanged and the loader re-reads the same records; a crash after it leaves both
   * advanced. Queries use a second connection to the same database, so they never wait for a
   * load and never see half of one.
   *
   * Checkpoints (compressing the rows the WAL holds into the database file) happen where a row
   * group fills, not when the WAL passes DuckDB's 16 MB: see checkpointWhereRowGroupsFill.
   *
   * Two pools of connections serve queries: `readers` for the query engine's own SQL and
   * `sandbox` for SQL written by people or an LLM (queryReadOnly), so a slow editor query never
   * holds a connection the dashboards need. A sandbox query runs inside BEGIN TRANSACTION READ
   * ONLY and is always rolled back; a connection whose rollback fails is replaced by a new one.
   */

  private static final List<String> MIGRATIONS =
      List.of(
          EventColumns.ddl()
              + ";\n"
              + "CREATE TABLE IF NOT EXISTS load_state (id INTEGER PRIMARY KEY, log_position BIGINT"
              + " NOT NULL, updated_at TIMESTAMP NOT NULL);\n"
              + "INSERT INTO load_state VALUES (1, 0, now()) ON CONFLICT DO NOTHING;\n"
              + "CREATE TABLE IF NOT EXISTS dead_letters (log_position BIGINT NOT NULL, error"
              + " VARCHAR NOT NULL, payload VARCHAR NOT NULL, failed_at TIMESTAMP NOT NULL);",
          "CREATE TABLE IF NOT EXISTS catalog_increments (app_id VARCHAR NOT NULL, event VARCHAR NOT NULL,"
              + " key VARCHAR NOT NULL, item VARCHAR NOT NULL, count BIGINT NOT NULL, kind VARCHAR NOT NULL);",
          // user_key (UserKey) follows the record's columns; rows stored before get it in SQL
          "ALTER TABLE events ADD COLUMN IF NOT EXISTS user_key BIGINT;\n"
              + "UPDATE events SET user_key = "
              + UserKey.SQL
              + " WHERE coalesce(user_id, anonymous_id) IS NOT NULL");

  private static final Logger LOG = LoggerFactory.getLogger(DuckDbWarehouse.class);
  private static final int READERS = 4;
  private static final int SANDBOX_READERS = 4;
  private static final ScheduledExecutorService CANCELLER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("query-timeout").daemon(true).unstarted(r));

  /**
   * Runs every query. A DuckDB call is native code, which pins a virtual thread to its carrier for
   * as long as the query runs; a few long queries on request threads would stall every other
   * request. On these platform threads a query blocks only itself; the request thread parks. Their
   * stacks are 16 MB: DuckDB's binder recurses once per level of nesting, and on the default 1 MB
   * stack a query nested a few hundred levels deep (abs(abs(…)), 500 joins) overflows it and kills
   * the process before DuckDB's own limit of 1000 levels answers with an error; from 4 MB up the
   * limit answers.
   */
  private static final ExecutorService RUNNER =
      Executors.newCachedThreadPool(
          Thread.ofPlatform()
              .name("warehouse-query-", 0)
              .daemon(true)
              .stackSize(16L << 20)
              .factory());

  /** How long past its time limit a caller waits for a query DuckDB cannot interrupt (planning). */
  private static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

  /** DuckDB's error types for a value it cannot store: the row's fault, not the warehouse's. */
  private static final Pattern DATA_ERROR =
      Pattern.compile("(Conversion|Invalid Input|Constraint|Out of Range|Mismatch Type) Error");

  /**
   * Rows in one DuckDB row group, the unit the database file stores and compresses columns in, and
   * the loader's largest batch: the loader's batches end where one fills ({@link
   * #preferredBatchRows}), the warehouse checkpoints there ({@link #checkpointWhereRowGroupsFill}),
   * and a batch of a whole row group goes straight to the database file instead of the WAL.
   */
  public static final int ROW_GROUP_ROWS = 122_880;

  /**
   * The WAL size at which DuckDB checkpoints by itself: only a safety net, as the loader
   * checkpoints every {@link #ROW_GROUP_ROWS} rows, well before (~80 MB of WAL for events of ~600
   * bytes).
   */
  private static final String CHECKPOINT_THRESHOLD = "1GB";

  private final Path file;
  private final Connection writer;
  private final Connection reader;
  private final Pool readers;
  private final Pool sandbox;
  private final AtomicInteger running = new AtomicInteger();
  private final Catalog catalog = new Catalog();
  private final RowFeed feed = new RowFeed();

  /** Used by the loader only, under the writer's lock. */
  private final UserKey userKey = new UserKey();

  /** DuckDB's thread count when the loader is not busy (its default: one per core). */
  private final int queryThreads;

  /** Its thread count while the loader is busy: see {@link #adaptThreads}. */
  private final int loadThreads;

  /** The thread count set now; changed by the loader only, under the writer's lock. */
  private int threads;

  /**
   * Rows loaded into events since the last checkpoint: written by the loader under the writer's
   * lock. DuckDB checkpoints the WAL when it opens a database, so this starts at 0.
   */
  private volatile int rowsSinceCheckpoint;

  private DuckDbWarehouse(
      Path file,
      Connection writer,
      Connection reader,
      List<Connection> readers,
      List<Connection> sandbox) {
    this.file = file;
    this.writer = writer;
    this.reader = reader;
    this.readers = new Pool("query", readers);
    this.sandbox = new Pool("SQL", sandbox);
    this.queryThreads = currentThreads(writer);
    this.loadThreads = Math.max(1, queryThreads / 2);
    this.threads = queryThreads;
  }

  private static int currentThreads(Connection c) {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('threads')")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new WarehouseException("cannot read the thread count: " + e.getMessage(), e, false);
    }
  }

  /** Connections lent to one query at a time. */
  private final class Pool {
    final String name;
    final int size;
    final BlockingQueue<Connection> free;

    Pool(String name, List<Connection> connections) {
      this.name = name;
      this.size = connections.size();
      this.free = new ArrayBlockingQueue<>(Math.max(1, size), false, connections);
    }

    Connection take(Duration timeout) {
      Connection c;
      try {
        c = free.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WarehouseException(
            "interrupted while waiting for a " + name + " connection", e, true);
      }
      if (c == null) {
        throw new QueryTimeoutException(
            "all "
                + size
                + " "
                + name
                + " connections stayed busy for "
                + timeout.toMillis()
                + " ms; try again later",
            null);
      }
      return c;
    }

    /**
     * Returns {@code c}, or a fresh connection in its place when {@code c} is in an unknown state.
     */
    void give(Connection c, boolean healthy) {
      if (!healthy && c != writer) {
        try {
          Connection fresh = ((DuckDBConnection) writer).duplicate();
          closeQuietly(c);
          c = fresh;
        } catch (SQLException e) {
          // keep the old one: its next query fails and tries again
        }
      }
      free.add(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // replaced anyway
    }
  }

  /** Opens the warehouse for loading and querying, creating and migrating it when needed. */
  public static DuckDbWarehouse open(Path file, String memoryLimit) {
    requireNonNull(file, "file is null");
    try {
      Connection writer =
          DriverManager.getConnection(
              "jdbc:duckdb:" + file.toAbsolutePath(), connectionProperties());
      removeLibraryCopy();
      try (Statement st = writer.createStatement()) {
        st.execute("SET memory_limit = '" + memoryLimit.replace("'", "") + "'");
        st.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
      }
      migrate(writer);
      lockDown(writer);
      Connection reader = ((DuckDBConnection) writer).duplicate();
      List<Connection> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        readers.add(((DuckDBConnection) writer).duplicate());
      }
      List<Connection> sandbox = new ArrayList<>();
      for (int i = 0; i < SANDBOX_READERS; i++) {
        sandbox.add(((DuckDBConnection) writer).duplicate());
      }
      DuckDbWarehouse w = new DuckDbWarehouse(file, writer, reader, readers, sandbox);
      w.restoreCatalog();
      return w;
    } catch (SQLException e) {
      throw openFailure(file, e);
    }
  }

  /**
   * Whether the driver's temporary copy of its native library is gone ({@link
   * LoadedLibraryCopies}).
   */
  private static final AtomicBoolean LIBRARY_COPY_REMOVED = new AtomicBoolean();

  /** Once the driver has loaded its library (at the first connection), its copy on disk can go. */
  private static void removeLibraryCopy() {
    if (LIBRARY_COPY_REMOVED.compareAndSet(false, true)) {
      LoadedLibraryCopies.unlink("libduckdb_java");
    }
  }

  /**
   * Opens the file read-only, for the {@code sql} command. Fails with {@link
   * WarehouseLockedException} when another process (a running server) holds it.
   */
  public static DuckDbWarehouse openReadOnly(Path file) {
    Properties props = connectionProperties();
    props.setProperty("duckdb.read_only", "true");
    try {
      Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), props);
      removeLibraryCopy();
      return new DuckDbWarehouse(file, c, c, List.of(c), List.of(c));
    } catch (SQLException e) {
      throw openFailure(file, e);
    }
  }

  /**
   * Streamed results: a query computes rows as they are read, so a read capped at {@code maxRows}
   * stops the query there instead of first materialising every row. Connections duplicated from the
   * first one inherit it.
   */
  private static Properties connectionProperties() {
    Properties props = new Properties();
    props.setProperty("jdbc_stream_results", "true");
    return props;
  }

  private static RuntimeException openFailure(Path file, SQLException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("lock")) {
      return new WarehouseLockedException(
          "the warehouse "
              + file
              + " is held by another process (is a Causality server running"
              + " on this data dir?): "
              + msg.lines().findFirst().orElse(msg),
          e);
    }
    return new WarehouseException("cannot open warehouse " + file + ": " + msg, e, false);
  }

  /**
   * Closes the database to everything but its own file, for every connection: no file reading or
   * writing (read_csv, COPY, EXPORT), no ATTACH of another file, no INSTALL or LOAD of an extension
   * that is not loaded yet. DuckDB refuses to turn external access back on while the database is
   * open, and keeps the setting per database instance, in memory: it covers the connections
   * duplicated before and after, and is set again at every open. Spilling to the temporary
   * directory and the database's own WAL and checkpoints are not file access in this sense and keep
   * working. The configuration is not locked ({@code lock_configuration}), because the loader
   * changes the thread count ({@link #adaptThreads}); no SQL from outside can change a setting
   * either way, as {@link dev.causality.query.SqlSandbox} lets only SELECT statements through.
   */
  private static void lockDown(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET enable_external_access = false");
    }
  }

  private static void migrate(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at"
              + " TIMESTAMP NOT NULL)");
      int current;
      try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
        rs.next();
        current = rs.getInt(1);
      }
      for (int v = current; v < MIGRATIONS.size(); v++) {
        long start = System.nanoTime();
        c.setAutoCommit(false);
        try {
          for (String sql : MIGRATIONS.get(v).split(";\n")) {
            st.execute(sql);
          }
          st.execute("INSERT INTO schema_version VALUES (" + (v + 1) + ", now())");
          c.commit();
          if (current > 0) { // a new warehouse is not news; an upgrade of a large one takes a while
            LOG.info(
                "warehouse schema migrated to version {} in {} ms",
                v + 1,
                (System.nanoTime() - start) / 1_000_000);
          }
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
    }
  }

  @Override
  public long loadedPosition() {
    synchronized (writer) {
      try (Statement st = writer.createStatement();
          ResultSet rs = st.executeQuery("SELECT log_position FROM load_state WHERE id = 1")) {
        return rs.next() ? rs.getLong(1) : 0L;
      } catch (SQLException e) {
        throw new WarehouseException("cannot read the loaded position: " + e.getMessage(), e, true);
      }
    }
  }

  @Override
  public void load(List<Event> rows, List<DeadLetter> deadLetters, long nextPosition) {
    load(
        new Batch() {
          @Override
          public void rows(java.util.function.Consumer<EventRecord> sink) {
            for (Event e : rows) {
              sink.accept(EventRecord.of(e));
            }
          }

          @Override
          public List<DeadLetter> deadLetters() {
            return deadLetters;
          }

          @Override
          public long nextPosition() {
            return nextPosition;
          }
        });
  }

  @Override
  public void load(Batch batch) {
    synchronized (writer) {
      Catalog counted = new Catalog();
      int[] rowCount = {0};
      try (Statement tx = writer.createStatement()) {
        tx.execute("BEGIN TRANSACTION");
        try {
          // a statement first, so that the Appender below joins this transaction (DEVELOPMENT.md)
          tx.execute("UPDATE load_state SET updated_at = now() WHERE id = 1");
          try (DuckDBAppender appender =
              ((DuckDBConnection) writer).createAppender("main", "events")) {
            // the batch's rows are produced and counted on the feeding thread, appended here
            feed.run(
                batch,
                counted::count,
                row -> {
                  appendRow(appender, row);
                  rowCount[0]++;
                });
            appender.flush();
          }
          List<DeadLetter> deadLetters = batch.deadLetters();
          long nextPosition = batch.nextPosition();
          try (PreparedStatement ps =
              writer.prepareStatement(
                  "UPDATE load_state SET log_position = ?, updated_at = now() WHERE id = 1")) {
            ps.setLong(1, nextPosition);
            ps.execute();
          }
          List<Catalog.Row> catalogDelta = catalog.deltaOf(counted);
          if (!catalogDelta.isEmpty()) {
            try (DuckDBAppender appender =
                ((DuckDBConnection) writer).createAppender("main", "catalog_increments")) {
              for (Catalog.Row r : catalogDelta) {
                appender
                    .beginRow()
                    .append(r.appId())
                    .append(r.event())
                    .append(r.key())
                    .append(r.item())
                    .append(r.count())
                    .append(r.kind())
                    .endRow();
              }
              appender.flush();
            }
          }
          if (!deadLetters.isEmpty()) {
            try (PreparedStatement ps =
                writer.prepareStatement(
                    "INSERT INTO dead_letters VALUES (?, ?, ?, make_timestamp(?))")) {
              for (DeadLetter d : deadLetters) {
                ps.setLong(1, d.position());
                ps.setString(2, d.error());
                ps.setString(3, d.payload());
                ps.setLong(4, d.failedAtMicros());
                ps.execute();
              }
            }
          }
          tx.execute("COMMIT");
          catalog.apply(catalogDelta);
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(tx);
          throw e;
        }
        checkpointWhereRowGroupsFill(tx, rowCount[0]);
        adaptThreads(tx, rowCount[0]);
      } catch (SQLException e) {
        throw new WarehouseException(
            "cannot load " + rowCount[0] + " events: " + e.getMessage(), e, !isDataError(e));
      }
    }
  }

  @Override
  public int preferredBatchRows() {
    int left = ROW_GROUP_ROWS - rowsSinceCheckpoint;
    return left > 0 ? left : ROW_GROUP_ROWS;
  }

  /**
   * Checkpoints once the events committed since the last checkpoint fill a row group, which the
   * loader's batches end at ({@link #preferredBatchRows}). DuckDB's own rule, a checkpoint whenever
   * the WAL passes 16 MB (~25,000 events), compresses the row group being filled again at every
   * checkpoint and merges the small row groups each one leaves: about three times the compression
   * work per row, and 23 instead of 12 µs of CPU per row in all when 5,000-row transactions are
   * appended (docs/benchmarks.md). A checkpoint runs alongside queries (they keep reading what they
   * started with). The batch is committed: a failure here is logged and the next load tries again.
   */
  private void checkpointWhereRowGroupsFill(Statement st, int rows) {
    int since = rowsSinceCheckpoint + rows;
    rowsSinceCheckpoint = since;
    if (since < ROW_GROUP_ROWS) {
      return;
    }
    long start = System.nanoTime();
    try {
      st.execute("CHECKPOINT");
      rowsSinceCheckpoint = 0;
      LOG.debug(
          "warehouse checkpoint of {} rows in {} ms",
          since,
          (System.nanoTime() - start) / 1_000_000);
    } catch (SQLException e) {
      if (since - rows < ROW_GROUP_ROWS) { // the first attempt: a lasting failure is logged once
        LOG.warn("cannot checkpoint the warehouse; the next load tries again: {}", e.getMessage());
      }
    }
  }

  /** Rows loaded since the last checkpoint: for tests. */
  int rowsSinceCheckpoint() {
    return rowsSinceCheckpoint;
  }

  /**
   * Halves DuckDB's threads (one on two cores) while the loader is busy, and gives them back when
   * it is not. The Appender hands DuckDB every 2,048 rows as an INSERT of its own, and with more
   * than one thread each such INSERT is scheduled across threads whose coordination costs more CPU
   * than it saves: on two cores one thread loads the same rows with about a third less CPU in all
   * (docs/benchmarks.md), CPU the request path needs when both cores are busy. A batch of a full
   * Appender chunk or more means the loader is behind the log; a smaller one means it is not, and
   * queries get every thread back. The setting is global, so queries that run during a busy load
   * have fewer threads; changing it costs about half a millisecond.
   */
  private void adaptThreads(Statement st, int rows) {
    int wanted = rows >= BUSY_BATCH_ROWS ? loadThreads : queryThreads;
    if (wanted != threads) {
      try {
        st.execute("SET threads = " + wanted);
        threads = wanted;
      } catch (SQLException e) {
        // the batch is committed: a failure here must not look like a failed load (it would be
        // loaded again); the thread count only costs CPU, so keep the old one and say so
        LOG.warn("cannot set the warehouse's threads to {}: {}", wanted, e.getMessage());
      }
    }
  }

  /** The Appender's chunk: a batch this large or larger means the loader is busy. */
  private static final int BUSY_BATCH_ROWS = 2048;

  /** DuckDB's thread count now: for tests. */
  int threads() {
    synchronized (writer) {
      return currentThreads(writer);
    }
  }

  /**
   * Whether DuckDB refused the data itself (a value it cannot convert or store), so that trying
   * again cannot succeed. Anything else, a full disk or an I/O error above all ("Could not write
   * file ...: No space left on device"), is the warehouse's own condition and may pass.
   */
  static boolean isDataError(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && DATA_ERROR.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Statement tx) {
    try {
      tx.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // a failed COMMIT has already ended the transaction; the caller reports the original failure
    }
  }

  private void appendRow(DuckDBAppender a, EventRecord r) throws SQLException {
    a.beginRow();
    for (int c = 0; c < EventRecord.COLUMNS; c++) {
      switch (COLUMN_KINDS[c]) {
        case TEXT, JSON -> {
          if (r.present(c)) {
            a.append(r.utf8(c)); // VARCHAR from UTF-8 bytes: no String in between
          } else {
            a.appendNull();
          }
        }
        case TIME -> a.appendEpochMicros(r.time(c));
        case INT -> {
          if (r.present(c)) {
            a.append(r.int32(c));
          } else {
            a.appendNull();
          }
        }
        case BOOL -> a.append(r.clamped());
      }
    }
    int actor = r.present(EventRecord.USER_ID) ? EventRecord.USER_ID : EventRecord.ANONYMOUS_ID;
    if (r.present(actor)) {
      a.append(userKey.of(r.array(), r.offset(actor), r.length(actor)));
    } else {
      a.appendNull();
    }
    a.endRow();
  }

  /** The kind of each column of {@code events}, in the order of {@link EventRecord}'s columns. */
  private static final EventColumns.Kind[] COLUMN_KINDS =
      EventColumns.ALL.stream().map(EventColumns.Column::kind).toArray(EventColumns.Kind[]::new);

  @Override
  public void recentEventIds(long sinceMicros, int limit, RecentId sink) {
    synchronized (writer) {
      try {
        // a day of events can be many times what the caller keeps; then only the newest, from the
        // received time that `limit` of them lie at or after (quantile_disc takes the value at
        // rank floor(q * (n - 1)) in ascending order): no sort, and no rows read to be dropped
        long since = sinceMicros;
        long n =
            scalar(
                writer,
                "SELECT count(*) FROM events WHERE received_at >= make_timestamp(?)",
                since);
        if (n > limit) {
          since =
              scalar(
                  writer,
                  "SELECT epoch_us(quantile_disc(received_at, ?)) FROM events"
                      + " WHERE received_at >= make_timestamp(?)",
                  (double) (n - limit) / (n - 1),
                  since);
        }
        // the hash in two 32-bit halves: a UBIGINT above 2^63 does not fit the driver's long
        try (PreparedStatement ps =
            writer.prepareStatement(
                "SELECT ('0x' || left(h, 8))::UBIGINT, ('0x' || substr(h, 9, 8))::UBIGINT, received"
                    + " FROM (SELECT sha256(app_id || chr(0) || event_id) AS h,"
                    + " epoch_us(received_at) AS received FROM events"
                    + " WHERE received_at >= make_timestamp(?))")) {
          ps.setLong(1, since);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sink.accept(rs.getLong(1) << 32 | rs.getLong(2), rs.getLong(3));
            }
          }
        }
      } catch (SQLException e) {
        throw new WarehouseException("cannot read recent event ids: " + e.getMessage(), e, true);
      }
    }
  }

  /** The first column of the first row of {@code sql} with {@code params}, as a long. */
  private static long scalar(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public long deadLetterCount() {
    return scalarLong("SELECT count(*) FROM dead_letters");
  }

  private long scalarLong(String sql) {
    synchronized (reader) {
      try {
        return scalar(reader, sql);
      } catch (SQLException e) {
        throw new WarehouseException(sql + ": " + e.getMessage(), e, true);
      }
    }
  }

  @Override
  public QueryResult query(String sql, List<Object> params, int maxRows, Duration timeout) {
    return run(readers, sql, params, maxRows, timeout, false);
  }

  @Override
  public QueryResult queryReadOnly(String sql, List<Object> params, int maxRows, Duration timeout) {
    return run(sandbox, sql, params, maxRows, timeout, true);
  }

  private QueryResult run(
      Pool pool, String sql, List<Object> params, int maxRows, Duration timeout, boolean readOnly) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Connection c = pool.take(timeout);
    Future<QueryResult> result;
    try {
      result =
          RUNNER.submit(() -> {
            boolean healthy = true;
            try {
              if (readOnly) {
                begin(c);
              }
              return execute(c, sql, params, maxRows, deadline, timeout, readOnly);
            } finally {
              if (readOnly) {
                healthy = rollback(c);
              }
              pool.give(c, healthy);
            }
          });
    } catch (RuntimeException e) {
      pool.give(c, true);
      throw e;
    }
    return await(result, deadline, timeout);
  }

  private static void begin(Connection c) {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN TRANSACTION READ ONLY");
    } catch (SQLException e) {
      throw new WarehouseException(
          "cannot begin a read-only transaction: " + e.getMessage(), e, true);
    }
  }

  /** Ends the read-only transaction; false when the connection's state is unknown. */
  private static boolean rollback(Connection c) {
    try (Statement st = c.createStatement()) {
      st.execute("ROLLBACK");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Waits for a query running on {@link #RUNNER}, rethrowing its failure as it was thrown there.
   * DuckDB cannot interrupt a statement while it is being planned; a caller still gets its timeout
   * shortly after the deadline, and the connection returns to its pool when the statement ends.
   */
  private static QueryResult await(Future<QueryResult> result, long deadline, Duration timeout) {
    try {
      return result.get(
          Math.max(0, deadline - System.nanoTime()) + CANCEL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new QueryTimeoutException(
          "the query ran longer than "
              + timeout.toMillis()
              + " ms and could not be cancelled yet; its connection stays busy until it ends",
          e);
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case RuntimeException r -> throw r;
        case Error r -> throw r;
        default ->
            throw new WarehouseException(
                String.valueOf(e.getCause().getMessage()), e.getCause(), false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // the query goes on until its time limit cancels it; then its connection returns to the pool
      throw new WarehouseException("interrupted while waiting for a query", e, true);
    }
  }

  private QueryResult execute(
      Connection c,
      String sql,
      List<Object> params,
      int maxRows,
      long deadline,
      Duration timeout,
      boolean plain) {
    AtomicBoolean timedOut = new AtomicBoolean();
    running.incrementAndGet();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      // refused before it runs: a statement that returns no rows (SET, RESET, INSERT, ...) has no
      // place here, and the configuration is not locked (lockDown)
      if (((DuckDBResultSetMetaData) st.getMetaData()).getReturnType()
          != StatementReturnType.QUERY_RESULT) {
        throw new WarehouseException(
            "only a statement that returns rows can run here, not: " + firstWord(sql), null, false);
      }
      for (int i = 0; i < params.size(); i++) {
        st.setObject(i + 1, params.get(i));
      }
      // cancel() waits while DuckDB is still planning, so it must not hold up the timer thread
      ScheduledFuture<?> cancel =
          CANCELLER.schedule(
              () ->
                  RUNNER.execute(() -> {
                    timedOut.set(true);
                    try {
                      st.cancel();
                    } catch (SQLException ignored) {
                      // the statement finished meanwhile
                    }
                  }),
              Math.max(0, deadline - System.nanoTime()),
              TimeUnit.NANOSECONDS);
      try (ResultSet rs = st.executeQuery()) {
        return read(rs, maxRows, plain);
      } finally {
        cancel.cancel(false);
      }
    } catch (SQLException e) {
      if (timedOut.get()) {
        throw new QueryTimeoutException(
            "the query ran longer than " + timeout.toMillis() + " ms and was cancelled", e);
      }
      throw new WarehouseException(String.valueOf(e.getMessage()), e, false);
    } finally {
      running.decrementAndGet();
    }
  }

  private static String firstWord(String sql) {
    String t = sql.strip();
    int end = 0;
    while (end < t.length() && end < 40 && Character.isLetter(t.charAt(end))) {
      end++;
    }
    return t.substring(0, end).toUpperCase(Locale.ROOT);
  }

  /** Queries executing right now (not those waiting for a connection). */
  public int queriesRunning() {
    return running.get();
  }

  private static QueryResult read(ResultSet rs, int maxRows, boolean plain) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> columns = new ArrayList<>(n);
    List<String> types = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      columns.add(md.getColumnLabel(i));
      types.add(md.getColumnTypeName(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    boolean truncated = false;
    while (rs.next()) {
      if (rows.size() == maxRows) {
        truncated = true;
        break;
      }
      List<Object> row = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        if (!plain) {
          row.add(rs.getObject(i));
        } else if (md.getColumnType(i) == java.sql.Types.TIMESTAMP) {
          // not through java.sql.Timestamp, which moves times in a DST gap of the JVM's time zone
          row.add(plain(rs.getObject(i, LocalDateTime.class)));
        } else {
          row.add(plain(rs.getObject(i)));
        }
      }
      rows.add(row);
    }
    return new QueryResult(columns, types, rows, truncated);
  }

  private static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .toFormatter();

  /**
   * A value as null, Boolean, Number, String, List or Map, as {@link #queryReadOnly} promises:
   * timestamps as DuckDB prints them, JSON as its text, lists and structs as lists and maps,
   * non-finite floating point numbers and everything else as text.
   */
  static Object plain(Object v) throws SQLException {
    return switch (v) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Double d -> d.isNaN() || d.isInfinite() ? d.toString() : d;
      case Float f -> f.isNaN() || f.isInfinite() ? f.toString() : f;
      case Number x -> x;
      case java.sql.Timestamp t -> TIMESTAMP.format(t.toLocalDateTime());
      case LocalDateTime t -> TIMESTAMP.format(t);
      case java.sql.Array a -> {
        List<Object> out = new ArrayList<>();
        for (Object e : (Object[]) a.getArray()) {
          out.add(plain(e));
        }
        yield out;
      }
      case DuckDBStruct s -> plain(s.getMap());
      case Map<?, ?> m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          out.put(String.valueOf(e.getKey()), plain(e.getValue()));
        }
        yield out;
      }
      case java.sql.Blob b -> blob(b.getBytes(1, (int) b.length()));
      default -> v.toString();
    };
  }

  /** Bytes as DuckDB prints a BLOB: printable ASCII as is, the rest as {@code \xNN}. */
  private static String blob(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  @Override
  public List<Table> describe() {
    QueryResult r =
        query(
            "SELECT table_name, column_name, data_type FROM duckdb_columns()"
                + " WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name, column_index",
            List.of(),
            100_000,
            Duration.ofSeconds(30));
    Map<String, List<Column>> tables = new LinkedHashMap<>();
    for (List<Object> row : r.rows()) {
      tables
          .computeIfAbsent((String) row.get(0), t -> new ArrayList<>())
          .add(new Column((String) row.get(1), (String) row.get(2)));
    }
    return tables.entrySet().stream().map(e -> new Table(e.getKey(), e.getValue())).toList();
  }

  /** What the stored events look like, kept current by every load. */
  public Catalog catalog() {
    return catalog;
  }

  /**
   * Rebuilds the catalog from its stored increments (written in each load's transaction, so they
   * match the rows exactly) and compacts them into one row per item.
   */
  private void restoreCatalog() throws SQLException {
    String aggregate =
        "SELECT app_id, event, '' AS key, max(item::BIGINT)::VARCHAR AS item, sum(count)::BIGINT, 'event' FROM catalog_increments"
            + " WHERE kind = 'event' GROUP BY ALL UNION ALL "
            + "SELECT app_id, event, key, max(item), sum(count)::BIGINT, 'key' FROM catalog_increments WHERE kind = 'key' GROUP BY ALL UNION ALL "
            + "SELECT app_id, event, key, item, sum(count)::BIGINT, kind FROM catalog_increments WHERE kind IN ('type', 'value') GROUP BY ALL";
    List<Catalog.Row> rows = new ArrayList<>();
    synchronized (writer) {
      try (Statement st = writer.createStatement();
          ResultSet rs = st.executeQuery(aggregate)) {
        while (rs.next()) {
          rows.add(
              new Catalog.Row(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getLong(5),
                  rs.getString(6)));
        }
      }
      catalog.apply(rows);
      writer.setAutoCommit(false);
      try (Statement st = writer.createStatement()) {
        st.execute("CREATE TEMP TABLE catalog_compacted AS " + aggregate);
        st.execute("DELETE FROM catalog_increments");
        st.execute("INSERT INTO catalog_increments SELECT * FROM catalog_compacted");
        st.execute("DROP TABLE catalog_compacted");
        writer.commit();
      } catch (SQLException e) {
        writer.rollback();
        throw e;
      } finally {
        writer.setAutoCommit(true);
      }
    }
  }

  public Path file() {
    return file;
  }

  /**
   * A new connection to this warehouse, for work that runs its own statements and transactions (the
   * telemetry migrations and rollups); the caller closes it. It shares the locked-down
   * configuration: no SET, no file access.
   */
  public Connection newConnection() {
    try {
      return ((DuckDBConnection) writer).duplicate();
    } catch (SQLException e) {
      throw new WarehouseException(
          "cannot open a connection to " + file + ": " + e.getMessage(), e, true);
    }
  }

  @Override
  public void close() {
    feed.close();
    try {
      for (Pool pool : List.of(readers, sandbox)) {
        for (Connection c : pool.free) {
          if (c != writer) {
            c.close();
          }
        }
      }
      if (reader != writer) {
        reader.close();
      }
      writer.close();
    } catch (SQLException e) {
      throw new WarehouseException(
          "cannot close warehouse " + file + ": " + e.getMessage(), e, false);
    }
  }
}
