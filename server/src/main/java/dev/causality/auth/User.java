package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** A person who signs in: never carries the password hash. */
public record User(
    String id,
    String email,
    Role role,
    Set<String> projects,
    Instant createdAt,
    Optional<Instant> disabledAt) {
  public User {
    requireNonNull(id, "id is null");
    requireNonNull(email, "email is null");
    requireNonNull(role, "role is null");
    projects = Set.copyOf(requireNonNull(projects, "projects is null"));
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(disabledAt, "disabledAt is null");
  }

  public boolean active() {
    return disabledAt.isEmpty();
  }

  Principal principal() {
    return new Principal(id, email, role, projects);
  }
}
