package dev.causality.dashboards;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A dashboard of a project: tiles on a 12-column grid, one date range and refresh interval for all.
 *
 * @param dateRange the date range of every tile as JSON text (the query API's {@code dateRange})
 * @param tiles the tiles as a JSON array of {@code {id, savedQueryId, x, y, w, h}}
 */
public record Dashboard(
    String id,
    String project,
    String name,
    int refreshSeconds,
    Optional<String> dateRange,
    String tiles,
    String author,
    Instant createdAt,
    Instant updatedAt) {
  public Dashboard {
    requireNonNull(id, "id is null");
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    requireNonNull(dateRange, "dateRange is null");
    requireNonNull(tiles, "tiles is null");
    requireNonNull(author, "author is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
  }
}
