package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.util.Set;

/**
 * Who is calling an {@code /api/*} route, set on the request by the access check before any handler
 * runs.
 *
 * @param userId the user (or {@code "admin-token"} for {@code CAUSALITY_ADMIN_TOKEN})
 * @param role what they may do
 * @param projects the projects they may see; admins see every project
 */
public record Principal(String userId, String email, Role role, Set<String> projects) {
  static final String ATTRIBUTE = "causality.principal";

  public Principal {
    requireNonNull(userId, "userId is null");
    requireNonNull(email, "email is null");
    requireNonNull(role, "role is null");
    if (role == Role.ANYONE) {
      throw new IllegalArgumentException(
          "role ANYONE marks public routes; a principal is a viewer, editor or admin");
    }
    projects = Set.copyOf(requireNonNull(projects, "projects is null"));
  }

  /** The caller of this request; 401 when the access check did not let anybody in. */
  public static Principal of(Context ctx) {
    Principal p = ctx.attribute(ATTRIBUTE);
    if (p == null) {
      throw new UnauthorizedResponse("sign in first");
    }
    return p;
  }

  /** Whether this caller may see {@code project}. */
  public boolean canSee(String project) {
    return role == Role.ADMIN || projects.contains(project);
  }

  /**
   * Returns {@code project} when this caller may see it; otherwise 403 (the same answer whether or
   * not the project exists, so project names do not leak).
   */
  public String project(String project) {
    requireNonNull(project, "project is null");
    if (!canSee(project)) {
      throw new ForbiddenResponse("no access to project '" + project + "'");
    }
    return project;
  }
}
