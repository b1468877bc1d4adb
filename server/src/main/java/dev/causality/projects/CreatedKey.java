package dev.causality.projects;

import static java.util.Objects.requireNonNull;

/** A key just created: the only time its secret exists outside the client that holds it. */
public record CreatedKey(IngestKey key, String secret) {
  public CreatedKey {
    requireNonNull(key, "key is null");
    requireNonNull(secret, "secret is null");
  }
}
