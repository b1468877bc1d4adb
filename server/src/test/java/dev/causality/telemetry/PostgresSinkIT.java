package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.sdk.PostgresSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SDK's PostgreSQL sink against the migrated schema: bulk inserts, repeats skipped, rollups over them. */
class PostgresSinkIT {
  static final Instant HOUR = Instant.parse("2026-11-20T10:00:00Z");

  static List<PostgresSink.Event> requests(int n) {
    List<PostgresSink.Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(PostgresSink.Event.track("msg-" + i, "api_request", "u" + (i % 7), "billing", HOUR.plusSeconds(i),
          Map.of("method", "POST", "route", "/invoices", "status_code", i % 10 == 0 ? 500 : 200, "latency_ms", i + 1)));
    }
    return out;
  }

  @Test
  void writesBatchesOnceAndTheRollupsSeeThem() {
    try (PgTestDatabase db = PgTestDatabase.create()) {
      new Migrations(Dialect.POSTGRESQL, db.database()).migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
      PostgresSink sink = PostgresSink.create(db.jdbcUrl(), "default");
      List<PostgresSink.Event> events = requests(1200);
      assertThat(sink.write(events)).isEqualTo(new PostgresSink.Result.Written(1200, 0));
      // a retried batch: every row is already there
      assertThat(sink.write(events.subList(0, 600))).isEqualTo(new PostgresSink.Result.Written(0, 600));

      Rollups rollups = new Rollups(Dialect.POSTGRESQL, db.database(), () -> Instant.parse("2026-11-21T00:00:00Z"));
      rollups.refresh();
      Rollups.Answer a = rollups.read(new Rollups.Request("api_latency", HOUR, HOUR.plusSeconds(3600), "default", Optional.of("billing")));
      assertThat(a.rows()).hasSize(1);
      // latencies 1..1200: p50 = 600.5; every tenth request failed
      assertThat(a.rows().getFirst()).containsEntry("requests", 1200L).containsEntry("server_errors", 120L)
          .containsEntry("latency_ms_p50", 600.5).containsEntry("latency_ms_max", 1200.0).containsEntry("route", "/invoices");
      Rollups.Answer users = rollups.read(new Rollups.Request("daily_active_users", HOUR, HOUR.plusSeconds(3600), "default",
          Optional.empty()));
      assertThat(users.rows().getFirst()).containsEntry("dau", 7L);
    }
  }

  @Test
  void failuresAreValuesThatSayWhetherToRetry() {
    PostgresSink down = PostgresSink.create("jdbc:postgresql://127.0.0.1:1/none?user=postgres&connectTimeout=2", "default");
    assertThat(down.write(requests(1))).isInstanceOfSatisfying(PostgresSink.Result.Failed.class,
        f -> assertThat(f.retriable()).as(f.reason()).isTrue());
    try (PgTestDatabase db = PgTestDatabase.create()) {
      PostgresSink unmigrated = PostgresSink.create(db.jdbcUrl(), "default");
      assertThat(unmigrated.write(requests(1))).isInstanceOfSatisfying(PostgresSink.Result.Failed.class, f -> {
        assertThat(f.retriable()).isFalse();
        assertThat(f.reason()).contains("42P01").contains("analytics_events");
      });
    }
  }
}
