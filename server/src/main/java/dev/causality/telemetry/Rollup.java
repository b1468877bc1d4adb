package dev.causality.telemetry;

import dev.causality.telemetry.Dialect.Bucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The seven telemetry rollups. Each is one GROUP BY over {@code analytics_events}: its rows are
 * (bucket, app_id, service, keys…, measures…), the same whether they come from the rollup table
 * (refreshed up to its watermark) or straight from the raw events after it.
 */
enum Rollup {
  DAILY_ACTIVE_USERS(
      "daily_active_users",
      "telemetry_active_users_daily",
      Bucket.DAY,
      List.of(),
      List.of(new Column("user_key", d -> Rollup.USER_KEY)),
      List.of(new Column("events", d -> "count(*)")),
      Optional.of(Rollup.USER_KEY + " IS NOT NULL")),
  TASK_STATS(
      "task_stats",
      "telemetry_task_stats_daily",
      Bucket.DAY,
      List.of("task_created", "task_started", "task_completed", "task_failed", "task_cancelled"),
      List.of(text("task_type")),
      List.of(
          countOf("created", "task_created"),
          countOf("started", "task_started"),
          countOf("completed", "task_completed"),
          countOf("failed", "task_failed"),
          countOf("cancelled", "task_cancelled"),
          new Column("duration_ms_sum", d -> "sum(" + d.number("duration_ms") + ")"),
          new Column("duration_ms_count", d -> "count(" + d.number("duration_ms") + ")"),
          new Column("duration_ms_max", d -> "max(" + d.number("duration_ms") + ")")),
      Optional.empty()),
  API_LATENCY(
      "api_latency",
      "telemetry_api_latency_hourly",
      Bucket.HOUR,
      List.of("api_request"),
      List.of(text("method"), text("route")),
      List.of(
          new Column("requests", d -> "count(*)"),
          countWhere("server_errors", d -> d.number("status_code") + " >= 500"),
          countWhere(
              "client_errors",
              d -> d.number("status_code") + " >= 400 AND " + d.number("status_code") + " < 500"),
          new Column("latency_ms_sum", d -> "sum(" + d.number("latency_ms") + ")"),
          new Column("latency_ms_count", d -> "count(" + d.number("latency_ms") + ")"),
          new Column("latency_ms_p50", d -> d.percentile(0.5, d.number("latency_ms"))),
          new Column("latency_ms_p95", d -> d.percentile(0.95, d.number("latency_ms"))),
          new Column("latency_ms_p99", d -> d.percentile(0.99, d.number("latency_ms"))),
          new Column("latency_ms_max", d -> "max(" + d.number("latency_ms") + ")")),
      Optional.empty()),
  INTEGRATION_HEALTH(
      "integration_health",
      "telemetry_integration_health_daily",
      Bucket.DAY,
      List.of(
          "integration_connected",
          "integration_disconnected",
          "integration_used",
          "integration_error"),
      List.of(text("integration")),
      List.of(
          countOf("connected", "integration_connected"),
          countOf("disconnected", "integration_disconnected"),
          countOf("used", "integration_used"),
          countOf("errors", "integration_error")),
      Optional.empty()),
  AUTH_EVENTS(
      "auth_events",
      "telemetry_auth_events_daily",
      Bucket.DAY,
      List.of(
          "auth_login_attempt",
          "auth_code_verified",
          "auth_token_refresh",
          "auth_session_validated"),
      List.of(),
      List.of(
          countOf("login_attempts", "auth_login_attempt"),
          countWhere(
              "login_successes",
              d -> "event = 'auth_login_attempt' AND lower(" + d.text("success") + ") = 'true'"),
          countWhere(
              "login_failures",
              d ->
                  "event = 'auth_login_attempt' AND lower(coalesce("
                      + d.text("success")
                      + ", 'false')) <> 'true'"),
          countOf("codes_verified", "auth_code_verified"),
          countOf("token_refreshes", "auth_token_refresh"),
          countOf("sessions_validated", "auth_session_validated")),
      Optional.empty()),
  COCOON_ACTIVITY(
      "cocoon_activity",
      "telemetry_cocoon_activity_daily",
      Bucket.DAY,
      List.of(
          "cocoon_registered",
          "cocoon_connected",
          "cocoon_disconnected",
          "cocoon_claimed",
          "cocoon_setup_token_created",
          "cocoon_setup_token_used"),
      List.of(),
      List.of(
          countOf("registered", "cocoon_registered"),
          countOf("connected", "cocoon_connected"),
          countOf("disconnected", "cocoon_disconnected"),
          countOf("claimed", "cocoon_claimed"),
          countOf("setup_tokens_created", "cocoon_setup_token_created"),
          countOf("setup_tokens_used", "cocoon_setup_token_used"),
          new Column("cocoons", d -> "count(DISTINCT " + d.text("cocoon_id") + ")")),
      Optional.empty()),
  ERRORS(
      "errors",
      "telemetry_errors_hourly",
      Bucket.HOUR,
      List.of("application_error"),
      List.of(text("error_type")),
      List.of(
          new Column("errors", d -> "count(*)"),
          new Column("users", d -> "count(DISTINCT " + Rollup.USER_KEY + ")")),
      Optional.empty());

  /**
   * The user an event is about: its user id; an empty one counts as missing. Anonymous ids are not
   * users here: the Java SDK sends service-level events with the service's own anonymous id.
   */
  static final String USER_KEY = "nullif(user_id, '')";

  /** An output column: its name and the SQL computing it. */
  record Column(String name, Function<Dialect, String> sql) {}

  final String apiName;
  final String table;
  final Bucket bucket;
  final List<String> events;
  final List<Column> keys;
  final List<Column> measures;
  final Optional<String> condition;

  Rollup(
      String apiName,
      String table,
      Bucket bucket,
      List<String> events,
      List<Column> keys,
      List<Column> measures,
      Optional<String> condition) {
    this.apiName = apiName;
    this.table = table;
    this.bucket = bucket;
    this.events = events;
    this.keys = keys;
    this.measures = measures;
    this.condition = condition;
  }

  static Optional<Rollup> byApiName(String name) {
    return Stream.of(values()).filter(r -> r.apiName.equals(name)).findFirst();
  }

  static List<String> apiNames() {
    return Stream.of(values()).map(r -> r.apiName).toList();
  }

  /**
   * The well-known telemetry event names: those the rollups count, and {@code database_query} (no
   * rollup yet). On the embedded warehouse only these are subject to the telemetry retention.
   */
  static List<String> telemetryEvents() {
    return Stream.concat(
            Stream.of(values()).flatMap(r -> r.events.stream()), Stream.of("database_query"))
        .distinct()
        .toList();
  }

  private static Column text(String key) {
    return new Column(key, d -> "coalesce(" + d.text(key) + ", '')");
  }

  private static Column countOf(String name, String event) {
    return countWhere(name, d -> "event = '" + event + "'");
  }

  private static Column countWhere(String name, Function<Dialect, String> condition) {
    return new Column(
        name, d -> "CAST(sum(CASE WHEN " + condition.apply(d) + " THEN 1 ELSE 0 END) AS BIGINT)");
  }

  /**
   * The service of an event: the column the SDK fills, else the {@code service} property, else ''.
   */
  static String service(Dialect d) {
    return "coalesce(service, " + d.text("service") + ", '')";
  }

  /** Every column of a row, in order: bucket, app_id, service, keys, measures. */
  List<String> columns() {
    List<String> out = new ArrayList<>(List.of("bucket", "app_id", "service"));
    keys.forEach(k -> out.add(k.name()));
    measures.forEach(m -> out.add(m.name()));
    return out;
  }

  /** The columns that identify a row: bucket, app_id, service and the keys. */
  List<String> keyColumns() {
    return columns().subList(0, 3 + keys.size());
  }

  /**
   * The rollup's rows computed from raw events whose timestamp matches {@code where} (SQL over
   * {@code analytics_events}, may hold {@code ?} parameters).
   */
  String select(Dialect d, String where) {
    StringBuilder sb =
        new StringBuilder("SELECT ")
            .append(d.bucket(bucket, "\"timestamp\""))
            .append(" AS bucket, app_id, ")
            .append(service(d))
            .append(" AS service");
    for (Column k : keys) {
      sb.append(", ").append(k.sql().apply(d)).append(" AS ").append(k.name());
    }
    for (Column m : measures) {
      sb.append(", ").append(m.sql().apply(d)).append(" AS ").append(m.name());
    }
    sb.append(" FROM analytics_events WHERE ").append(where);
    if (!events.isEmpty()) {
      sb.append(" AND event IN (")
          .append(events.stream().map(e -> "'" + e + "'").collect(Collectors.joining(", ")))
          .append(")");
    }
    condition.ifPresent(c -> sb.append(" AND ").append(c));
    sb.append(" GROUP BY ").append(d == Dialect.TIMESCALEDB ? groupByExpressions(d) : positions());
    return sb.toString();
  }

  private String positions() {
    StringBuilder sb = new StringBuilder("1, 2, 3");
    for (int i = 0; i < keys.size(); i++) {
      sb.append(", ").append(4 + i);
    }
    return sb.toString();
  }

  private String groupByExpressions(Dialect d) {
    StringBuilder sb =
        new StringBuilder(d.bucket(bucket, "\"timestamp\""))
            .append(", app_id, ")
            .append(service(d));
    for (Column k : keys) {
      sb.append(", ").append(k.sql().apply(d));
    }
    return sb.toString();
  }
}
