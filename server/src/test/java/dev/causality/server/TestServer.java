package dev.causality.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** A real Causality server in this JVM on an ephemeral port with its own data dir. */
public final class TestServer implements AutoCloseable {
  public static final String KEY = "test_key_0123456789abcdef";

  private final CausalityServer server;
  private final Path dataDir;

  /** Whether {@link #close()} deletes the data dir: only a temporary one this class created. */
  private boolean ownsDataDir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(CausalityServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  /** Starts with defaults, the {@link #KEY} preset and no rate limit. */
  public static TestServer start() {
    return start(c -> c);
  }

  public static TestServer start(UnaryOperator<Config> customise) {
    try {
      Path dir = Files.createTempDirectory("causality-test");
      TestServer s = start(dir, customise);
      s.ownsDataDir = true;
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static TestServer start(Path dir, UnaryOperator<Config> customise) {
    Config c =
        customise.apply(Config.defaults(dir).withPort(0).withIngestKey(KEY).withRateLimit(0));
    PrintStream console =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new TestServer(CausalityServer.start(c, console), dir);
  }

  public CausalityServer server() {
    return server;
  }

  public Path dataDir() {
    return dataDir;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public HttpResponse<String> post(String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  public HttpResponse<String> postBytes(String path, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  public HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until everything acknowledged before this call is in the warehouse (at most 30 s). The
   * target is the log's end now, not a moving one: with a client still sending (BadInputIT's steady
   * traffic) the loader is always a record or two behind the current end.
   */
  public void awaitLoaded() {
    long target = server.log().end();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.loader().position() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "loader did not catch up: "
                + server.loader().position()
                + " < "
                + target
                + " ("
                + server.loader().lastError()
                + ")");
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Runs a query on the server's warehouse after waiting for the loader. */
  public List<List<Object>> query(String sql) {
    awaitLoaded();
    return server.warehouse().query(sql, 100_000).rows();
  }

  /** A single value of a query. */
  public Object scalar(String sql) {
    return query(sql).getFirst().getFirst();
  }

  @Override
  public void close() {
    server.close();
    if (ownsDataDir) {
      try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
