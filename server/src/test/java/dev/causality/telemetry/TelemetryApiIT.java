package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.server.TestServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The telemetry API on a real server: events ingested over HTTP, the rollups refreshed, more events
 * after the refresh, and answers that hold both.
 */
class TelemetryApiIT {
  static final String TOKEN = "admin-token-for-telemetry";
  static final ObjectMapper JSON = new ObjectMapper();
  static TestServer server;
  static Instant yesterday;
  static List<Rollups.Refreshed> refreshed;

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withAdminToken(TOKEN));
    yesterday = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS);
    post(
        request("u1", yesterday.plusSeconds(10 * 3600), 200, 10),
        request("u2", yesterday.plusSeconds(10 * 3600 + 60), 503, 30),
        error("u1", yesterday.plusSeconds(11 * 3600)));
    refreshed = server.server().telemetry().runOnce();
    // after the refresh: only the live tail has these
    post(request("u3", Instant.now(), 200, 50), error("u3", Instant.now()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String request(String user, Instant at, int status, double latency) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"event\":\"api_request\",\"timestamp\":\""
        + at
        + "\","
        + "\"context\":{\"service\":\"api\"},\"properties\":{\"method\":\"GET\",\"route\":\"/v1/things\",\"status_code\":"
        + status
        + ",\"latency_ms\":"
        + latency
        + "}}";
  }

  static String error(String user, Instant at) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"event\":\"application_error\",\"timestamp\":\""
        + at
        + "\","
        + "\"context\":{\"service\":\"api\"},\"properties\":{\"error_type\":\"TimeoutError\",\"message\":\"upstream\"}}";
  }

  static void post(String... events) {
    HttpResponse<String> r =
        server.post(
            "/v1/batch",
            "{\"batch\":[" + String.join(",", events) + "]}",
            "X-Write-Key",
            TestServer.KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    server.awaitLoaded();
  }

  static HttpResponse<String> get(String path) {
    return server.get(path, "Authorization", "Bearer " + TOKEN);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void answersHoldTheRefreshedRollupAndTheTailAfterIt() throws Exception {
    assertThat(refreshed).hasSize(7);
    HttpResponse<String> r =
        get("/api/telemetry/api_latency?service=api&from=" + yesterday.toString().substring(0, 10));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("source").asText()).isEqualTo("duckdb");
    Instant watermark = Instant.parse(body.path("watermark").asText());
    assertThat(watermark)
        .isEqualTo(
            refreshed.stream()
                .filter(x -> x.rollup().equals("api_latency"))
                .findFirst()
                .orElseThrow()
                .watermark());
    JsonNode rows = body.path("rows");
    assertThat(rows).hasSize(2);
    JsonNode stored = rows.get(0);
    assertThat(stored.path("bucket").asText())
        .isEqualTo(yesterday.plusSeconds(10 * 3600).toString());
    assertThat(stored.path("route").asText()).isEqualTo("/v1/things");
    assertThat(stored.path("requests").asLong()).isEqualTo(2);
    assertThat(stored.path("server_errors").asLong()).isEqualTo(1);
    assertThat(stored.path("latency_ms_avg").asDouble()).isEqualTo(20.0);
    assertThat(stored.path("latency_ms_p50").asDouble()).isEqualTo(20.0);
    JsonNode tail = rows.get(1);
    assertThat(Instant.parse(tail.path("bucket").asText()))
        .as("a bucket after the watermark: the unrefreshed tail")
        .isAfterOrEqualTo(watermark);
    assertThat(tail.path("requests").asLong()).isEqualTo(1);
    assertThat(tail.path("latency_ms_p99").asDouble()).isEqualTo(50.0);

    JsonNode users = json(get("/api/telemetry/daily_active_users?from=" + yesterday)).path("rows");
    assertThat(users).hasSize(2);
    assertThat(users.get(0).path("dau").asLong()).isEqualTo(2);
    assertThat(users.get(1).path("dau").asLong()).isEqualTo(1);
    assertThat(users.get(1).path("wau").asLong()).isEqualTo(3);

    JsonNode errors = json(get("/api/telemetry/errors?from=" + yesterday)).path("rows");
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).path("error_type").asText()).isEqualTo("TimeoutError");
  }

  @Test
  void listsTheRollups() throws Exception {
    JsonNode list = json(get("/api/telemetry"));
    assertThat(list.path("rollups")).hasSize(7);
    assertThat(list.path("rollups").get(2).path("name").asText()).isEqualTo("api_latency");
    assertThat(list.path("rollups").get(2).path("bucket").asText()).isEqualTo("hour");
  }

  @Test
  void badParametersAreAnsweredWithTheField() throws Exception {
    HttpResponse<String> from = get("/api/telemetry/errors?from=yesterday");
    assertThat(from.statusCode()).isEqualTo(400);
    assertThat(json(from).path("field").asText()).isEqualTo("from");
    assertThat(json(from).path("code").asText()).isEqualTo("invalid_parameter");
    HttpResponse<String> to = get("/api/telemetry/errors?from=2026-01-10&to=2026-01-01");
    assertThat(to.statusCode()).isEqualTo(400);
    assertThat(json(to).path("message").asText()).contains("must be before to");
    HttpResponse<String> range = get("/api/telemetry/errors?from=2020-01-01&to=2026-01-01");
    assertThat(json(range).path("message").asText()).contains("at most 400 days");
    HttpResponse<String> service = get("/api/telemetry/errors?service=");
    assertThat(json(service).path("field").asText()).isEqualTo("service");
    HttpResponse<String> unknown = get("/api/telemetry/latency");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("code").asText()).isEqualTo("unknown_rollup");
    assertThat(json(unknown).path("message").asText()).contains("api_latency, integration_health");
    assertThat(server.get("/api/telemetry/errors").statusCode()).isEqualTo(401);
    HttpResponse<String> other = get("/api/telemetry/errors?project=other");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(json(other).path("rows")).isEmpty();
  }
}
