package dev.causality.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.server.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardRoutesIT {
  private static final String TOKEN = "dash-token-0123456789";
  private static final String[] AUTH = {
    "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"
  };
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withAdminToken(TOKEN));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> send(String method, String path, String body) {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .headers(AUTH)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Test
  void savedQueriesAreCreatedListedUpdatedAndDeleted() throws Exception {
    HttpResponse<String> created =
        server.post(
            "/api/saved-queries",
            "{\"project\":\"default\",\"kind\":\"sql\",\"name\":\"Top events\",\"description\":\"by count\","
                + "\"query\":{\"sql\":\"SELECT event, count(*) FROM events GROUP BY 1\"}}",
            AUTH);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode q = json(created);
    assertThat(q.get("author").asText()).isNotBlank();
    assertThat(q.at("/query/sql").asText()).startsWith("SELECT event");
    String id = q.get("id").asText();

    JsonNode list = json(server.get("/api/saved-queries?project=default", AUTH));
    assertThat(list.findValuesAsText("id")).contains(id);

    HttpResponse<String> updated =
        send(
            "PUT",
            "/api/saved-queries/" + id,
            "{\"kind\":\"sql\",\"name\":\"Top events (renamed)\",\"query\":{\"sql\":\"SELECT 1\"}}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(json(server.get("/api/saved-queries/" + id, AUTH)).get("name").asText())
        .isEqualTo("Top events (renamed)");

    assertThat(send("DELETE", "/api/saved-queries/" + id, null).statusCode()).isEqualTo(204);
    assertThat(server.get("/api/saved-queries/" + id, AUTH).statusCode()).isEqualTo(404);
  }

  @Test
  void aSavedQueryNamesWhatIsWrong() throws Exception {
    HttpResponse<String> r =
        server.post("/api/saved-queries", "{\"kind\":\"pie\",\"name\":\"x\",\"query\":{}}", AUTH);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("message").asText()).startsWith("kind:");
    r = server.post("/api/saved-queries", "{\"kind\":\"sql\",\"name\":\"x\",\"query\":{}}", AUTH);
    assertThat(json(r).get("message").asText()).startsWith("query.sql:");
  }

  @Test
  void dashboardsHoldTilesARangeAndARefreshInterval() throws Exception {
    String queryId =
        json(server.post(
                "/api/saved-queries",
                "{\"kind\":\"trends\",\"name\":\"Signups\",\"query\":{\"series\":[{\"event\":\"Signed Up\",\"metric\":\"count\"}]}}",
                AUTH))
            .get("id")
            .asText();
    HttpResponse<String> created =
        server.post("/api/dashboards", "{\"project\":\"default\",\"name\":\"Growth\"}", AUTH);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).get("id").asText();

    HttpResponse<String> patched =
        send(
            "PATCH",
            "/api/dashboards/" + id,
            "{\"name\":\"Growth KPIs\",\"refreshSeconds\":60,\"dateRange\":{\"last\":7,\"unit\":\"days\"},"
                + "\"tiles\":[{\"id\":\"t1\",\"savedQueryId\":\""
                + queryId
                + "\",\"x\":0,\"y\":0,\"w\":6,\"h\":4}]}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonNode d = json(server.get("/api/dashboards/" + id, AUTH));
    assertThat(d.get("name").asText()).isEqualTo("Growth KPIs");
    assertThat(d.get("refreshSeconds").asInt()).isEqualTo(60);
    assertThat(d.at("/dateRange/last").asInt()).isEqualTo(7);
    assertThat(d.at("/tiles/0/savedQueryId").asText()).isEqualTo(queryId);
    assertThat(json(server.get("/api/dashboards?project=default", AUTH)).findValuesAsText("id"))
        .contains(id);

    HttpResponse<String> bad =
        send(
            "PATCH",
            "/api/dashboards/" + id,
            "{\"tiles\":[{\"id\":\"t1\",\"savedQueryId\":\"q\",\"x\":-1,\"y\":0,\"w\":1,\"h\":1}]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("message").asText()).startsWith("tiles[0].x:");

    assertThat(send("DELETE", "/api/dashboards/" + id, null).statusCode()).isEqualTo(204);
    assertThat(server.get("/api/dashboards/" + id, AUTH).statusCode()).isEqualTo(404);
  }

  @Test
  void everySqlRunIsKeptInTheCallersHistory() throws Exception {
    assertThat(
            server
                .post("/api/sql", "{\"sql\":\"SELECT 42 AS answer\",\"project\":\"default\"}", AUTH)
                .statusCode())
        .isEqualTo(200);
    assertThat(server.post("/api/sql", "{\"sql\":\"DELETE FROM events\"}", AUTH).statusCode())
        .isEqualTo(400);
    JsonNode history = json(server.get("/api/sql/history", AUTH));
    assertThat(history.get(0).get("sql").asText()).isEqualTo("DELETE FROM events");
    assertThat(history.get(0).get("error").asText()).isNotEmpty();
    assertThat(history.get(1).get("sql").asText()).isEqualTo("SELECT 42 AS answer");
    assertThat(history.get(1).get("rowCount").asLong()).isEqualTo(1);
    assertThat(history.get(1).get("error").isNull()).isTrue();
  }

  @Test
  void theApiNeedsCredentials() {
    assertThat(server.get("/api/dashboards").statusCode()).isEqualTo(401);
    assertThat(server.get("/api/saved-queries").statusCode()).isEqualTo(401);
  }
}
