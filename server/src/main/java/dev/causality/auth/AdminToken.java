package dev.causality.auth;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Until accounts exist, the query and SQL APIs are for whoever holds {@code CAUSALITY_ADMIN_TOKEN}
 * ({@code Authorization: Bearer …}). One check for every protected path, not one per handler.
 */
public final class AdminToken {
  private final Optional<byte[]> token;

  public AdminToken(Optional<String> token) {
    this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether {@code path} needs the token: the {@code /api/*} paths and the query API — but not
   * ingestion mounted under an {@code /api} prefix ({@code /api/segment/v1/batch}), which
   * authenticates with write keys.
   */
  public static boolean protects(String path) {
    return (path.startsWith("/api/") && !path.contains("/v1/")) || path.equals("/v1/analytics/query") || path.equals("/v1/analytics/query/");
  }

  /** A before-handler: refuses the request with 401 unless it carries the admin token. */
  public void check(Context ctx) {
    if (!protects(ctx.path()) || ctx.method().name().equals("OPTIONS")) {
      return;
    }
    if (token.isEmpty()) {
      throw new UnauthorizedResponse("this API needs CAUSALITY_ADMIN_TOKEN to be set on the server; send it as Authorization: Bearer <token>");
    }
    String auth = ctx.header("Authorization");
    byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(given, token.get())) {
      throw new UnauthorizedResponse("missing or wrong admin token (Authorization: Bearer <CAUSALITY_ADMIN_TOKEN>)");
    }
    ctx.attribute(Principal.ATTRIBUTE, new Principal("admin-token", "", Role.ADMIN, java.util.Set.of()));
  }
}
