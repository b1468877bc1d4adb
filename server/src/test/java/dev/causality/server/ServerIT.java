package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerIT {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthReadyAndMetrics() {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = server.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"status\":\"ready\"");
    server.post(
        "/v1/track",
        "{\"userId\":\"u1\",\"event\":\"Metric Probe\"}",
        "X-Write-Key",
        TestServer.KEY);
    server.awaitLoaded();
    String metrics = server.get("/metrics").body();
    assertThat(metrics)
        .contains("causality_http_requests_seconds_count{route=\"/v1/track\",status=\"200\"}")
        .contains("causality_events_accepted_total")
        .contains("causality_events_loaded_total")
        .contains("causality_log_lag_bytes")
        .contains("causality_dead_letters")
        .contains("causality_loader_batch_size");
  }

  @Test
  void echoesOrAssignsRequestId() {
    HttpResponse<String> given = server.get("/health", "X-Request-Id", "abc-123");
    assertThat(given.headers().firstValue("X-Request-Id")).hasValue("abc-123");
    HttpResponse<String> assigned = server.get("/health", "X-Request-Id", "bad id with spaces");
    assertThat(assigned.headers().firstValue("X-Request-Id")).get().asString().hasSize(36);
  }
}
