package dev.causality.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthRoutesIT {
  private static final String TOKEN = "health-token-0123456789";
  private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
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

  @Test
  void reportsRatesRejectionsAndTheLastEventPerProjectAndKey() throws Exception {
    server.post(
        "/v1/batch",
        "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"A\"},"
            + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"B\",\"messageId\":\"m1\"},"
            + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"B\",\"messageId\":\"m1\"},"
            + "{\"type\":\"bogus\"}]}",
        "X-Write-Key",
        TestServer.KEY);
    server.awaitLoaded();
    JsonNode h = JSON.readTree(server.get("/api/ingestion/health", AUTH).body());
    assertThat(h.get("accepted").asLong()).isEqualTo(3);
    assertThat(h.get("deduplicated").asLong()).isEqualTo(1);
    assertThat(h.get("eventsPerSecond").asDouble()).isPositive();
    assertThat(h.get("rejected").findValuesAsText("reason")).contains("invalid_type");
    assertThat(h.get("loaderRunning").asBoolean()).isTrue();
    assertThat(h.at("/projects/0/project").asText()).isEqualTo("default");
    assertThat(h.at("/projects/0/events").asLong()).isEqualTo(2);
    assertThat(h.at("/projects/0/lastEventAt").asText()).endsWith("Z");
    assertThat(h.at("/keys/0/project").asText()).isEqualTo("default");
    assertThat(h.at("/keys/0/events").asLong()).isEqualTo(3);
  }

  @Test
  void listsDeadLetters() throws Exception {
    JsonNode d = JSON.readTree(server.get("/api/ingestion/dead-letters?limit=10", AUTH).body());
    assertThat(d.get("rows").isArray()).isTrue();
    assertThat(d.get("total").asLong()).isZero();
  }
}
