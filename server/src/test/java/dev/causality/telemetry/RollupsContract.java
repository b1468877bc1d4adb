package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rollups' contract, run by every database: a small fixed data set whose answers are worked out
 * by hand below, read after a refresh (rollup tables plus tail), without one (all tail), and after
 * late events.
 */
abstract class RollupsContract {
  static final String D = "2026-11-20";
  static final String D1 = "2026-11-21";
  static final String D2 = "2026-11-22";
  static final Instant NOW = Instant.parse(D2 + "T12:30:00Z");

  final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  final InstantSource clock = () -> now.get();
  Rollups rollups;

  /** A migrated, empty store whose rollups use {@code clock}. */
  abstract Rollups open(InstantSource clock);

  abstract void insert(List<Telemetry> events);

  abstract long rows(String table);

  abstract void close();

  @BeforeEach
  void setUp() {
    rollups = open(clock);
    insert(dataSet());
  }

  @AfterEach
  void tearDown() {
    close();
  }

  static List<Telemetry> dataSet() {
    List<Telemetry> e = new ArrayList<>();
    // API requests of service "api": hour D 10:00 GET /tasks: 10, 20, 30, 40 ms (one 500, one 404);
    // hour D 11:00 POST /tasks 100 ms; and one at D2 12:10, after the hourly watermark 12:00.
    e.add(api("u1", D + "T10:05:00Z", "GET", 200, 10));
    e.add(api("u2", D + "T10:20:00Z", "GET", 200, 20));
    e.add(api("u1", D + "T10:40:00Z", "GET", 500, 30));
    e.add(api("u3", D + "T10:50:00Z", "GET", 404, 40));
    e.add(api("u1", D + "T11:10:00Z", "POST", 201, 100));
    e.add(api("u4", D2 + "T12:10:00Z", "GET", 200, 50));
    // tasks of service "worker"
    e.add(task("task_created", "u1", D + "T09:00:00Z", "email", null));
    e.add(task("task_started", null, D + "T09:01:00Z", "email", null));
    e.add(task("task_completed", null, D + "T09:05:00Z", "email", 4000));
    e.add(task("task_created", null, D + "T09:10:00Z", "email", null));
    e.add(task("task_failed", null, D + "T09:11:00Z", "email", 1000));
    e.add(task("task_created", "u2", D1 + "T08:00:00Z", "report", null));
    e.add(task("task_cancelled", null, D1 + "T08:30:00Z", "report", null));
    // integrations, service "api" given as a property instead of the column
    e.add(
        Telemetry.event("integration_connected")
            .user("u1")
            .prop("service", "api")
            .prop("integration", "github")
            .at(D + "T12:00:00Z"));
    e.add(
        Telemetry.event("integration_used")
            .prop("service", "api")
            .prop("integration", "github")
            .at(D + "T13:00:00Z"));
    e.add(
        Telemetry.event("integration_used")
            .prop("service", "api")
            .prop("integration", "github")
            .at(D + "T13:05:00Z"));
    e.add(
        Telemetry.event("integration_error")
            .prop("service", "api")
            .prop("integration", "github")
            .at(D + "T13:10:00Z"));
    e.add(
        Telemetry.event("integration_disconnected")
            .prop("service", "api")
            .prop("integration", "slack")
            .at(D + "T14:00:00Z"));
    // auth, service "auth"
    e.add(
        auth("auth_login_attempt", "u5", D + "T08:00:00Z")
            .prop("success", true)
            .prop("method", "password"));
    e.add(
        auth("auth_login_attempt", "u6", D + "T08:01:00Z")
            .prop("success", false)
            .prop("method", "password"));
    e.add(auth("auth_login_attempt", "u6", D + "T08:02:00Z"));
    e.add(auth("auth_code_verified", "u5", D + "T08:03:00Z"));
    e.add(auth("auth_token_refresh", "u5", D + "T08:04:00Z"));
    e.add(auth("auth_token_refresh", "", D + "T08:04:30Z")); // an empty user id is no user
    e.add(auth("auth_session_validated", "u5", D + "T08:05:00Z"));
    e.add(auth("auth_session_validated", "u5", D + "T08:06:00Z"));
    // cocoons, service "cocoons"
    e.add(cocoon("cocoon_registered", "c-1", D + "T15:00:00Z").user("u7"));
    e.add(cocoon("cocoon_setup_token_created", "c-1", D + "T15:01:00Z"));
    e.add(cocoon("cocoon_setup_token_used", "c-1", D + "T15:02:00Z"));
    e.add(cocoon("cocoon_claimed", "c-1", D + "T15:03:00Z"));
    e.add(cocoon("cocoon_connected", "c-1", D + "T15:04:00Z"));
    e.add(cocoon("cocoon_connected", "c-2", D + "T16:00:00Z"));
    e.add(cocoon("cocoon_disconnected", "c-1", D + "T17:00:00Z"));
    // errors of service "api", hour D 10:00
    e.add(error("TimeoutError", D + "T10:30:00Z").user("u1"));
    e.add(error("TimeoutError", D + "T10:45:00Z").user("u2"));
    e.add(error("TimeoutError", D + "T10:50:00Z").user("u1"));
    e.add(error("ValueError", D + "T10:55:00Z").anonymous("a9"));
    // another project: never in the answers for 'default'
    e.add(api("u1", D + "T10:06:00Z", "GET", 200, 9999).app("other"));
    return e;
  }

  static Telemetry api(String user, String at, String method, int status, double latency) {
    return Telemetry.event("api_request")
        .user(user)
        .service("api")
        .at(at)
        .prop("method", method)
        .prop("route", "/tasks")
        .prop("status_code", status)
        .prop("latency_ms", latency);
  }

  static Telemetry task(String event, String user, String at, String type, Integer durationMs) {
    Telemetry t =
        Telemetry.event(event)
            .user(user)
            .service("worker")
            .at(at)
            .prop("task_id", "t-" + at)
            .prop("task_type", type);
    return durationMs == null ? t : t.prop("duration_ms", durationMs);
  }

  static Telemetry auth(String event, String user, String at) {
    return Telemetry.event(event).user(user).service("auth").at(at);
  }

  static Telemetry cocoon(String event, String id, String at) {
    return Telemetry.event(event).service("cocoons").at(at).prop("cocoon_id", id);
  }

  static Telemetry error(String type, String at) {
    return Telemetry.event("application_error")
        .service("api")
        .at(at)
        .prop("error_type", type)
        .prop("message", "boom");
  }

  Rollups.Answer read(String rollup, Optional<String> service) {
    return rollups.read(
        new Rollups.Request(
            rollup,
            Instant.parse(D + "T00:00:00Z"),
            Instant.parse("2026-11-23T00:00:00Z"),
            "default",
            service));
  }

  Rollups.Answer read(String rollup) {
    return read(rollup, Optional.empty());
  }

  /** The one row of {@code a} whose columns have the given values (bucket as ISO text). */
  static Map<String, Object> row(Rollups.Answer a, Object... keyValues) {
    List<Map<String, Object>> found =
        a.rows().stream()
            .filter(r -> {
              for (int i = 0; i < keyValues.length; i += 2) {
                Object v = r.get((String) keyValues[i]);
                if (!Objects.equals(v instanceof Instant t ? t.toString() : v, keyValues[i + 1])) {
                  return false;
                }
              }
              return true;
            })
            .toList();
    assertThat(found)
        .as("rows of %s matching %s in %s", a.rollup(), List.of(keyValues), a.rows())
        .hasSize(1);
    return found.getFirst();
  }

  /** Every answer of the data set, checked against the values worked out by hand. */
  void assertAnswers() {
    Rollups.Answer api = read("api_latency");
    assertThat(api.rows()).hasSize(3);
    Map<String, Object> get = row(api, "bucket", D + "T10:00:00Z", "method", "GET");
    assertThat(get)
        .containsEntry("service", "api")
        .containsEntry("route", "/tasks")
        .containsEntry("requests", 4L)
        .containsEntry("server_errors", 1L)
        .containsEntry("client_errors", 1L)
        .containsEntry("latency_ms_count", 4L)
        .containsEntry("latency_ms_sum", 100.0)
        .containsEntry("latency_ms_avg", 25.0)
        .containsEntry("latency_ms_max", 40.0);
    // percentile_cont over 10, 20, 30, 40: position p * 3, interpolated
    assertThat((Double) get.get("latency_ms_p50"))
        .isCloseTo(25.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat((Double) get.get("latency_ms_p95"))
        .isCloseTo(38.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat((Double) get.get("latency_ms_p99"))
        .isCloseTo(39.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(row(api, "bucket", D + "T11:00:00Z", "method", "POST"))
        .containsEntry("requests", 1L)
        .containsEntry("latency_ms_p99", 100.0);
    assertThat(row(api, "bucket", D2 + "T12:00:00Z", "method", "GET"))
        .containsEntry("requests", 1L)
        .containsEntry("latency_ms_p50", 50.0);

    Rollups.Answer tasks = read("task_stats");
    assertThat(tasks.rows()).hasSize(2);
    assertThat(row(tasks, "bucket", D + "T00:00:00Z", "task_type", "email"))
        .containsEntry("service", "worker")
        .containsEntry("created", 2L)
        .containsEntry("started", 1L)
        .containsEntry("completed", 1L)
        .containsEntry("failed", 1L)
        .containsEntry("cancelled", 0L)
        .containsEntry("duration_ms_count", 2L)
        .containsEntry("duration_ms_sum", 5000.0)
        .containsEntry("duration_ms_max", 4000.0)
        .containsEntry("duration_ms_avg", 2500.0);
    assertThat(row(tasks, "bucket", D1 + "T00:00:00Z", "task_type", "report"))
        .containsEntry("created", 1L)
        .containsEntry("cancelled", 1L)
        .containsEntry("duration_ms_count", 0L)
        .containsEntry("duration_ms_avg", null);

    Rollups.Answer integrations = read("integration_health");
    assertThat(integrations.rows()).hasSize(2);
    assertThat(row(integrations, "integration", "github"))
        .containsEntry("service", "api")
        .containsEntry("connected", 1L)
        .containsEntry("used", 2L)
        .containsEntry("errors", 1L)
        .containsEntry("disconnected", 0L);
    assertThat((Double) row(integrations, "integration", "github").get("error_rate"))
        .isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(row(integrations, "integration", "slack"))
        .containsEntry("disconnected", 1L)
        .containsEntry("error_rate", null);

    Rollups.Answer auth = read("auth_events");
    assertThat(auth.rows()).hasSize(1);
    assertThat(auth.rows().getFirst())
        .containsEntry("service", "auth")
        .containsEntry("login_attempts", 3L)
        .containsEntry("login_successes", 1L)
        .containsEntry("login_failures", 2L)
        .containsEntry("codes_verified", 1L)
        .containsEntry("token_refreshes", 2L)
        .containsEntry("sessions_validated", 2L);

    Rollups.Answer cocoons = read("cocoon_activity");
    assertThat(cocoons.rows()).hasSize(1);
    assertThat(cocoons.rows().getFirst())
        .containsEntry("service", "cocoons")
        .containsEntry("registered", 1L)
        .containsEntry("connected", 2L)
        .containsEntry("disconnected", 1L)
        .containsEntry("claimed", 1L)
        .containsEntry("setup_tokens_created", 1L)
        .containsEntry("setup_tokens_used", 1L)
        .containsEntry("cocoons", 2L);

    Rollups.Answer errors = read("errors");
    assertThat(errors.rows()).hasSize(2);
    assertThat(row(errors, "error_type", "TimeoutError"))
        .containsEntry("bucket", Instant.parse(D + "T10:00:00Z"))
        .containsEntry("errors", 3L)
        .containsEntry("users", 2L);
    assertThat(row(errors, "error_type", "ValueError"))
        .as("an anonymous id is no user")
        .containsEntry("errors", 1L)
        .containsEntry("users", 0L);

    // users by day (anonymous ids are not users): D u1 u2 u3 u5 u6 u7; D1 u2; D2 u4 (the tail)
    Rollups.Answer users = read("daily_active_users");
    assertThat(users.rows()).hasSize(3);
    assertThat(row(users, "bucket", D + "T00:00:00Z"))
        .containsEntry("dau", 6L)
        .containsEntry("wau", 6L)
        .containsEntry("mau", 6L);
    assertThat(row(users, "bucket", D1 + "T00:00:00Z"))
        .containsEntry("dau", 1L)
        .containsEntry("wau", 6L)
        .containsEntry("mau", 6L);
    assertThat(row(users, "bucket", D2 + "T00:00:00Z"))
        .containsEntry("dau", 1L)
        .containsEntry("wau", 7L)
        .containsEntry("mau", 7L);
    // service "api": D u1 u2 u3 (requests, integrations, errors); D2 u4
    Rollups.Answer apiUsers = read("daily_active_users", Optional.of("api"));
    assertThat(apiUsers.rows()).hasSize(2);
    assertThat(row(apiUsers, "bucket", D + "T00:00:00Z"))
        .containsEntry("dau", 3L)
        .containsEntry("wau", 3L);
    assertThat(row(apiUsers, "bucket", D2 + "T00:00:00Z"))
        .containsEntry("dau", 1L)
        .containsEntry("wau", 4L)
        .containsEntry("mau", 4L);
    assertThat(read("api_latency", Optional.of("worker")).rows()).isEmpty();
  }

  @Test
  void answersBeforeAnyRefreshComeFromRawEvents() {
    assertAnswers();
    assertThat(read("api_latency").watermark()).isEmpty();
  }

  @Test
  void answersAfterARefreshJoinTheRollupAndTheUnrefreshedTail() {
    List<Rollups.Refreshed> refreshed = rollups.refresh();
    assertThat(refreshed).hasSize(7);
    assertThat(rows("telemetry_api_latency_hourly"))
        .as("D 10:00 and 11:00, other project's D 10:00; not D2 12:00")
        .isEqualTo(3);
    assertThat(rows("telemetry_active_users_daily"))
        .as(
            "(day, service, user): D 3 api + 1 worker + 2 auth + 1 cocoons"
                + " + 1 other project; D1 1")
        .isEqualTo(9);
    assertThat(rows("telemetry_errors_hourly")).isEqualTo(2);
    assertThat(read("api_latency").watermark()).contains(Instant.parse(D2 + "T12:00:00Z"));
    assertThat(read("task_stats").watermark()).contains(Instant.parse(D2 + "T00:00:00Z"));
    assertAnswers();
    // a second refresh an hour later recomputes its window and changes nothing
    now.set(NOW.plusSeconds(3600));
    rollups.refresh();
    assertThat(rows("telemetry_api_latency_hourly")).isEqualTo(4);
    assertAnswers();
  }

  @Test
  void lateEventsInsideTheWindowArriveWithTheNextRefresh() {
    rollups.refresh();
    insert(List.of(api("u9", D1 + "T09:15:00Z", "GET", 200, 70)));
    Rollups.Answer stale = read("api_latency");
    assertThat(stale.rows())
        .as("before the watermark, rows come from the rollup until it is refreshed")
        .hasSize(3);
    rollups.refresh();
    Rollups.Answer fresh = read("api_latency");
    assertThat(fresh.rows()).hasSize(4);
    assertThat(row(fresh, "bucket", D1 + "T09:00:00Z"))
        .containsEntry("requests", 1L)
        .containsEntry("latency_ms_p95", 70.0);
    assertThat(row(read("daily_active_users"), "bucket", D1 + "T00:00:00Z"))
        .containsEntry("dau", 2L)
        .containsEntry("wau", 7L);
  }

  @Test
  void readsAreScopedToTheProjectAndAnswerBadRangesByField() {
    Rollups.Answer other =
        rollups.read(
            new Rollups.Request(
                "api_latency",
                Instant.parse(D + "T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"),
                "other",
                Optional.empty()));
    assertThat(other.rows()).hasSize(1);
    assertThat(other.rows().getFirst())
        .containsEntry("latency_ms_max", 9999.0)
        .doesNotContainKey("app_id");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            rollups.read(
                new Rollups.Request("nope", Instant.EPOCH, NOW, "default", Optional.empty())))
        .isInstanceOfSatisfying(
            TelemetryException.class, e -> assertThat(e.code()).isEqualTo("unknown_rollup"))
        .hasMessageContaining("api_latency");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Rollups.Request("errors", NOW, NOW, "default", Optional.empty()))
        .isInstanceOfSatisfying(
            TelemetryException.class, e -> assertThat(e.field()).isEqualTo("from"));
  }
}
