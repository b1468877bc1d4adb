package dev.causality.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Causality server in a child JVM, for tests that kill it: {@code kill -9}, SIGTERM. Its
 * output goes to {@code server-<n>.log} in the data dir's parent.
 */
public final class ServerProcess implements AutoCloseable {
  private static int started;

  private final Process process;
  private final int port;
  private final Path output;
  private final Path tmpDir;

  private ServerProcess(Process process, int port, Path output, Path tmpDir) {
    this.process = process;
    this.port = port;
    this.output = output;
    this.tmpDir = tmpDir;
  }

  /**
   * Starts {@code causality serve} on a free port with the test key and no rate limit, and with
   * {@code tmp} beside the data dir as its {@code java.io.tmpdir}; waits for /ready.
   */
  public static ServerProcess start(Path dataDir, Map<String, String> env) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path tmpDir = Files.createDirectories(dataDir.toAbsolutePath().getParent().resolve("tmp"));
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmpDir));
    // the coverage agent of the test JVM, so the child's lines count too (JaCoCo appends)
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-javaagent:") && a.contains("jacoco"))
        .forEach(cmd::add);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--data-dir",
            dataDir.toString(),
            "--port",
            Integer.toString(port)));
    Path out = dataDir.toAbsolutePath().getParent().resolve("server-" + (++started) + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    pb.environment().put("CAUSALITY_INGEST_KEY", TestServer.KEY);
    pb.environment().put("CAUSALITY_RATE_LIMIT", "0");
    pb.environment().putAll(env);
    ServerProcess p = new ServerProcess(pb.start(), port, out, tmpDir);
    p.awaitReady(Duration.ofSeconds(60));
    return p;
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public Path output() {
    return output;
  }

  /** The server's {@code java.io.tmpdir}. */
  public Path tmpDir() {
    return tmpDir;
  }

  public Process process() {
    return process;
  }

  void awaitReady(Duration timeout) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("server exited with " + process.exitValue() + "; see " + output);
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri("/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("server not ready after " + timeout + "; see " + output);
  }

  /** {@code kill -9}: no shutdown hook, no flush. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM; returns the exit code, or -1 if it did not exit in time. */
  public int sigterm(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
