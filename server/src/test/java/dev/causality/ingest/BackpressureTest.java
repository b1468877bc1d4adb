package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.log.FileEventLog;
import dev.causality.projects.Projects;
import dev.causality.projects.SqliteMetadataStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests wait for a loader that is too far behind, for at most two seconds, and are never refused
 * for it.
 */
class BackpressureTest {
  private static final String KEY = "backpressure-key-0123456789";
  private static final long MB = 1024 * 1024;

  @TempDir Path dir;

  private record Setup(
      Ingestion ingestion, SimpleMeterRegistry registry, AutoCloseable resources) {}

  private Setup setup(long maxLagBytes, AtomicLong lag) {
    SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("metadata.sqlite"));
    FileEventLog log = FileEventLog.open(dir.resolve("log"), 1 << 20);
    Projects projects = Projects.of(store);
    projects.createProject("default", "Default");
    projects.createKey("default", "k", OptionalInt.empty(), Optional.of(KEY));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    IngestLimits limits = new IngestLimits(32 * 1024, 5 * 1024 * 1024, 2500, 64, maxLagBytes);
    Ingestion ingestion =
        new Ingestion(
            new Ingestion.Settings(limits, 0, "keep", Optional.empty(), 600_000),
            projects,
            log,
            InstantSource.system(),
            new SecureRandom(),
            registry);
    ingestion.loadLag(lag::get);
    return new Setup(
        ingestion,
        registry,
        () -> {
          ingestion.close();
          log.close();
          store.close();
        });
  }

  private static Ingestion.Response send(Ingestion ingestion) {
    byte[] body =
        "{\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    return ingestion.handle(
        new Ingestion.Request(
            "/v1/batch",
            Optional.of(KEY),
            Optional.empty(),
            new ByteArrayInputStream(body),
            body.length,
            "127.0.0.1",
            Optional.empty(),
            false,
            Optional.empty()));
  }

  private static double throttled(SimpleMeterRegistry r) {
    return r.get("causality_ingest_throttled").counter().count();
  }

  @Test
  void aRequestWaitsUntilTheLoaderCatchesUp() throws Exception {
    AtomicLong lag = new AtomicLong(100 * MB);
    Setup s = setup(MB, lag);
    try (AutoCloseable ignored = s.resources()) {
      CompletableFuture<Ingestion.Response> r =
          CompletableFuture.supplyAsync(() -> send(s.ingestion()));
      // the request reaches the wait only after its own set-up, which on a slow machine took
      // longer than a fixed pause (a flake): wait for the wait to begin instead
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (throttled(s.registry()) < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(throttled(s.registry())).as("held back once").isEqualTo(1.0);
      Thread.sleep(300);
      assertThat(r).as("held back while the loader is behind").isNotDone();
      lag.set(0);
      assertThat(r.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(throttled(s.registry())).isEqualTo(1.0);
    }
  }

  @Test
  void aRequestIsTakenInAfterTwoSecondsEvenIfTheLoaderStaysBehind() throws Exception {
    AtomicLong lag = new AtomicLong(100 * MB);
    Setup s = setup(MB, lag);
    try (AutoCloseable ignored = s.resources()) {
      long start = System.nanoTime();
      Ingestion.Response r = send(s.ingestion());
      assertThat(r.status())
          .as("accepted, never refused for lag: the log is the buffer")
          .isEqualTo(200);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Ingestion.MAX_THROTTLE_NANOS);
      assertThat(throttled(s.registry())).isEqualTo(1.0);
    }
  }

  @Test
  void noWaitBelowTheLimitOrWithTheLimitOff() throws Exception {
    AtomicLong lag = new AtomicLong(MB / 2);
    Setup s = setup(MB, lag);
    try (AutoCloseable ignored = s.resources()) {
      assertThat(send(s.ingestion()).status()).isEqualTo(200);
      assertThat(throttled(s.registry())).isZero();
    }
  }

  @Test
  void zeroTurnsTheWaitOff() throws Exception {
    AtomicLong lag = new AtomicLong(Long.MAX_VALUE);
    Setup s = setup(0, lag);
    try (AutoCloseable ignored = s.resources()) {
      assertThat(send(s.ingestion()).status()).isEqualTo(200);
      assertThat(throttled(s.registry())).isZero();
    }
  }
}
