package dev.causality.projects;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.regex.Pattern;

/** A project: the unit events, keys and everything else belong to. Its id is the events' app_id. */
public record Project(String id, String name, Instant createdAt) {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  public Project {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(createdAt, "createdAt is null");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "project id must be 1-63 characters of a-z, 0-9, '-' and '_', starting with a letter or"
              + " digit; was '"
              + id
              + "'");
    }
  }
}
