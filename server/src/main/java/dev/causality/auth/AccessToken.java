package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A personal access token for the APIs ({@code Authorization: Bearer}); its secret is shown once.
 */
public record AccessToken(
    String id,
    String userId,
    String name,
    String prefix,
    Instant createdAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt) {
  public AccessToken {
    requireNonNull(id, "id is null");
    requireNonNull(userId, "userId is null");
    requireNonNull(name, "name is null");
    requireNonNull(prefix, "prefix is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(lastUsedAt, "lastUsedAt is null");
    requireNonNull(revokedAt, "revokedAt is null");
  }

  public boolean active() {
    return revokedAt.isEmpty();
  }
}
