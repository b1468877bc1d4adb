package dev.causality.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.server.TestServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query APIs over HTTP: auth, the native and FlowMind shapes, and field-named errors. */
class QueryApiIT {
  static final String TOKEN = "admin-token-for-tests";
  static final ObjectMapper JSON = new ObjectMapper();
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withAdminToken(TOKEN));
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS).plusSeconds(60);
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    String[][] rows = {
      {"u1", "Signed Up", "DE"},
      {"u1", "Purchase", "DE"},
      {"u2", "Signed Up", "US"},
      {"u3", "Signed Up", "US"},
      {"u3", "Purchase", "US"}
    };
    for (int i = 0; i < rows.length; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"track\",\"userId\":\"")
          .append(rows[i][0])
          .append("\",\"event\":\"")
          .append(rows[i][1])
          .append("\",\"timestamp\":\"")
          .append(today.plusSeconds(i))
          .append("\",\"properties\":{\"country\":\"")
          .append(rows[i][2])
          .append("\"}}");
    }
    HttpResponse<String> r =
        server.post("/v1/batch", batch.append("]}").toString(), "X-Write-Key", TestServer.KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    server.awaitLoaded();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> post(String path, String body) {
    return server.post(path, body, "Authorization", "Bearer " + TOKEN);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void queryApisNeedTheAdminToken() {
    assertThat(server.post("/api/query/trends", "{}").statusCode()).isEqualTo(401);
    HttpResponse<String> wrong =
        server.post("/api/query/trends", "{}", "Authorization", "Bearer nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("\"code\":\"unauthorized\"");
    assertThat(server.post("/v1/analytics/query", "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void trendsWithBreakdown() throws Exception {
    HttpResponse<String> r =
        post(
            "/api/query/trends",
            "{\"series\":[{\"event\":\"Signed Up\",\"metric\":\"unique_users\"}],"
                + "\"dateRange\":{\"last\":7,\"unit\":\"days\"},\"breakdown\":\"properties.country\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode series = json(r).path("series");
    assertThat(series.get(0).path("breakdown").get(0).asText()).isEqualTo("US");
    assertThat(series.get(0).path("total").asDouble()).isEqualTo(2.0);
    assertThat(series.get(0).path("values")).hasSize(7);
    assertThat(series.get(1).path("total").asDouble()).isEqualTo(1.0);
  }

  @Test
  void funnelAndRetention() throws Exception {
    JsonNode f =
        json(
            post(
                "/api/query/funnels",
                "{\"steps\":[{\"event\":\"Signed Up\"},{\"event\":\"Purchase\"}],\"window\":\"1d\",\"dateRange\":\"last_7_days\"}"));
    assertThat(f.path("groups").get(0).path("counts").toString()).isEqualTo("[3,2]");
    JsonNode r =
        json(
            post(
                "/api/query/retention",
                "{\"cohort\":{\"event\":\"Signed Up\"},\"returning\":{\"event\":\"Purchase\"},\"period\":\"day\",\"periods\":2,\"dateRange\":\"last_7_days\"}"));
    JsonNode last = r.path("cohorts").get(6);
    assertThat(last.path("size").asLong()).isEqualTo(3);
    assertThat(last.path("returned").get(0).asLong()).isEqualTo(2);
  }

  @Test
  void flowMindShape() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/analytics/query",
            "{\"metrics\":[\"count\",\"unique_users\"],\"dimensions\":[\"event_name\",\"day\"],"
                + "\"filters\":[{\"field\":\"properties.country\",\"op\":\"eq\",\"value\":\"US\"}],\"dateRange\":{\"from\":\""
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1)
                + "\",\"to\":\""
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                + "\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("success").asBoolean()).isTrue();
    JsonNode rows = body.path("data").path("rows");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).path("event_name").asText()).isEqualTo("Purchase");
    assertThat(rows.get(0).path("count").asLong()).isEqualTo(1);
    assertThat(rows.get(1).path("event_name").asText()).isEqualTo("Signed Up");
    assertThat(rows.get(1).path("unique_users").asLong()).isEqualTo(2);
  }

  @Test
  void propertyDiscoveryComesFromTheCatalog() throws Exception {
    HttpResponse<String> events =
        server.get("/api/events?project=default", "Authorization", "Bearer " + TOKEN);
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(json(events).get(0).path("event").asText()).isEqualTo("Signed Up");
    assertThat(json(events).get(0).path("count").asLong()).isEqualTo(3);
    JsonNode props =
        json(server.get("/api/properties?event=Signed%20Up", "Authorization", "Bearer " + TOKEN));
    assertThat(props.path("properties").get(0).path("key").asText()).isEqualTo("country");
    assertThat(props.path("properties").get(0).path("topValues").toString())
        .isEqualTo("[{\"US\":2},{\"DE\":1}]");
    assertThat(props.path("columns").toString()).contains("\"browser\"", "\"utm_source\"");
  }

  @Test
  void invalidQueriesAre400WithTheFieldNamed() throws Exception {
    JsonNode metric =
        json(post("/api/query/trends", "{\"series\":[{\"event\":\"A\",\"metric\":\"median\"}]}"));
    assertThat(metric.path("field").asText()).isEqualTo("series[0].metric");
    JsonNode filter =
        json(
            post(
                "/api/query/trends",
                "{\"series\":[{\"event\":\"A\"}],\"filters\":[{\"field\":\"properties.x\",\"op\":\"gt\",\"value\":\"abc\"}]}"));
    assertThat(filter.path("field").asText()).isEqualTo("filters[0].value");
    HttpResponse<String> steps = post("/api/query/funnels", "{\"steps\":[{\"event\":\"A\"}]}");
    assertThat(steps.statusCode()).isEqualTo(400);
    assertThat(json(steps).path("field").asText()).isEqualTo("steps");
    assertThat(
            json(post(
                    "/api/query/trends",
                    "{\"series\":[{\"event\":\"A\"}],\"timezone\":\"Mars/Base\"}"))
                .path("field")
                .asText())
        .isEqualTo("timezone");
    assertThat(
            json(post("/api/query/retention", "{\"cohort\":{},\"returning\":{\"event\":\"B\"}}"))
                .path("field")
                .asText())
        .isEqualTo("cohort.event");
    assertThat(post("/api/query/trends", "not json").statusCode()).isEqualTo(400);
  }
}
