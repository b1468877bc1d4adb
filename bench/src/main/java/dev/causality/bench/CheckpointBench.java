package dev.causality.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * When DuckDB checkpoints, measured outside Causality: rows of an events-like table (45 columns,
 * ~600 bytes of strings and JSON per row) appended through the Appender in transactions of a given
 * size, with DuckDB's own rule (a checkpoint whenever the WAL passes 16 MB) against a checkpoint
 * exactly where each 122,880-row group fills (what {@code DuckDbWarehouse} does). Prints CPU per
 * row of the whole process, rows/s and the file size.
 *
 * <p>Usage: {@code CheckpointBench --rows 737280 --tx 1000,5000,20000,115000 --dir /tmp/x}.
 */
public final class CheckpointBench {
  private static final int ROW_GROUP = 122_880;

  public static void main(String[] args) throws Exception {
    int rows = 737_280;
    String txs = "1000,5000,20000,115000";
    Path dir = Files.createTempDirectory("checkpoint-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[i + 1]);
        case "--tx" -> txs = args[i + 1];
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    System.out.printf(
        "%-10s %8s %8s %10s %10s %8s %8s%n",
        "rule", "tx rows", "rows", "µs CPU/row", "rows/s", "ckpt s", "file MB");
    for (String tx : txs.split(",")) {
      for (boolean rowGroups : new boolean[] {false, true}) {
        run(dir, rows, Integer.parseInt(tx.trim()), rowGroups);
      }
    }
  }

  private static void run(Path dir, int total, int tx, boolean rowGroups) throws Exception {
    Path file = dir.resolve("bench-" + tx + "-" + rowGroups + ".duckdb");
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".wal"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement st = c.createStatement()) {
      st.execute("SET threads = 1"); // as the server's loader runs when busy
      createTable(st);
      if (rowGroups) {
        st.execute("SET checkpoint_threshold = '1GB'");
      }
      Random r = new Random(1);
      long cpu0 = ProcessCpu.ticks();
      long t0 = System.nanoTime();
      long checkpointNanos = 0;
      int done = 0;
      while (done < total) {
        int n = Math.min(tx, total - done);
        if (rowGroups) {
          n = Math.min(n, ROW_GROUP - done % ROW_GROUP);
        }
        transaction(c, st, r, done, n);
        done += n;
        if (rowGroups && done % ROW_GROUP == 0) {
          long s = System.nanoTime();
          st.execute("CHECKPOINT");
          checkpointNanos += System.nanoTime() - s;
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = ProcessCpu.seconds(ProcessCpu.ticks() - cpu0);
      System.out.printf(
          Locale.ROOT,
          "%-10s %8d %8d %10.1f %10.0f %8s %8d%n",
          rowGroups ? "row group" : "16 MB WAL",
          tx,
          total,
          cpu * 1e6 / total,
          total / wall,
          rowGroups ? String.format(Locale.ROOT, "%.1f", checkpointNanos / 1e9) : "-",
          Files.size(file) >> 20);
    }
  }

  /** The events-like table: 23 text columns, times, JSON, two integers, 12 unused. */
  static void createTable(Statement st) throws SQLException {
    String[] text = {
      "event_id", "app_id", "type", "event", "user_id", "anonymous_id", "session_id",
      "page_url", "page_path", "page_title", "referrer", "utm_source", "ip", "country",
      "device_type", "os", "os_version", "browser", "browser_version", "locale", "timezone",
      "library_name", "library_version"
    };
    StringBuilder ddl = new StringBuilder("CREATE TABLE events (");
    for (String t : text) {
      ddl.append(t).append(" VARCHAR, ");
    }
    ddl.append("ts TIMESTAMP, original_ts TIMESTAMP, sent_at TIMESTAMP, received_at TIMESTAMP,");
    ddl.append(" clamped BOOLEAN, properties JSON, traits JSON, context JSON,");
    ddl.append(" screen_width INTEGER, screen_height INTEGER");
    for (int i = 0; i < 12; i++) {
      ddl.append(", unused_").append(i).append(" VARCHAR");
    }
    st.execute(ddl.append(")").toString());
  }

  /**
   * Appends rows {@code first} to {@code first + n - 1} in one transaction through the Appender.
   */
  static void transaction(Connection c, Statement st, Random r, int first, int n)
      throws SQLException {
    st.execute("BEGIN TRANSACTION");
    st.execute("SELECT 1"); // so that the Appender joins the transaction
    try (DuckDBAppender a = ((DuckDBConnection) c).createAppender("main", "events")) {
      for (int i = 0; i < n; i++) {
        append(a, r, first + i);
      }
      a.flush();
    }
    st.execute("COMMIT");
  }

  /** One row of that table, ~600 bytes of strings and JSON. */
  static void append(DuckDBAppender a, Random r, int i) throws SQLException {
    int user = r.nextInt(10_000);
    long micros = 1_700_000_000_000_000L + i * 1000L;
    String page = "/p/" + r.nextInt(200);
    String ip = "10.0." + r.nextInt(255) + "." + r.nextInt(255);
    a.beginRow()
        .append(UUID.randomUUID().toString())
        .append("default")
        .append("track")
        .append("Event " + r.nextInt(30))
        .append("user-" + user)
        .append(UUID.randomUUID().toString())
        .append("s" + (user * 7 + i / 5000))
        .append("https://example.com" + page)
        .append(page)
        .append("Page " + r.nextInt(200))
        .append("https://google.com/")
        .append(r.nextBoolean() ? "google" : null)
        .append(ip)
        .append("US")
        .append("Desktop")
        .append("Mac OS")
        .append("10.15")
        .append("Chrome")
        .append("120")
        .append("en-US")
        .append("Europe/Berlin")
        .append("analytics.js")
        .append("5.2.0")
        .appendEpochMicros(micros)
        .appendEpochMicros(micros)
        .appendEpochMicros(micros)
        .appendEpochMicros(micros)
        .append(false)
        .append(
            "{\"plan\":\"pro\",\"amount\":"
                + r.nextInt(1000)
                + ",\"sku\":\"SKU-"
                + r.nextInt(500)
                + "\",\"currency\":\"USD\",\"items\":"
                + r.nextInt(9)
                + "}")
        .append((String) null)
        .append(
            "{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.2.0\"},\"ip\":\""
                + ip
                + "\",\"locale\":\"en-US\",\"page\":{\"path\":\""
                + page
                + "\"},\"userAgent\":\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)"
                + " AppleWebKit/537.36 Chrome/120.0."
                + r.nextInt(9999)
                + " Safari/537.36\"}")
        .append(1920)
        .append(1080);
    for (int k = 0; k < 12; k++) {
      a.append((String) null);
    }
    a.endRow();
  }

  /** The process's CPU time from /proc/self/stat (DuckDB's native threads included). */
  static final class ProcessCpu {
    private static final double HZ = 100.0;

    static long ticks() throws java.io.IOException {
      String s = Files.readString(Path.of("/proc/self/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double seconds(long ticks) {
      return ticks / HZ;
    }
  }

  private CheckpointBench() {}
}
