package dev.causality.telemetry;

import static java.util.Objects.requireNonNull;

import dev.causality.telemetry.Dialect.Bucket;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The telemetry rollups of one database: refreshes them, keeps the raw events' partitions and
 * retention, and answers reads that are always current.
 */
public final class Rollups {
  /*
   * Implementation note. A rollup table holds complete buckets only, up to its watermark (the start
   * of the current hour or day at the last refresh; kept in telemetry_rollup_state). A refresh
   * recomputes, in one transaction, every bucket from the start of its window (the last 3 days, or
   * from the old watermark if that is older) up to the new watermark: late events inside the window
   * are picked up, and a failed refresh changes nothing. A read takes the rollup's rows before the
   * watermark and the same GROUP BY over raw events from the watermark on; since the watermark is a
   * bucket boundary, no bucket comes from both sides. On TimescaleDB the continuous aggregates do
   * both (refresh policy and real-time aggregation), so a read is one SELECT of the view.
   */

  /** Defaults of the policies; the database's {@code telemetry_policies} table overrides them. */
  static final Duration DEFAULT_REFRESH_WINDOW = Duration.ofDays(3);

  static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
  static final Duration DEFAULT_PARTITIONS_AHEAD = Duration.ofDays(7);

  private final Dialect dialect;
  private final ConnectionSource connections;
  private final InstantSource clock;

  public Rollups(Dialect dialect, ConnectionSource connections, InstantSource clock) {
    this.dialect = requireNonNull(dialect, "dialect is null");
    this.connections = requireNonNull(connections, "connections is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * One rollup's refresh: buckets from {@code from} up to the new {@code watermark}, {@code rows}
   * written.
   */
  public record Refreshed(String rollup, Instant from, Instant watermark, long rows) {}

  /**
   * What {@link #maintain()} did: daily partitions created and dropped (PostgreSQL), raw events
   * deleted (the embedded warehouse).
   */
  public record Maintenance(int partitionsCreated, int partitionsDropped, long eventsDeleted) {}

  /**
   * A read of one rollup: buckets starting in [from, to) of one project, optionally one service.
   */
  public record Request(
      String rollup, Instant from, Instant to, String project, Optional<String> service) {
    public Request {
      requireNonNull(rollup, "rollup is null");
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
      requireNonNull(project, "project is null");
      requireNonNull(service, "service is null");
      if (!from.isBefore(to)) {
        throw TelemetryException.invalid(
            "from", "must be before to (" + from + " is not before " + to + ")");
      }
    }
  }

  /**
   * The rows of a read, each a map from column to value ({@code bucket} as an instant), and the
   * watermark up to which they came from the rollup table (empty when none was refreshed yet or on
   * TimescaleDB, where the database merges the tail itself).
   */
  public record Answer(
      String rollup,
      Instant from,
      Instant to,
      Optional<Instant> watermark,
      List<Map<String, Object>> rows) {}

  /**
   * Recomputes every rollup over its refresh window; a no-op on TimescaleDB (its policies do it).
   */
  public List<Refreshed> refresh() {
    if (!dialect.refreshedByWorker()) {
      return List.of();
    }
    List<Refreshed> out = new ArrayList<>();
    for (Rollup r : Rollup.values()) {
      out.add(refresh(r));
    }
    return out;
  }

  private Refreshed refresh(Rollup r) {
    Instant now = clock.instant();
    try (Connection c = connections.open()) {
      Policies p = policies(c);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        if (dialect == Dialect.POSTGRESQL) {
          // several servers may share the database: one refresh of a rollup at a time, the others
          // wait
          st.execute(
              "SELECT pg_advisory_xact_lock(hashtext('causality.telemetry." + r.apiName + "'))");
        }
        Optional<Instant> old = watermark(c, r);
        Instant watermark = r.bucket.floor(now);
        Instant from =
            old.isEmpty()
                ? Instant.EPOCH
                : max(
                    min(old.get(), r.bucket.floor(now.minus(p.refreshWindow))),
                    r.bucket.floor(now.minus(p.retention)));
        st.executeUpdate("DELETE FROM " + r.table + " WHERE bucket >= " + dialect.literal(from));
        long rows =
            st.executeUpdate(
                "INSERT INTO "
                    + r.table
                    + " ("
                    + String.join(", ", r.columns())
                    + ") "
                    + r.select(
                        dialect,
                        "\"timestamp\" >= "
                            + dialect.literal(from)
                            + " AND \"timestamp\" < "
                            + dialect.literal(watermark)));
        st.executeUpdate(
            "INSERT INTO telemetry_rollup_state (rollup, watermark, refreshed_at) VALUES ('"
                + r.apiName
                + "', "
                + dialect.literal(watermark)
                + ", "
                + dialect.literal(now)
                + ") ON CONFLICT (rollup) DO UPDATE SET"
                + " watermark = excluded.watermark, refreshed_at = excluded.refreshed_at");
        c.commit();
        return new Refreshed(r.apiName, from, watermark, rows);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw TelemetryException.database("refreshing rollup " + r.apiName, e);
    }
  }

  private Optional<Instant> watermark(Connection c, Rollup r) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT watermark FROM telemetry_rollup_state WHERE rollup = ?")) {
      ps.setString(1, r.apiName);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(dialect.instant(rs, 1)) : Optional.empty();
      }
    }
  }

  /** The policies in force: {@code telemetry_policies} rows over the defaults. */
  record Policies(Duration retention, Duration partitionsAhead, Duration refreshWindow) {}

  private Policies policies(Connection c) throws SQLException {
    Map<String, Duration> values = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name, CAST(extract(epoch FROM value) AS BIGINT) FROM telemetry_policies")) {
      while (rs.next()) {
        values.put(rs.getString(1), Duration.ofSeconds(rs.getLong(2)));
      }
    }
    return new Policies(
        values.getOrDefault("retention", DEFAULT_RETENTION),
        values.getOrDefault("partitions_ahead", DEFAULT_PARTITIONS_AHEAD),
        values.getOrDefault("refresh_window", DEFAULT_REFRESH_WINDOW));
  }

  /**
   * Keeps the raw events' retention (the {@code retention} policy, 90 days by default), counted in
   * whole UTC days as on PostgreSQL: on plain PostgreSQL it creates the daily partitions of {@code
   * analytics_events} from yesterday to the policy's days ahead and drops those past the retention
   * (rows older than it in the default partition too); on the embedded warehouse it deletes the
   * telemetry events ({@link Rollup#telemetryEvents()}) older than the retention, and no other
   * event (the warehouse's product analytics are not telemetry). TimescaleDB has its own chunks and
   * retention policy. Rollup rows are kept everywhere.
   */
  public Maintenance maintain() {
    return switch (dialect) {
      case POSTGRESQL -> maintainPartitions();
      case DUCKDB -> deleteExpiredEvents();
      case TIMESCALEDB -> new Maintenance(0, 0, 0);
    };
  }

  private Maintenance maintainPartitions() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    try (Connection c = connections.open()) {
      Policies p = policies(c);
      int created;
      int dropped;
      try (PreparedStatement ps = c.prepareStatement("SELECT telemetry_create_partitions(?, ?)")) {
        ps.setObject(1, today.minusDays(1));
        ps.setObject(2, today.plusDays(p.partitionsAhead.toDays()));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          created = rs.getInt(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT telemetry_drop_partitions(?)")) {
        ps.setObject(1, today.minusDays(p.retention.toDays()));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          dropped = rs.getInt(1);
        }
      }
      return new Maintenance(created, dropped, 0);
    } catch (SQLException e) {
      throw TelemetryException.database("maintaining the partitions of analytics_events", e);
    }
  }

  private Maintenance deleteExpiredEvents() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    try (Connection c = connections.open()) {
      Policies p = policies(c);
      Instant cutoff =
          today.minusDays(p.retention.toDays()).atStartOfDay(ZoneOffset.UTC).toInstant();
      // the view analytics_events cannot be deleted from; its rows are the warehouse's events table
      try (Statement st = c.createStatement()) {
        long deleted =
            st.executeUpdate(
                "DELETE FROM events WHERE \"timestamp\" < "
                    + dialect.literal(cutoff)
                    + " AND event IN ("
                    + String.join(
                        ", ", Rollup.telemetryEvents().stream().map(e -> "'" + e + "'").toList())
                    + ")");
        return new Maintenance(0, 0, deleted);
      }
    } catch (SQLException e) {
      throw TelemetryException.database("deleting telemetry events past the retention", e);
    }
  }

  /** Reads one rollup, the not yet refreshed tail included. */
  public Answer read(Request q) {
    Rollup r =
        Rollup.byApiName(q.rollup())
            .orElseThrow(() ->
                new TelemetryException(
                    404,
                    "unknown_rollup",
                    "rollup",
                    "no rollup '"
                        + q.rollup()
                        + "'; rollups: "
                        + String.join(", ", Rollup.apiNames()),
                    null));
    Instant from = r.bucket.floor(q.from());
    Instant to = r.bucket.ceil(q.to());
    try (Connection c = connections.open()) {
      Optional<Instant> watermark =
          dialect.refreshedByWorker() ? watermark(c, r) : Optional.empty();
      List<Object> params = new ArrayList<>();
      String sql =
          r == Rollup.DAILY_ACTIVE_USERS
              ? activeUsersSql(r, from, to, watermark, q, params)
              : rollupSql(r, from, to, watermark, q, params);
      List<Map<String, Object>> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.size(); i++) {
          ps.setObject(i + 1, params.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bucket", dialect.instant(rs, 1));
            for (int i = 2; i <= md.getColumnCount(); i++) {
              row.put(md.getColumnLabel(i), plain(rs.getObject(i)));
            }
            derive(r, row);
            rows.add(row);
          }
        }
      }
      return new Answer(r.apiName, from, to, watermark, rows);
    } catch (SQLException e) {
      throw TelemetryException.database("reading rollup " + r.apiName, e);
    }
  }

  /** The rollup table before the watermark, the raw events' GROUP BY from it on. */
  private String rollupSql(
      Rollup r,
      Instant from,
      Instant to,
      Optional<Instant> watermark,
      Request q,
      List<Object> params) {
    List<String> out = new ArrayList<>(r.columns());
    out.remove("app_id");
    String cols = String.join(", ", out);
    String order =
        String.join(", ", r.keyColumns().stream().filter(k -> !k.equals("app_id")).toList());
    StringBuilder stored =
        new StringBuilder("SELECT ")
            .append(cols)
            .append(" FROM ")
            .append(r.table)
            .append(" WHERE bucket >= ")
            .append(dialect.literal(from))
            .append(" AND bucket < ")
            .append(
                dialect.literal(dialect.refreshedByWorker() ? min(watermark.orElse(from), to) : to))
            .append(" AND app_id = ?");
    params.add(q.project());
    q.service()
        .ifPresent(s -> {
          stored.append(" AND service = ?");
          params.add(s);
        });
    if (!dialect.refreshedByWorker()) {
      return stored.append(" ORDER BY ").append(order).toString();
    }
    Instant liveFrom = max(watermark.orElse(from), from);
    StringBuilder where =
        new StringBuilder("\"timestamp\" >= ")
            .append(dialect.literal(liveFrom))
            .append(" AND \"timestamp\" < ")
            .append(dialect.literal(to))
            .append(" AND app_id = ?");
    params.add(q.project());
    q.service()
        .ifPresent(s -> {
          where.append(" AND ").append(Rollup.service(dialect)).append(" = ?");
          params.add(s);
        });
    return "SELECT "
        + cols
        + " FROM ("
        + stored
        + " UNION ALL SELECT "
        + cols
        + " FROM ("
        + r.select(dialect, where.toString())
        + ") live) u ORDER BY "
        + order;
  }

  /**
   * Daily, weekly and monthly active users of each day with activity in [from, to): distinct users
   * of the day, of the 7 and of the 30 days ending with it, from the per-day user rollup and the
   * tail.
   */
  private String activeUsersSql(
      Rollup r,
      Instant from,
      Instant to,
      Optional<Instant> watermark,
      Request q,
      List<Object> params) {
    Instant since = from.minus(Duration.ofDays(29));
    StringBuilder stored =
        new StringBuilder("SELECT bucket, user_key FROM ")
            .append(r.table)
            .append(" WHERE bucket >= ")
            .append(dialect.literal(since))
            .append(" AND bucket < ")
            .append(
                dialect.literal(
                    dialect.refreshedByWorker() ? min(watermark.orElse(since), to) : to))
            .append(" AND app_id = ?");
    params.add(q.project());
    q.service()
        .ifPresent(s -> {
          stored.append(" AND service = ?");
          params.add(s);
        });
    String users = stored.toString();
    if (dialect.refreshedByWorker()) {
      StringBuilder live =
          new StringBuilder("SELECT ")
              .append(dialect.bucket(Bucket.DAY, "\"timestamp\""))
              .append(" AS bucket, ")
              .append(Rollup.USER_KEY)
              .append(" AS user_key FROM analytics_events WHERE \"timestamp\" >= ")
              .append(dialect.literal(max(watermark.orElse(since), since)))
              .append(" AND \"timestamp\" < ")
              .append(dialect.literal(to))
              .append(" AND app_id = ? AND ")
              .append(Rollup.USER_KEY)
              .append(" IS NOT NULL");
      params.add(q.project());
      q.service()
          .ifPresent(s -> {
            live.append(" AND ").append(Rollup.service(dialect)).append(" = ?");
            params.add(s);
          });
      users = users + " UNION ALL " + live;
    }
    // A user counts towards WAU (MAU) of day d when active in (d - 7, d]: each active day a covers
    // [a, min(next active day, a + 7)), intervals that never overlap for one user. Counting them
    // is a running sum of +1 at the starts and -1 at the ends: linear, no day-by-day join.
    String week = "INTERVAL '7 days'";
    String month = "INTERVAL '30 days'";
    return "WITH ud AS (SELECT DISTINCT bucket, user_key FROM ("
        + users
        + ") x),"
        + " nx AS (SELECT bucket, lead(bucket) OVER (PARTITION BY user_key ORDER BY bucket) AS next_bucket FROM ud),"
        + " ev AS (SELECT bucket AS anchor, 1 AS d, 1 AS w, 1 AS m FROM nx"
        + " UNION ALL SELECT least(coalesce(next_bucket, bucket + "
        + week
        + "), bucket + "
        + week
        + "), 0, -1, 0 FROM nx"
        + " UNION ALL SELECT least(coalesce(next_bucket, bucket + "
        + month
        + "), bucket + "
        + month
        + "), 0, 0, -1 FROM nx),"
        + " per_day AS (SELECT anchor, sum(d) AS d, sum(w) AS w, sum(m) AS m FROM ev GROUP BY anchor),"
        + " running AS (SELECT anchor, d, sum(w) OVER (ORDER BY anchor) AS w, sum(m) OVER (ORDER BY anchor) AS m FROM per_day)"
        + " SELECT anchor AS bucket, CAST(d AS BIGINT) AS dau, CAST(w AS BIGINT) AS wau, CAST(m AS BIGINT) AS mau FROM running"
        + " WHERE d > 0 AND anchor >= "
        + dialect.literal(from)
        + " ORDER BY anchor";
  }

  /** Adds the values computed from a row's sums: averages and rates. */
  private static void derive(Rollup r, Map<String, Object> row) {
    switch (r) {
      case TASK_STATS ->
          row.put(
              "duration_ms_avg", ratio(row.get("duration_ms_sum"), row.get("duration_ms_count")));
      case API_LATENCY ->
          row.put("latency_ms_avg", ratio(row.get("latency_ms_sum"), row.get("latency_ms_count")));
      case INTEGRATION_HEALTH -> {
        long errors = ((Number) row.get("errors")).longValue();
        row.put("error_rate", ratio(errors, errors + ((Number) row.get("used")).longValue()));
      }
      case DAILY_ACTIVE_USERS, AUTH_EVENTS, COCOON_ACTIVITY, ERRORS -> {
        // nothing derived
      }
    }
  }

  private static Object ratio(Object sum, Object count) {
    if (!(sum instanceof Number s) || !(count instanceof Number n) || n.doubleValue() == 0) {
      return null;
    }
    return s.doubleValue() / n.doubleValue();
  }

  private static Object plain(Object v) {
    return switch (v) {
      case BigDecimal d -> d.scale() <= 0 ? (Object) d.longValueExact() : (Object) d.doubleValue();
      case BigInteger i -> i.longValue();
      case Integer i -> i.longValue();
      case Float f -> f.doubleValue();
      case null, default -> v;
    };
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
