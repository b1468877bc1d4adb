package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code causality migrate …} as a person runs it, on a DuckDB data dir and on the local
 * PostgreSQL.
 */
class MigrateCommandIT {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run migrate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "migrate";
    System.arraycopy(args, 0, all, 1, args.length);
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            all);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void onTheWarehouseOfTheDataDir() {
    String d = dir.resolve("data").toString();
    Run missing = migrate("status", "--data-dir", d);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no warehouse at").contains("migrate all");

    Run pre = migrate("pre", "--data-dir", d);
    assertThat(pre.code()).as(pre.err()).isZero();
    assertThat(pre.out())
        .contains("Applied 2 telemetry migrations (pre)")
        .contains("(duckdb)")
        .contains("2 applied, 1 pending");

    Run status = migrate("status", "--data-dir", d);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out())
        .containsPattern(
            "pre\\s+\\|?\\s*1\\s+\\|?\\s*analytics events and policies\\s+\\|?\\s*applied")
        .containsPattern("pre\\s+\\|?\\s*2\\s+\\|?\\s*retention policy\\s+\\|?\\s*applied")
        .containsPattern("post\\s+\\|?\\s*1\\s+\\|?\\s*rollups\\s+\\|?\\s*pending")
        .contains("2 applied, 1 pending");

    Run dry = migrate("dry-run", "--data-dir", d);
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("1 would run; nothing was changed")
        .contains("-- post V1 rollups (db/telemetry/duckdb/post/V1__rollups.sql)")
        .contains("CREATE TABLE IF NOT EXISTS telemetry_api_latency_hourly")
        .doesNotContain("CREATE OR REPLACE VIEW analytics_events");
    assertThat(migrate("status", "--data-dir", d).out())
        .as("dry-run changed nothing")
        .contains("2 applied, 1 pending");

    Run all = migrate("all", "--data-dir", d);
    assertThat(all.out())
        .contains("Applied 1 telemetry migration (all)")
        .contains("3 applied, 0 pending");
    Run again = migrate("all", "--data-dir", d);
    assertThat(again.code()).isZero();
    assertThat(again.out())
        .contains("Applied 0 telemetry migrations (all)")
        .contains("3 applied, 0 pending");
    assertThat(migrate("dry-run", "--data-dir", d).out()).contains("0 would run");
  }

  @Test
  void refusesAnUnknownActionAndABadUrl() {
    Run bad = migrate("sideways", "--data-dir", dir.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("ACTION must be one of all, status, dry-run, pre, post");
    Run url = migrate("status", "--database-url", "mysql://u:secret@h/db");
    assertThat(url.code()).isEqualTo(1);
    assertThat(url.err())
        .contains("DATABASE_URL must be a PostgreSQL URL")
        .contains("u:***@")
        .doesNotContain("secret");
  }

  @Test
  void onPostgresqlFromAPostgresUrl() throws Exception {
    String name =
        "causality_test_cli_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    String admin = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    try (Connection c = DriverManager.getConnection(admin);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    try {
      String url = "postgres://postgres@127.0.0.1:5432/" + name;
      Run dry = migrate("dry-run", "--database-url", url);
      assertThat(dry.code()).as(dry.err()).isZero();
      assertThat(dry.out())
          .contains("(postgresql): 2 would run")
          .contains("-- pre V1 analytics events and policies")
          .contains("PARTITION BY RANGE (\"timestamp\")")
          .contains("-- post V1 rollups")
          .doesNotContain("as postgres:");

      Run all = migrate("all", "--database-url", url);
      assertThat(all.code()).as(all.err()).isZero();
      assertThat(all.out())
          .contains("Applied 2 telemetry migrations (all)")
          .contains("2 applied, 0 pending");
      Run again = migrate("all", "--database-url", url);
      assertThat(again.out()).contains("Applied 0 telemetry migrations (all)");
      Run status = migrate("status", "--database-url", url);
      assertThat(status.out())
          .contains("2 applied, 0 pending")
          .containsPattern("post\\s+\\|?\\s*1\\s+\\|?\\s*rollups\\s+\\|?\\s*applied");

      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM pg_class WHERE relname LIKE 'telemetry\\_%' AND relkind IN ('r', 'p')")) {
        rs.next();
        // 7 rollups, their state, the policies, 2 history tables
        assertThat(rs.getInt(1)).isEqualTo(11);
      }
    } finally {
      try (Connection c = DriverManager.getConnection(admin);
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  @Test
  void saysWhenARunningServerHoldsTheWarehouse() throws Exception {
    Path data = dir.resolve("held");
    Files.createDirectories(data);
    try (ServerProcess server = ServerProcess.start(data, Map.of())) {
      Run held = migrate("all", "--data-dir", data.toString());
      assertThat(held.code()).isEqualTo(3);
      assertThat(held.err())
          .contains("A running server holds the warehouse")
          .contains("applies these migrations itself");
    }
  }
}
