package dev.causality.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlHistoryTest {
  @Test
  void keepsTheLastFiftyStatementsOfEachUser(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("metadata.db");
    dev.causality.projects.SqliteMetadataStore.open(file).close();
    try (SqliteDashboardStore store = SqliteDashboardStore.open(file)) {
      Dashboards d =
          new Dashboards(
              store, InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z")), new Random(1));
      for (int i = 0; i < 60; i++) {
        d.recordSql("ada", "default", "SELECT " + i, 1, 2, Optional.empty());
      }
      d.recordSql("bob", "default", "SELECT 'bob'", 1, 2, Optional.of("boom"));
      assertThat(d.history("ada")).hasSize(50);
      assertThat(d.history("ada").getFirst().sql()).isEqualTo("SELECT 59");
      assertThat(d.history("ada").getLast().sql()).isEqualTo("SELECT 10");
      assertThat(d.history("bob"))
          .singleElement()
          .satisfies(e -> assertThat(e.error()).contains("boom"));
    }
    assertThat(Files.exists(file)).isTrue();
  }
}
