package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresSinkTest {
  @Test
  void writesPropertiesAsJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("route", "/v1/\"things\"\n");
    m.put("status_code", 200);
    m.put("latency_ms", 12.5);
    m.put("ok", true);
    m.put("none", null);
    m.put("nan", Double.NaN);
    m.put("tags", List.of("a", 1));
    m.put("nested", Map.of("k", "\u0001"));
    assertThat(PostgresSink.json(m)).isEqualTo(
        "{\"route\":\"/v1/\\\"things\\\"\\n\",\"status_code\":200,\"latency_ms\":12.5,\"ok\":true,\"none\":null,\"nan\":null,"
            + "\"tags\":[\"a\",1],\"nested\":{\"k\":\"\\u0001\"}}");
  }

  @Test
  void connectionAndTransactionFailuresAreRetriedOthersAreNot() {
    assertThat(PostgresSink.retriable(new SQLException("refused", "08001"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("serialization", "40001"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("shutting down", "57P01"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("no table", "42P01"))).isFalse();
    assertThat(PostgresSink.retriable(new SQLException("out of range", "22003"))).isFalse();
  }
}
