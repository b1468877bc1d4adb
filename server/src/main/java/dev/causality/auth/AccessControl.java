package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one access check for every {@code /api/*} route and the public query API: refuses cross-site
 * browser requests, finds the caller (a personal token in {@code Authorization: Bearer}, else the
 * session cookie), and compares their role with the least role the route declares. A route that
 * declares none is refused to everybody, so a forgotten declaration fails closed. Also sets the
 * security headers of every response.
 */
public final class AccessControl {
  static final String SESSION_COOKIE = "causality_session";
  static final String REFRESH_COOKIE = "causality_refresh";

  private final Accounts accounts;
  private final boolean trustProxy;

  public AccessControl(Accounts accounts, boolean trustProxy) {
    this.accounts = requireNonNull(accounts, "accounts is null");
    this.trustProxy = trustProxy;
  }

  /**
   * Whether {@code path} is guarded here: the {@code /api/*} paths and the query API — but not
   * ingestion mounted under an {@code /api} prefix ({@code /api/segment/v1/batch}), which
   * authenticates with write keys.
   */
  public static boolean protects(String path) {
    return (path.startsWith("/api/") && !path.contains("/v1/"))
        || path.equals("/v1/analytics/query")
        || path.startsWith("/v1/analytics/query/");
  }

  /** Security headers for every response (set before the handler, so errors carry them too). */
  public void headers(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "strict-origin-when-cross-origin");
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:;"
            + " font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none';"
            + " frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    if (https(ctx)) {
      ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  }

  boolean https(Context ctx) {
    if ("https".equalsIgnoreCase(ctx.scheme())) {
      return true;
    }
    String forwarded = ctx.header("X-Forwarded-Proto");
    return trustProxy
        && forwarded != null
        && forwarded.trim().toLowerCase(Locale.ROOT).startsWith("https");
  }

  /** The before-handler for matched routes. */
  public void check(Context ctx) {
    if (!protects(ctx.path())) {
      return;
    }
    refuseCrossSite(ctx);
    Role needed = needed(ctx.routeRoles());
    if (needed == null) {
      throw new ForbiddenResponse("this route declares no role and is closed to everybody");
    }
    Optional<Principal> caller = authenticate(ctx);
    caller.ifPresent(p -> ctx.attribute(Principal.ATTRIBUTE, p));
    if (needed == Role.ANYONE) {
      return;
    }
    Principal p =
        caller.orElseThrow(() ->
            new UnauthorizedResponse(
                "sign in (POST /api/auth/login) or send a personal access token as Authorization: Bearer <token>"));
    if (!p.role().covers(needed)) {
      throw new ForbiddenResponse(
          "this needs the "
              + needed.name().toLowerCase(Locale.ROOT)
              + " role; you are "
              + p.role().name().toLowerCase(Locale.ROOT));
    }
  }

  private static Role needed(Set<RouteRole> roles) {
    Role least = null;
    for (RouteRole r : roles) {
      if (r instanceof Role role && (least == null || role.ordinal() < least.ordinal())) {
        least = role;
      }
    }
    return least;
  }

  /**
   * Browsers say where a request comes from: {@code Sec-Fetch-Site} (all current browsers) and
   * {@code Origin}. Anything but same-origin (or a direct navigation) is refused, so another site
   * cannot make a signed-in browser call the API. Clients that are not browsers send neither.
   */
  private static void refuseCrossSite(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      throw new ForbiddenResponse(
          "cross-site requests to the API are refused (Sec-Fetch-Site: " + site + ")");
    }
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals("null")) {
      String host = ctx.header("Host");
      String originHost;
      try {
        URI u = URI.create(origin);
        originHost = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
      } catch (IllegalArgumentException e) {
        originHost = "";
      }
      if (host == null
          || !host.equalsIgnoreCase(originHost)
              && !hostWithoutDefaultPort(host).equalsIgnoreCase(originHost)) {
        throw new ForbiddenResponse(
            "cross-origin requests to the API are refused (Origin: " + origin + ")");
      }
    } else if ("null".equals(origin)) {
      throw new ForbiddenResponse("requests from an opaque origin are refused");
    }
  }

  private static String hostWithoutDefaultPort(String host) {
    return host.endsWith(":80") || host.endsWith(":443")
        ? host.substring(0, host.lastIndexOf(':'))
        : host;
  }

  private Optional<Principal> authenticate(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      // A token that is present but wrong is refused outright rather than falling back to a cookie.
      Optional<Principal> p = accounts.authenticateToken(auth.substring(7).trim());
      if (p.isEmpty()) {
        throw new UnauthorizedResponse(
            "the bearer token is unknown, revoked, or its owner is disabled");
      }
      return p;
    }
    String session = ctx.cookie(SESSION_COOKIE);
    return session == null ? Optional.empty() : accounts.authenticateSession(session);
  }
}
