package dev.causality.server;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the React app built into the jar under {@code app/}: {@code /app/*} answers a file when
 * there is one and {@code index.html} for every other path (the app's own routes); {@code /} and
 * {@code /app} redirect to {@code /app/}.
 */
final class WebApp {
  private static final Map<String, String> TYPES =
      Map.of(
          "html",
          "text/html; charset=utf-8",
          "js",
          "text/javascript; charset=utf-8",
          "css",
          "text/css; charset=utf-8",
          "svg",
          "image/svg+xml",
          "png",
          "image/png",
          "json",
          "application/json",
          "woff2",
          "font/woff2",
          "ico",
          "image/x-icon",
          "map",
          "application/json",
          "txt",
          "text/plain; charset=utf-8");

  private final ConcurrentHashMap<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

  static void register(JavalinDefaultRoutingApi routes) {
    WebApp w = new WebApp();
    routes.get("/", ctx -> ctx.redirect("/app/"));
    // Trailing slashes are ignored by the router, so "/app" also answers "/app/".
    routes.get(
        "/app",
        ctx -> {
          if (ctx.path().endsWith("/")) {
            w.serve(ctx, "");
          } else {
            ctx.redirect("/app/");
          }
        });
    routes.get("/app/<path>", w::serve);
  }

  private Optional<byte[]> file(String path) {
    return files.computeIfAbsent(
        path,
        p -> {
          try (InputStream in = WebApp.class.getClassLoader().getResourceAsStream("app/" + p)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private void serve(Context ctx) {
    serve(ctx, ctx.pathParam("path"));
  }

  private void serve(Context ctx, String path) {
    if (path.contains("..") || path.contains("\\")) {
      ctx.status(404);
      return;
    }
    Optional<byte[]> body = path.isEmpty() || path.endsWith("/") ? Optional.empty() : file(path);
    String name = path;
    if (body.isEmpty()) {
      if (path.startsWith("assets/")) {
        ctx.status(404).result("no such file");
        return;
      }
      name = "index.html";
      body = file(name);
      if (body.isEmpty()) {
        ctx.status(404)
            .contentType("text/plain")
            .result("the web app is not in this build; build it with ./mvnw package");
        return;
      }
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
    ctx.header(
        "Cache-Control",
        name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.result(body.get());
  }
}
