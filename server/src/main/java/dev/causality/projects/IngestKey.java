package dev.causality.projects;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An ingestion (write) key of a project, as stored: never the secret itself, only its hash and a
 * short prefix for people to recognise it. {@code rateLimit} is events per second when set.
 */
public record IngestKey(
    String id,
    String projectId,
    String name,
    String prefix,
    OptionalInt rateLimit,
    Instant createdAt,
    Optional<Instant> revokedAt) {
  public IngestKey {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(prefix, "prefix is null");
    requireNonNull(rateLimit, "rateLimit is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(revokedAt, "revokedAt is null");
  }

  public boolean active() {
    return revokedAt.isEmpty();
  }
}
