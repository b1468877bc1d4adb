package dev.causality.dashboards;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A named trend, funnel, retention or SQL query of a project, as the web app saved it.
 *
 * @param query the query as JSON text, in the shape of the page that made it
 */
public record SavedQuery(
    String id,
    String project,
    String kind,
    String name,
    String description,
    String query,
    String author,
    Instant createdAt,
    Instant updatedAt) {
  public SavedQuery {
    requireNonNull(id, "id is null");
    requireNonNull(project, "project is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    requireNonNull(query, "query is null");
    requireNonNull(author, "author is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
  }
}
