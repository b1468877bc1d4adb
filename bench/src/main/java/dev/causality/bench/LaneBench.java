package dev.causality.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.duckdb.DuckDBConnection;

/**
 * Whether DuckDB appends faster on two connections than on one, outside Causality: the rows of
 * {@link CheckpointBench} appended by {@code lanes} threads, each on a connection of its own, in
 * transactions of {@code tx} rows, under the server's settings (one DuckDB thread, the server's
 * default memory limit, checkpoints only at the end). Prints wall time, rows/s and CPU per row of
 * the whole process (generating the rows included).
 *
 * <p>Usage: {@code LaneBench --rows 491520 --lanes 1,2 --tx 61440,122880 --memory 256MB --dir
 * /tmp/x}.
 */
public final class LaneBench {
  public static void main(String[] args) throws Exception {
    int rows = 491_520;
    String lanes = "1,2";
    String txs = "61440,122880";
    String memory = "256MB";
    Path dir = Files.createTempDirectory("lane-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[i + 1]);
        case "--lanes" -> lanes = args[i + 1];
        case "--tx" -> txs = args[i + 1];
        case "--memory" -> memory = args[i + 1];
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    System.out.printf(
        "%6s %8s %8s %10s %10s %10s %8s%n",
        "lanes", "tx rows", "rows", "append s", "rows/s", "µs CPU/row", "file MB");
    for (String tx : txs.split(",")) {
      for (String n : lanes.split(",")) {
        run(dir, rows, Integer.parseInt(n.trim()), Integer.parseInt(tx.trim()), memory);
      }
    }
  }

  private static void run(Path dir, int total, int lanes, int tx, String memory) throws Exception {
    Path file = dir.resolve("lanes-" + lanes + "-" + tx + ".duckdb");
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".wal"));
    try (Connection first = DriverManager.getConnection("jdbc:duckdb:" + file)) {
      try (Statement st = first.createStatement()) {
        st.execute("SET threads = 1"); // as the server's loader runs when busy
        st.execute("SET memory_limit = '" + memory.replace("'", "") + "'");
        st.execute("SET checkpoint_threshold = '1GB'");
        CheckpointBench.createTable(st);
      }
      long cpu0 = CheckpointBench.ProcessCpu.ticks();
      long t0 = System.nanoTime();
      ExecutorService threads = Executors.newFixedThreadPool(lanes);
      List<Future<?>> done = new ArrayList<>();
      for (int l = 0; l < lanes; l++) {
        int lane = l;
        done.add(
            threads.submit(() -> {
              try (Connection c = ((DuckDBConnection) first).duplicate();
                  Statement st = c.createStatement()) {
                Random r = new Random(lane);
                int mine = total / lanes;
                for (int at = 0; at < mine; ) {
                  int n = Math.min(tx, mine - at);
                  CheckpointBench.transaction(c, st, r, at, n);
                  at += n;
                }
              }
              return null;
            }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      threads.shutdown();
      double append = (System.nanoTime() - t0) / 1e9;
      try (Statement st = first.createStatement()) {
        st.execute("CHECKPOINT");
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = CheckpointBench.ProcessCpu.seconds(CheckpointBench.ProcessCpu.ticks() - cpu0);
      System.out.printf(
          Locale.ROOT,
          "%6d %8d %8d %10.2f %10.0f %10.1f %8d%n",
          lanes,
          tx,
          total,
          append,
          total / wall,
          cpu * 1e6 / total,
          Files.size(file) >> 20);
    }
  }

  private LaneBench() {}
}
