package dev.causality.dashboards;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** One statement a user ran in the SQL editor, kept for their history. */
public record SqlHistoryEntry(
    long id,
    String userId,
    String project,
    String sql,
    Instant ranAt,
    long rowCount,
    long elapsedMs,
    Optional<String> error) {
  public SqlHistoryEntry {
    requireNonNull(userId, "userId is null");
    requireNonNull(project, "project is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(ranAt, "ranAt is null");
    requireNonNull(error, "error is null");
  }
}
