package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.event.Event;
import dev.causality.event.Events;
import dev.causality.warehouse.DuckDbWarehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rollups contract on the embedded warehouse: a real DuckDB file, migrated by Flyway. */
class DuckDbRollupsIT extends RollupsContract {
  DuckDbWarehouse warehouse;

  @Override
  Rollups open(InstantSource clock) {
    try {
      warehouse =
          DuckDbWarehouse.open(
              Files.createTempDirectory("telemetry-duckdb").resolve("warehouse.duckdb"), "256MB");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new Migrations(Dialect.DUCKDB, warehouse::newConnection)
        .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
    return new Rollups(Dialect.DUCKDB, warehouse::newConnection, clock);
  }

  @Override
  void insert(List<Telemetry> events) {
    List<Event> rows = events.stream().map(DuckDbRollupsIT::event).toList();
    warehouse.load(rows, List.of(), warehouse.loadedPosition() + 1);
  }

  @Test
  void aWorkerRunThatFailsWithAnErrorDoesNotEndTheSchedule() throws Exception {
    // the warehouse is the one set up for every test (migrated, with the data set)
    java.util.concurrent.atomic.AtomicInteger opens =
        new java.util.concurrent.atomic.AtomicInteger();
    // the first connection fails as a broken driver would, with an Error, not an exception
    Rollups flaky =
        new Rollups(
            Dialect.DUCKDB,
            () -> {
              if (opens.getAndIncrement() == 0) {
                throw new NoClassDefFoundError("org/example/BrokenDriverClass");
              }
              return warehouse.newConnection();
            },
            InstantSource.system());
    try (TelemetryWorker worker =
        TelemetryWorker.start(flaky, java.time.Duration.ZERO, java.time.Duration.ofMillis(50))) {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      while (opens.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(opens.get()).as("runs after the failed one").isGreaterThanOrEqualTo(3);
      assertThat(worker.scheduled()).isTrue();
      deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      while (!worker.lastError().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(worker.lastError()).as("a later run succeeded").isEmpty();
    }
  }

  @Test
  void retentionDeletesOldTelemetryEventsAndKeepsRecentOnesProductEventsAndRollups()
      throws SQLException {
    // NOW is D2 12:30; 90 days of retention in whole UTC days keep 2026-08-24 and later
    Telemetry old = Telemetry.event("api_request").at("2026-08-23T23:59:00Z");
    Telemetry oldQuery = Telemetry.event("database_query").at("2026-05-01T10:00:00Z");
    Telemetry firstKeptDay = Telemetry.event("api_request").at("2026-08-24T00:00:00Z");
    Telemetry product = Telemetry.event("Signed Up").user("u9").at("2026-01-01T10:00:00Z");
    insert(List.of(old, oldQuery, firstKeptDay, product));
    rollups.refresh();
    long apiLatencyRows = rows("telemetry_api_latency_hourly");
    long before = rows("events");

    assertThat(rollups.maintain()).isEqualTo(new Rollups.Maintenance(0, 0, 2));
    assertThat(ids()).doesNotContain(old.id, oldQuery.id).contains(firstKeptDay.id, product.id);
    assertThat(rows("events")).isEqualTo(before - 2);
    assertThat(rollups.maintain())
        .as("nothing left to do")
        .isEqualTo(new Rollups.Maintenance(0, 0, 0));

    // the policy table sets the period: 1 day keeps D1 (2026-11-21) on, deletes D's telemetry
    try (Connection c = warehouse.newConnection();
        Statement st = c.createStatement()) {
      st.execute("UPDATE telemetry_policies SET value = INTERVAL 1 DAY WHERE name = 'retention'");
    }
    assertThat(rollups.maintain().eventsDeleted()).isPositive();
    assertThat(
            rows(
                "events WHERE \"timestamp\" < TIMESTAMP '"
                    + D1
                    + " 00:00:00' AND event <> 'Signed Up'"))
        .isZero();
    assertThat(rows("events WHERE \"timestamp\" >= TIMESTAMP '" + D1 + " 00:00:00'")).isPositive();
    assertThat(ids()).contains(product.id);
    assertThat(rows("telemetry_api_latency_hourly"))
        .as("rollup rows are kept")
        .isEqualTo(apiLatencyRows);
  }

  List<String> ids() {
    return warehouse.query("SELECT event_id FROM events", 1000).rows().stream()
        .map(r -> (String) r.getFirst())
        .toList();
  }

  static Event event(Telemetry t) {
    return Events.track(t.event)
        .id(t.id)
        .app(t.app)
        .user(t.user)
        .anonymous(t.anonymous)
        .at(t.at)
        .service(t.service)
        .properties(t.propertiesJson())
        .build();
  }

  @Override
  long rows(String table) {
    return ((Number)
            warehouse.query("SELECT count(*) FROM " + table, 1).rows().getFirst().getFirst())
        .longValue();
  }

  @Override
  void close() {
    Path file = warehouse.file();
    warehouse.close();
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.resolveSibling("warehouse.duckdb.wal"));
      Files.deleteIfExists(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
