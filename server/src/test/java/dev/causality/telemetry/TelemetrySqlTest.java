package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SQL that cannot run here (TimescaleDB) kept equal to what runs, and the URL forms. */
class TelemetrySqlTest {
  static String resource(String path) throws IOException {
    try (InputStream in = TelemetrySqlTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void timescaleContinuousAggregatesAreTheRollupsGroupBys() throws IOException {
    String sql = resource("db/telemetry/timescaledb/post/V1__continuous_aggregates.sql");
    for (Rollup r : Rollup.values()) {
      assertThat(sql)
          .contains("CREATE MATERIALIZED VIEW IF NOT EXISTS " + r.table + "\n")
          .contains(r.select(Dialect.TIMESCALEDB, "TRUE") + "\nWITH NO DATA;")
          .contains(
              "add_continuous_aggregate_policy('"
                  + r.table
                  + "', start_offset => INTERVAL '3 days'");
    }
    assertThat(resource("db/telemetry/timescaledb/pre/V1__analytics_events_and_policies.sql"))
        .contains(
            "create_hypertable('analytics_events', 'timestamp', chunk_time_interval => INTERVAL '1 day'")
        .contains("add_compression_policy('analytics_events', INTERVAL '7 days'")
        .contains("add_retention_policy('analytics_events', INTERVAL '90 days'");
  }

  @Test
  void everyRollupTableHasItsColumnsInOrder() throws IOException {
    for (String dialect : new String[] {"duckdb", "postgresql"}) {
      String sql = resource("db/telemetry/" + dialect + "/post/V1__rollups.sql");
      for (Rollup r : Rollup.values()) {
        int at = sql.indexOf("CREATE TABLE IF NOT EXISTS " + r.table + " (");
        assertThat(at).as(dialect + " " + r.table).isNotNegative();
        String ddl = sql.substring(at, sql.indexOf(");", at));
        int last = -1;
        for (String c : r.columns()) {
          int i = ddl.indexOf(" " + c + " ");
          assertThat(i)
              .as(dialect + " " + r.table + "." + c + " after the previous column")
              .isGreaterThan(last);
          last = i;
        }
      }
    }
  }

  @Test
  void databaseUrlsInEveryForm() {
    PostgresDatabase a =
        PostgresDatabase.parse(
            "DATABASE_URL", "postgres://app:p%40ss@db.internal:6432/analytics?sslmode=require");
    assertThat(a.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:6432/analytics?sslmode=require");
    assertThat(a.user()).contains("app");
    assertThat(a.password()).contains("p@ss");
    assertThat(a.toString()).doesNotContain("p@ss");
    PostgresDatabase b = PostgresDatabase.parse("DATABASE_URL", "postgresql://localhost/test");
    assertThat(b.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/test");
    assertThat(b.user()).isEmpty();
    PostgresDatabase c =
        PostgresDatabase.parse("DATABASE_URL", "jdbc:postgresql://h:5432/x?user=u&password=secret");
    assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/x?user=u&password=secret");
    assertThatThrownBy(
            () -> PostgresDatabase.parse("PLATFORM_DATABASE_URL", "mysql://u:secret@h/db"))
        .hasMessageContaining("PLATFORM_DATABASE_URL must be a PostgreSQL URL")
        .hasMessageNotContaining("secret");
    assertThat(PostgresDatabase.fromEnvironment(Map.of("PLATFORM_DATABASE_URL", "postgres://h/p")))
        .get()
        .extracting(PostgresDatabase::jdbcUrl)
        .isEqualTo("jdbc:postgresql://h/p");
    assertThat(
            PostgresDatabase.fromEnvironment(
                Map.of(
                    "DATABASE_URL", "postgres://h/d", "PLATFORM_DATABASE_URL", "postgres://h/p")))
        .get()
        .extracting(PostgresDatabase::jdbcUrl)
        .isEqualTo("jdbc:postgresql://h/d");
    assertThat(PostgresDatabase.fromEnvironment(Map.of())).isEmpty();
  }

  @Test
  void timesAreDaysOrInstants() {
    assertThat(TelemetryRoutes.time("from", "2026-11-20"))
        .isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
    assertThat(TelemetryRoutes.time("to", "2026-11-20T10:00:00+01:00"))
        .isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
    assertThatThrownBy(() -> TelemetryRoutes.time("to", "noon"))
        .isInstanceOfSatisfying(
            TelemetryException.class, e -> assertThat(e.field()).isEqualTo("to"));
    assertThat(Dialect.Bucket.HOUR.ceil(Instant.parse("2026-11-20T10:00:01Z")))
        .isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
    assertThat(Dialect.Bucket.DAY.ceil(Instant.parse("2026-11-20T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
    assertThat(Optional.of(Dialect.POSTGRESQL.literal(Instant.parse("2026-11-20T10:00:00Z"))))
        .contains("TIMESTAMPTZ '2026-11-20 10:00:00.000000+00'");
  }
}
