package dev.causality.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.causality.server.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/sql} and {@code GET /api/schema} over HTTP against a real server. */
class SqlSandboxIT {
  static final String TOKEN = "sql-admin-token-for-tests";
  static final ObjectMapper JSON = new ObjectMapper();
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withAdminToken(TOKEN));
    HttpResponse<String> r =
        server.post(
            "/v1/batch",
            "{\"batch\":["
                + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Signed Up\",\"properties\":{\"plan\":\"pro\"}},"
                + "{\"type\":\"track\",\"userId\":\"u2\",\"event\":\"Signed Up\",\"properties\":{\"plan\":\"free\"}},"
                + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Purchase\",\"properties\":{\"total\":12.5}}]}",
            "X-Write-Key",
            TestServer.KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    server.awaitLoaded();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> sql(String sql) {
    return sql(sql, "");
  }

  static HttpResponse<String> sql(String sql, String moreFields) {
    String body = "{\"sql\":" + JsonNodeFactory.instance.textNode(sql) + moreFields + "}";
    return server.post(
        "/api/sql", body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void sqlAndSchemaNeedTheAdminToken() throws Exception {
    HttpResponse<String> none = server.post("/api/sql", "{\"sql\":\"SELECT 1\"}");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).path("code").asText()).isEqualTo("unauthorized");
    assertThat(
            server
                .post("/api/sql", "{\"sql\":\"SELECT 1\"}", "Authorization", "Bearer wrong")
                .statusCode())
        .isEqualTo(401);
    assertThat(server.get("/api/schema").statusCode()).isEqualTo(401);
  }

  @Test
  void aSelectAnswersColumnsTypesRowsAndTheSqlThatRan() throws Exception {
    HttpResponse<String> r =
        sql(
            "SELECT event, count(*) AS n, count(DISTINCT user_id) AS users FROM events GROUP BY event ORDER BY event");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("columns").toString())
        .isEqualTo(
            "[{\"name\":\"event\",\"type\":\"VARCHAR\"},{\"name\":\"n\",\"type\":\"BIGINT\"},{\"name\":\"users\",\"type\":\"BIGINT\"}]");
    assertThat(body.path("rows").toString()).isEqualTo("[[\"Purchase\",1,1],[\"Signed Up\",2,2]]");
    assertThat(body.path("rowCount").asInt()).isEqualTo(2);
    assertThat(body.path("truncated").isBoolean()).isTrue();
    assertThat(body.path("truncated").asBoolean()).isFalse();
    assertThat(body.path("limitApplied").asBoolean()).isTrue();
    assertThat(body.path("sql").asText())
        .isEqualTo(
            "SELECT event, count(*) AS n, count(DISTINCT user_id) AS users FROM events GROUP BY event ORDER BY event\nLIMIT 1000");
    assertThat(body.path("elapsedMs").isIntegralNumber()).isTrue();
    assertThat(body.path("elapsedMs").asLong()).isNotNegative();

    JsonNode own =
        json(
            sql(
                "SELECT properties->>'plan' AS plan FROM events WHERE event = 'Signed Up' ORDER BY plan LIMIT 1"));
    assertThat(own.path("limitApplied").asBoolean()).isFalse();
    assertThat(own.path("sql").asText())
        .isEqualTo(
            "SELECT properties->>'plan' AS plan FROM events WHERE event = 'Signed Up' ORDER BY plan LIMIT 1");
    assertThat(own.path("rows").toString()).isEqualTo("[[\"free\"]]");

    JsonNode many = json(sql("SELECT * FROM range(1500)"));
    assertThat(many.path("rowCount").asInt()).isEqualTo(1000);
    assertThat(many.path("truncated").asBoolean()).isTrue();
  }

  @Test
  void refusalsErrorsAndBadRequestsSayWhatIsWrong() throws Exception {
    HttpResponse<String> drop = sql("SELECT 1; DROP TABLE events");
    assertThat(drop.statusCode()).isEqualTo(400);
    assertThat(json(drop).path("success").asBoolean(true)).isFalse();
    assertThat(json(drop).path("code").asText()).isEqualTo("sql_refused");
    assertThat(json(drop).path("field").asText()).isEqualTo("sql");
    assertThat(json(drop).path("message").asText())
        .isEqualTo("only one SELECT statement is allowed; found 2 statements (SELECT, DROP)");

    HttpResponse<String> internal = sql("SELECT * FROM load_state");
    assertThat(internal.statusCode()).isEqualTo(400);
    assertThat(json(internal).path("message").asText())
        .isEqualTo("table load_state is not available; tables: events, dead_letters");

    HttpResponse<String> file = sql("SELECT * FROM read_csv_auto('/etc/passwd')");
    assertThat(json(file).path("code").asText()).isEqualTo("sql_refused");
    assertThat(json(file).path("message").asText())
        .startsWith("table function read_csv_auto is not allowed");

    HttpResponse<String> error = sql("SELECT no_such_column FROM events");
    assertThat(error.statusCode()).isEqualTo(400);
    assertThat(json(error).path("code").asText()).isEqualTo("sql_error");
    assertThat(json(error).path("message").asText())
        .startsWith("Binder Error: Referenced column \"no_such_column\" not found");

    HttpResponse<String> missing =
        server.post("/api/sql", "{\"query\":\"SELECT 1\"}", "Authorization", "Bearer " + TOKEN);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json(missing).path("code").asText()).isEqualTo("invalid_query");
    assertThat(json(missing).path("field").asText()).isEqualTo("sql");

    HttpResponse<String> malformed =
        server.post("/api/sql", "{\"sql\":", "Authorization", "Bearer " + TOKEN);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).path("field").asText()).isEqualTo("body");

    HttpResponse<String> timeout = sql("SELECT 1", ",\"timeoutMs\":600000");
    assertThat(timeout.statusCode()).isEqualTo(400);
    assertThat(json(timeout).path("field").asText()).isEqualTo("timeoutMs");
    assertThat(json(timeout).path("message").asText())
        .isEqualTo("timeoutMs: must be a whole number of milliseconds from 1 to 10000");
  }

  @Test
  void theSchemaListsTheQueryableTablesAndTheirColumns() throws Exception {
    HttpResponse<String> r = server.get("/api/schema", "Authorization", "Bearer " + TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode tables = json(r).path("tables");
    assertThat(tables.findValuesAsText("name"))
        .contains("events", "dead_letters", "event_id", "properties", "payload")
        .doesNotContain("load_state", "schema_version", "catalog_increments", "updated_at");
    assertThat(tables.get(0).path("name").asText()).isEqualTo("events");
    assertThat(tables.get(0).path("columns").get(0).toString())
        .isEqualTo("{\"name\":\"event_id\",\"type\":\"VARCHAR\"}");
    assertThat(tables.get(1).path("name").asText()).isEqualTo("dead_letters");
    assertThat(tables).hasSize(2);
  }

  @Test
  void aLongQueryTimesOutWhileIngestionAndOtherQueriesKeepAnswering() throws Exception {
    long before = json(sql("SELECT count(*) AS n FROM events")).path("rows").get(0).get(0).asLong();
    String endless = "SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3";
    List<CompletableFuture<HttpResponse<String>>> long_ = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      // as many as this machine has cores would pin every carrier thread if queries ran on them
      for (int i = 0; i < 2; i++) {
        long_.add(
            CompletableFuture.supplyAsync(() -> sql(endless, ",\"timeoutMs\":5000"), clients));
      }
      while (server.server().warehouse().queriesRunning() < 2) {
        assertThat(long_).noneMatch(CompletableFuture::isDone);
        Thread.sleep(10);
      }

      HttpResponse<String> tracked =
          server.post(
              "/v1/track",
              "{\"userId\":\"u9\",\"event\":\"During The Long Query\"}",
              "X-Write-Key",
              TestServer.KEY);
      HttpResponse<String> other =
          sql("SELECT count(*) AS n FROM events WHERE event = 'Signed Up'");
      HttpResponse<String> health = server.get("/health");
      assertThat(long_)
          .as("the long queries were still running while the others answered")
          .noneMatch(CompletableFuture::isDone);
      assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);
      assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
      assertThat(json(other).path("rows").toString()).isEqualTo("[[2]]");
      assertThat(health.statusCode()).isEqualTo(200);

      for (CompletableFuture<HttpResponse<String>> f : long_) {
        HttpResponse<String> r = f.join();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(408);
        assertThat(json(r).path("code").asText()).isEqualTo("timeout");
        assertThat(json(r).path("message").asText())
            .startsWith("the query ran longer than 5 s and was cancelled");
      }
    }
    server.awaitLoaded();
    assertThat(json(sql("SELECT count(*) AS n FROM events")).path("rows").get(0).get(0).asLong())
        .isEqualTo(before + 1);
  }
}
