package dev.causality.auth;

import io.javalin.security.RouteRole;

/**
 * The least role a route needs. Every {@code /api/*} route is registered with exactly one ({@code
 * routes.get(path, handler, Role.VIEWER)}); one before-handler enforces it for all of them, and a
 * route registered without one is refused to everybody (fail closed).
 */
public enum Role implements RouteRole {
  /** No sign-in needed: the sign-in, refresh and sign-out routes. Never a person's role. */
  ANYONE,
  /** Reads charts, dashboards, events and runs SQL in the projects given to them. */
  VIEWER,
  /** A viewer who also creates and changes dashboards, saved queries and alerts. */
  EDITOR,
  /** Everything: users, projects, keys, tokens, the audit log. */
  ADMIN;

  /** Whether a holder of this role may use a route that needs {@code needed}. */
  public boolean covers(Role needed) {
    return ordinal() >= needed.ordinal();
  }
}
