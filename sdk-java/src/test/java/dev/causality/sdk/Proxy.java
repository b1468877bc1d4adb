package dev.causality.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An HTTP proxy in front of the real server that answers from a script first (a status, a
 * Retry-After, a body) and forwards once the script is used up. It records every request's body.
 */
final class Proxy implements AutoCloseable {
  /**
   * A scripted answer; with {@code forward}, the request reaches the server first and its answer is
   * replaced.
   */
  record Answer(int status, String retryAfter, String body, boolean forward) {}

  record Seen(String path, String authorization, String contentEncoding, String body, int status) {}

  private final HttpServer http;
  private final String target;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Seen> seen = new ArrayList<>();

  Proxy(String target) {
    this.target = target;
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.createContext("/", this::handle);
    http.start();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  synchronized Proxy answer(int status, String retryAfter, String body) {
    script.add(new Answer(status, retryAfter, body, false));
    return this;
  }

  /**
   * Forwards the next request but answers {@code status}: the server stored it, the client thinks
   * not.
   */
  synchronized Proxy loseAnswer(int status) {
    script.add(new Answer(status, "", "{\"success\":false}", true));
    return this;
  }

  synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] raw = ex.getRequestBody().readAllBytes();
      String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
      String body = new String("gzip".equals(encoding) ? gunzip(raw) : raw, StandardCharsets.UTF_8);
      Answer a;
      synchronized (this) {
        a = script.poll();
      }
      int status;
      byte[] out;
      if (a != null && a.forward()) {
        forward(ex, raw);
      }
      if (a != null) {
        status = a.status();
        out = a.body().getBytes(StandardCharsets.UTF_8);
        if (!a.retryAfter().isEmpty()) {
          ex.getResponseHeaders().add("Retry-After", a.retryAfter());
        }
      } else {
        HttpResponse<byte[]> r = forward(ex, raw);
        status = r.statusCode();
        out = r.body();
      }
      synchronized (this) {
        seen.add(
            new Seen(
                ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Authorization"),
                encoding,
                body,
                status));
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
    }
  }

  private HttpResponse<byte[]> forward(HttpExchange ex, byte[] raw) throws IOException {
    HttpRequest.Builder forward =
        HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(raw));
    for (String h : List.of("Authorization", "Content-Encoding", "Content-Type")) {
      String v = ex.getRequestHeaders().getFirst(h);
      if (v != null) {
        forward.header(h, v);
      }
    }
    try {
      return client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
