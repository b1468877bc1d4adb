package dev.causality.ingest;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The HTTP face of ingestion: every path, auth form and CORS rule of the ingestion contract. */
public final class IngestRoutes {
  private static final List<String> POST_PATHS =
      List.of(
          "track",
          "identify",
          "page",
          "screen",
          "group",
          "alias",
          "t",
          "i",
          "p",
          "s",
          "g",
          "a",
          "batch",
          "import",
          "b",
          "m",
          "events/ingest",
          "analytics/track",
          "analytics/identify",
          "analytics/page");

  private final Ingestion ingestion;
  private final boolean trustProxy;

  private IngestRoutes(Ingestion ingestion, boolean trustProxy) {
    this.ingestion = ingestion;
    this.trustProxy = trustProxy;
  }

  /**
   * Registers the ingestion paths, each also under any path prefix ({@code /segment/v1/batch}) as
   * some clients put a prefix in their host setting.
   */
  public static void register(
      JavalinDefaultRoutingApi routes, Ingestion ingestion, boolean trustProxy) {
    IngestRoutes r = new IngestRoutes(ingestion, trustProxy);
    for (String prefix : List.of("/v1/", "/<prefix>/v1/")) {
      for (String p : POST_PATHS) {
        routes.post(prefix + p, r::ingest);
        routes.options(prefix + p, IngestRoutes::preflight);
      }
      routes.get(prefix + "projects/{writeKey}/settings", r::settings);
      routes.options(prefix + "projects/{writeKey}/settings", IngestRoutes::preflight);
    }
  }

  private void ingest(Context ctx) throws Exception {
    cors(ctx);
    Ingestion.Response res =
        ingestion.handle(
            new Ingestion.Request(
                ctx.path(),
                headerKey(ctx),
                Optional.ofNullable(ctx.header("Content-Encoding")),
                ctx.req().getInputStream(),
                ctx.req().getContentLengthLong(),
                clientIp(ctx),
                Optional.ofNullable(ctx.header("User-Agent")),
                ctx.header("Origin") != null,
                Optional.ofNullable(ctx.header("SentAt"))));
    send(ctx, res);
  }

  private void settings(Context ctx) {
    cors(ctx);
    String scheme =
        trustProxy && ctx.header("X-Forwarded-Proto") != null
            ? ctx.header("X-Forwarded-Proto")
            : ctx.scheme();
    send(ctx, ingestion.settings(ctx.pathParam("writeKey"), ctx.host(), scheme));
  }

  static void send(Context ctx, Ingestion.Response res) {
    res.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", Long.toString(s)));
    ctx.status(res.status()).contentType("application/json").result(res.body());
  }

  private static void cors(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin != null) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Access-Control-Allow-Credentials", "true");
      ctx.header("Vary", "Origin");
    }
  }

  private static void preflight(Context ctx) {
    cors(ctx);
    ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    String requested = ctx.header("Access-Control-Request-Headers");
    if (requested != null) {
      ctx.header("Access-Control-Allow-Headers", requested);
    }
    ctx.header("Access-Control-Max-Age", "86400");
    ctx.status(204);
  }

  /** The key from Basic auth (user name, with or without colon), a header, or the query string. */
  static Optional<String> headerKey(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String user = colon >= 0 ? decoded.substring(0, colon) : decoded;
        if (!user.isEmpty()) {
          return Optional.of(user);
        }
      } catch (IllegalArgumentException e) {
        return Optional.of("");
      }
    }
    for (String h : new String[] {"X-Write-Key", "X-API-Key"}) {
      String v = ctx.header(h);
      if (v != null && !v.isBlank()) {
        return Optional.of(v.trim());
      }
    }
    String query = ctx.req().getQueryString();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("writeKey=")) {
          return Optional.of(java.net.URLDecoder.decode(pair.substring(9), StandardCharsets.UTF_8));
        }
      }
    }
    return Optional.empty();
  }

  private String clientIp(Context ctx) {
    if (trustProxy) {
      // the client as the first proxy saw it: the leftmost non-empty entry (a header of only
      // commas or spaces names nobody, and then the peer address is all there is)
      String xff = ctx.header("X-Forwarded-For");
      if (xff != null) {
        for (String entry : xff.split(",")) {
          if (!entry.isBlank()) {
            return entry.strip();
          }
        }
      }
    }
    return ctx.req().getRemoteAddr();
  }
}
