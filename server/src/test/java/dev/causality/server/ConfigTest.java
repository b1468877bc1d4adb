package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void parsesDurations() {
    assertThat(Config.duration("x", "24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Config.duration("x", "30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Config.duration("x", "10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Config.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Config.duration("x", "2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Config.duration("x", "PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> Config.duration("CAUSALITY_DEDUP_WINDOW", "soon"))
        .hasMessageContaining("CAUSALITY_DEDUP_WINDOW must be a duration");
  }

  @Test
  void validatesAndNamesTheSetting() {
    Config c = Config.defaults(Path.of("data"));
    assertThat(c.warehouseFile()).isEqualTo(Path.of("data", "warehouse.duckdb"));
    assertThat(c.withPort(9000).port()).isEqualTo(9000);
    assertThatThrownBy(() -> c.withPort(70000)).hasMessageContaining("CAUSALITY_PORT");
    assertThatThrownBy(() -> c.withRateLimit(-1)).hasMessageContaining("CAUSALITY_RATE_LIMIT");
  }

  @Test
  void serveRefusesAnUnknownIpMode() {
    assertThatThrownBy(() -> TestServer.start(c -> c.withIpMode("sometimes")))
        .hasMessageContaining("CAUSALITY_IP_MODE must be keep, truncate or drop");
  }
}
