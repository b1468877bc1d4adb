package dev.causality.sdk;

import dev.causality.server.CausalityServer;
import dev.causality.server.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Causality server in this JVM with its own data dir (after the server's own TestServer).
 */
final class RealServer implements AutoCloseable {
  static final String KEY = "sdk_test_key_0123456789abcdef";

  private final CausalityServer server;

  private RealServer(CausalityServer server) {
    this.server = server;
  }

  static RealServer start() {
    return start(0);
  }

  static RealServer start(int port) {
    try {
      Path dir = Files.createTempDirectory("causality-sdk-it");
      Config c = Config.defaults(dir).withPort(port).withIngestKey(KEY).withRateLimit(0);
      PrintStream console =
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      return new RealServer(CausalityServer.start(c, console));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  int port() {
    return server.port();
  }

  /** Waits until everything acknowledged before this call is in the warehouse (at most 30 s). */
  void awaitLoaded() {
    long target = server.log().end();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.loader().position() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "loader did not catch up: " + server.loader().position() + " < " + target);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  List<List<Object>> query(String sql) {
    awaitLoaded();
    return server.warehouse().query(sql, 100_000).rows();
  }

  long count(String where) {
    return ((Number) query("SELECT count(*) FROM events WHERE " + where).getFirst().getFirst())
        .longValue();
  }

  @Override
  public void close() {
    server.close();
  }
}
