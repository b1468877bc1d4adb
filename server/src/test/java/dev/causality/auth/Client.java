package dev.causality.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test client that behaves like a browser tab towards one server: it keeps the cookies the server
 * sets (honouring Max-Age=0 and the Path of each) and sends them back.
 */
final class Client {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final Map<String, String> paths = new LinkedHashMap<>();
  private String bearer;

  Client(URI base) {
    this.base = base;
  }

  static Client of(int port) {
    return new Client(URI.create("http://127.0.0.1:" + port));
  }

  Client bearer(String token) {
    this.bearer = token;
    return this;
  }

  String cookie(String name) {
    return cookies.get(name);
  }

  void cookie(String name, String value, String path) {
    cookies.put(name, value);
    paths.put(name, path);
  }

  void forget(String name) {
    cookies.remove(name);
    paths.remove(name);
  }

  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    StringBuilder cookie = new StringBuilder();
    String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    cookies.forEach((name, value) -> {
      if (pathOnly.startsWith(paths.getOrDefault(name, "/"))) {
        cookie.append(cookie.isEmpty() ? "" : "; ").append(name).append('=').append(value);
      }
    });
    if (!cookie.isEmpty()) {
      b.header("Cookie", cookie.toString());
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      for (String set : r.headers().allValues("Set-Cookie")) {
        remember(set);
      }
      return r;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void remember(String setCookie) {
    List<String> parts = List.of(setCookie.split(";\\s*"));
    String[] nv = parts.getFirst().split("=", 2);
    String path = "/";
    boolean expired = false;
    for (String p : parts.subList(1, parts.size())) {
      if (p.regionMatches(true, 0, "Path=", 0, 5)) {
        path = p.substring(5);
      } else if (p.equalsIgnoreCase("Max-Age=0")) {
        expired = true;
      }
    }
    if (expired || nv[1].isEmpty()) {
      forget(nv[0]);
    } else {
      cookie(nv[0], nv[1], path);
    }
  }
}
