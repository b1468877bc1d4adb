package dev.causality.telemetry;

import dev.causality.event.Event;
import dev.causality.event.Events;
import dev.causality.warehouse.DuckDbWarehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;

/** The rollups contract on the embedded warehouse: a real DuckDB file, migrated by Flyway. */
class DuckDbRollupsIT extends RollupsContract {
  DuckDbWarehouse warehouse;

  @Override
  Rollups open(InstantSource clock) {
    try {
      warehouse = DuckDbWarehouse.open(Files.createTempDirectory("telemetry-duckdb").resolve("warehouse.duckdb"), "256MB");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new Migrations(Dialect.DUCKDB, warehouse::newConnection).migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
    return new Rollups(Dialect.DUCKDB, warehouse::newConnection, clock);
  }

  @Override
  void insert(List<Telemetry> events) {
    List<Event> rows = events.stream().map(DuckDbRollupsIT::event).toList();
    warehouse.load(rows, List.of(), warehouse.loadedPosition() + 1);
  }

  static Event event(Telemetry t) {
    return Events.track(t.event).id(t.id).app(t.app).user(t.user).anonymous(t.anonymous).at(t.at).service(t.service)
        .properties(t.propertiesJson()).build();
  }

  @Override
  long rows(String table) {
    return ((Number) warehouse.query("SELECT count(*) FROM " + table, 1).rows().getFirst().getFirst()).longValue();
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
