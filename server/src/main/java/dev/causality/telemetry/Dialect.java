package dev.causality.telemetry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Where the telemetry lives, with the SQL that differs between the engines: the embedded DuckDB
 * warehouse (events read through the {@code analytics_events} view), plain PostgreSQL (daily
 * partitions, rollups as tables refreshed by the worker) and PostgreSQL with TimescaleDB
 * (hypertable, continuous aggregates refreshed by TimescaleDB's own policies).
 */
public enum Dialect {
  DUCKDB("duckdb"),
  POSTGRESQL("postgresql"),
  TIMESCALEDB("timescaledb");

  private static final DateTimeFormatter LITERAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  private final String id;

  Dialect(String id) {
    this.id = id;
  }

  /** The name used in migration locations ({@code db/telemetry/<id>/pre}) and in output. */
  public String id() {
    return id;
  }

  /** The text of property {@code key} of the {@code properties} JSON column. */
  String text(String key) {
    return switch (this) {
      case DUCKDB -> "json_extract_string(properties, '$." + key + "')";
      case POSTGRESQL, TIMESCALEDB -> "(properties ->> '" + key + "')";
    };
  }

  /** Property {@code key} as a number; null when it is missing or not a number. */
  String number(String key) {
    return switch (this) {
      case DUCKDB -> "TRY_CAST(" + text(key) + " AS DOUBLE)";
      case POSTGRESQL, TIMESCALEDB ->
          "(CASE WHEN "
              + text(key)
              + " ~ '^\\s*-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?\\s*$' THEN CAST("
              + text(key)
              + " AS DOUBLE PRECISION) END)";
    };
  }

  /** The continuous percentile {@code p} (0–1) of {@code expr}. */
  String percentile(double p, String expr) {
    return switch (this) {
      case DUCKDB -> "quantile_cont(" + expr + ", " + p + ")";
      case POSTGRESQL, TIMESCALEDB ->
          "percentile_cont(" + p + ") WITHIN GROUP (ORDER BY " + expr + ")";
    };
  }

  /** The start of the UTC hour or day of {@code column}. */
  String bucket(Bucket unit, String column) {
    return switch (this) {
      case DUCKDB -> "date_trunc('" + unit.sql + "', " + column + ")";
      case POSTGRESQL -> "date_trunc('" + unit.sql + "', " + column + ", 'UTC')";
      case TIMESCALEDB -> "time_bucket(INTERVAL '1 " + unit.sql + "', " + column + ")";
    };
  }

  /** A timestamp literal of {@code t} (UTC); DuckDB stores UTC wall-clock times without a zone. */
  String literal(Instant t) {
    String text = LITERAL.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
    return switch (this) {
      case DUCKDB -> "TIMESTAMP '" + text + "'";
      case POSTGRESQL, TIMESCALEDB -> "TIMESTAMPTZ '" + text + "+00'";
    };
  }

  /** Column {@code i} of {@code rs}, a timestamp, as an instant; null stays null. */
  Instant instant(ResultSet rs, int i) throws SQLException {
    return switch (this) {
      case DUCKDB -> {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        yield t == null ? null : t.toInstant(ZoneOffset.UTC);
      }
      case POSTGRESQL, TIMESCALEDB -> {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        yield t == null ? null : t.toInstant();
      }
    };
  }

  /**
   * Whether rollups are tables that {@link Rollups#refresh()} computes (not TimescaleDB's own
   * aggregates).
   */
  boolean refreshedByWorker() {
    return this != TIMESCALEDB;
  }

  /** The size of a rollup's time buckets. */
  enum Bucket {
    HOUR("hour", java.time.temporal.ChronoUnit.HOURS),
    DAY("day", java.time.temporal.ChronoUnit.DAYS);

    final String sql;
    final java.time.temporal.ChronoUnit unit;

    Bucket(String sql, java.time.temporal.ChronoUnit unit) {
      this.sql = sql;
      this.unit = unit;
    }

    Instant floor(Instant t) {
      return t.truncatedTo(unit);
    }

    Instant ceil(Instant t) {
      Instant f = floor(t);
      return f.equals(t) ? t : f.plus(1, unit);
    }
  }
}
