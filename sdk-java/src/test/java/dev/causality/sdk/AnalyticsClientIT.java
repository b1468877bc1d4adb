package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDK against a real Causality server in this JVM, directly or through a scripted proxy. */
class AnalyticsClientIT {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static RealServer server;

  @BeforeAll
  static void start() {
    server = RealServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String service() {
    return "it-" + UUID.randomUUID();
  }

  static Causality.Builder builder(String url, String service) {
    return Causality.builder(RealServer.KEY)
        .endpoint(url)
        .service(service)
        .shutdownHook(false)
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  static List<String> column(String sql) {
    return server.query(sql).stream().map(r -> String.valueOf(r.getFirst())).toList();
  }

  static JsonNode json(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> messageIds(Proxy.Seen request) {
    List<String> ids = new ArrayList<>();
    json(request.body()).path("batch").forEach(item -> ids.add(item.path("messageId").asText()));
    return ids;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void typedEventsAndEveryCallArriveWithTheirPropertiesAndContext() {
    String svc = service();
    try (AnalyticsClient client = builder(server.url(), svc).hostname("host-7").build()) {
      client.track(new Events.ApiRequest("POST", "/v1/tasks", 201, Duration.ofMillis(42)));
      client.track(new Events.TaskCompleted("u1", "task-9", "build", Duration.ofSeconds(2)));
      client.track(
          "u1",
          "custom_thing",
          Map.of("nested", Map.of("list", List.of(1, 2)), "text", "naïve \"quoted\" 🎉"));
      client.identify("u1", Map.of("plan", "pro"));
      client.page("u1", "Pricing", Map.of("path", "/pricing"));
      client.screen("u1", "Home", Map.of());
      client.group("u1", "acme", Map.of("seats", 5));
      client.alias("anon-1", "u1");
      assertThat(client.flush()).isTrue();
      assertThat(client.stats().sent()).isEqualTo(8);
    }
    List<List<Object>> api =
        server.query(
            "SELECT type, event, user_id, anonymous_id, service, library_name, library_version, "
                + "properties->>'method', properties->>'route', (properties->>'status_code')::INT, (properties->>'latency_ms')::DOUBLE, "
                + "properties->>'service', context->>'hostname', context->>'java_version' FROM events WHERE service = '"
                + svc
                + "' AND event = 'api_request'");
    assertThat(api).hasSize(1);
    assertThat(api.getFirst())
        .containsExactly(
            "track",
            "api_request",
            null,
            svc,
            svc,
            "causality-java",
            Causality.VERSION,
            "POST",
            "/v1/tasks",
            201,
            42.0,
            svc,
            "host-7",
            Runtime.version().toString());
    assertThat(
            server
                .query(
                    "SELECT user_id, properties->>'task_id', (properties->>'duration_ms')::DOUBLE FROM events "
                        + "WHERE service = '"
                        + svc
                        + "' AND event = 'task_completed'")
                .getFirst())
        .containsExactly("u1", "task-9", 2000.0);
    assertThat(
            server
                .query(
                    "SELECT (properties->'nested'->'list')::VARCHAR, properties->>'text' FROM events WHERE service = '"
                        + svc
                        + "' AND event = 'custom_thing'")
                .getFirst())
        .containsExactly("[1,2]", "naïve \"quoted\" 🎉");
    assertThat(column("SELECT type FROM events WHERE service = '" + svc + "' ORDER BY type"))
        .containsExactly("alias", "group", "identify", "page", "screen", "track", "track", "track");
    assertThat(
            server
                .query(
                    "SELECT group_id, traits->>'seats' FROM events WHERE service = '"
                        + svc
                        + "' AND type = 'group'")
                .getFirst())
        .containsExactly("acme", "5");
    assertThat(
            column(
                "SELECT previous_id FROM events WHERE service = '" + svc + "' AND type = 'alias'"))
        .containsExactly("anon-1");
  }

  @Test
  void batchesAreSentWhenFullAndWhenTheOldestMessageIsAFlushIntervalOld()
      throws InterruptedException {
    String svc = service();
    try (Proxy proxy = new Proxy(server.url());
        AnalyticsClient bySize =
            builder(proxy.url(), svc).batchSize(10).flushInterval(Duration.ofHours(1)).build()) {
      for (int i = 0; i < 25; i++) {
        bySize.track("sized", Map.of("i", i));
      }
      await("two full batches", () -> bySize.stats().sent() == 20);
      assertThat(proxy.seen()).extracting(s -> messageIds(s).size()).containsExactly(10, 10);
      assertThat(proxy.seen())
          .allSatisfy(s -> {
            assertThat(s.path()).isEqualTo("/v1/batch");
            assertThat(s.contentEncoding()).isEqualTo("gzip");
            assertThat(s.authorization()).startsWith("Basic ");
          });
      bySize.flush();
      assertThat(proxy.seen()).extracting(s -> messageIds(s).size()).containsExactly(10, 10, 5);
    }
    assertThat(server.count("service = '" + svc + "' AND event = 'sized'")).isEqualTo(25);

    String svc2 = service();
    try (Proxy proxy = new Proxy(server.url());
        AnalyticsClient byTime =
            builder(proxy.url(), svc2)
                .batchSize(100)
                .flushInterval(Duration.ofMillis(200))
                .build()) {
      byTime.track("timed", Map.of());
      byTime.track("timed", Map.of());
      byTime.track("timed", Map.of());
      await("the interval's batch", () -> byTime.stats().sent() == 3);
      assertThat(proxy.seen()).extracting(s -> messageIds(s).size()).containsExactly(3);
    }
    assertThat(server.count("service = '" + svc2 + "' AND event = 'timed'")).isEqualTo(3);
  }

  @Test
  void failedAttemptsAreRetriedAndEveryEventIsStoredExactlyOnce() throws InterruptedException {
    String svc = service();
    List<Long> pauses = Collections.synchronizedList(new ArrayList<>());
    try (Proxy proxy = new Proxy(server.url())) {
      // a 500 that never reached the server, an answer lost after the server stored the batch, a
      // 429 with Retry-After
      proxy
          .answer(500, "", "{\"success\":false}")
          .loseAnswer(503)
          .answer(429, "3", "{\"success\":false}");
      AnalyticsClient.Setup setup = builder(proxy.url(), svc).batchSize(50).buildParts();
      Thread worker =
          Thread.ofPlatform()
              .start(
                  new AnalyticsWorker(
                      setup.config().withPauser(pauses::add),
                      HttpSink.create(proxy.url(), RealServer.KEY)));
      try (AnalyticsClient client = setup.client()) {
        for (int i = 0; i < 30; i++) {
          client.track("u" + i, "retried", Map.of("i", i));
        }
        assertThat(client.flush()).isTrue();
        Stats stats = client.stats();
        assertThat(stats.sent()).isEqualTo(30);
        assertThat(stats.retries()).isEqualTo(3);
        assertThat(stats.failed()).isZero();
      }
      worker.join(Duration.ofSeconds(10));
      assertThat(worker.isAlive()).as("run() returned after close()").isFalse();
      List<Proxy.Seen> seen = proxy.seen();
      assertThat(seen).extracting(Proxy.Seen::status).containsExactly(500, 503, 429, 200);
      assertThat(seen)
          .extracting(AnalyticsClientIT::messageIds)
          .allSatisfy(ids -> assertThat(ids).isEqualTo(messageIds(seen.getFirst())));
      assertThat(pauses).hasSize(3);
      assertThat(pauses.get(2)).isEqualTo(Duration.ofSeconds(3).toNanos());
    }
    assertThat(server.count("service = '" + svc + "'")).isEqualTo(30);
    assertThat(
            server.count(
                "service = '"
                    + svc
                    + "' AND event_id IN (SELECT event_id FROM events GROUP BY event_id HAVING count(*) > 1)"))
        .isZero();
  }

  @Test
  void aClientErrorIsNotRetried() {
    String svc = service();
    try (Proxy proxy = new Proxy(server.url());
        AnalyticsClient client = builder(proxy.url(), svc).build()) {
      proxy.answer(400, "", "{\"success\":false,\"code\":\"invalid_json\"}");
      client.track("refused", Map.of());
      client.track("refused", Map.of());
      assertThat(client.flush()).isTrue();
      assertThat(proxy.seen()).hasSize(1);
      assertThat(client.stats().failed()).isEqualTo(2);
      assertThat(client.stats().retries()).isZero();
      assertThat(client.stats().lastError()).contains("400").contains("invalid_json");
    }
    try (AnalyticsClient wrongKey =
        Causality.builder("not-a-key-000000000")
            .endpoint(server.url())
            .service(svc)
            .shutdownHook(false)
            .build()) {
      wrongKey.track("unauthorised", Map.of());
      assertThat(wrongKey.flush()).isTrue();
      assertThat(wrongKey.stats().failed()).isEqualTo(1);
      assertThat(wrongKey.stats().lastError()).contains("401");
    }
    assertThat(server.count("service = '" + svc + "'")).isZero();
  }

  @Test
  void closeLosesNothingTrackedFromManyThreads() throws InterruptedException {
    String svc = service();
    AnalyticsClient client =
        builder(server.url(), svc).batchSize(50).flushInterval(Duration.ofHours(1)).build();
    List<Thread> threads =
        IntStream.range(0, 4)
            .mapToObj(t ->
                Thread.ofPlatform()
                    .start(() -> {
                      for (int i = 0; i < 250; i++) {
                        client.track("u" + t, "busy", Map.of("i", i));
                      }
                    }))
            .toList();
    for (Thread t : threads) {
      t.join();
    }
    client.close();
    assertThat(client.stats()).isEqualTo(new Stats(1000, 1000, 0, 0, 0, 0, "", Map.of()));
    assertThat(server.count("service = '" + svc + "' AND event = 'busy'")).isEqualTo(1000);
  }

  @Test
  void eventsTrackedWhileTheServerIsDownArriveWhenItIsBackAndTheQueueKeepsTheNewest()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String svc = service();
    try (AnalyticsClient client =
        builder("http://127.0.0.1:" + port, svc)
            .batchSize(10)
            .maxQueueSize(20)
            .flushInterval(Duration.ofMillis(50))
            .requestTimeout(Duration.ofSeconds(2))
            .build()) {
      for (int i = 0; i < 50; i++) {
        client.track("outage", Map.of("i", i));
      }
      await("retries against the absent server", () -> client.stats().retries() >= 3);
      try (RealServer late = RealServer.start(port)) {
        assertThat(client.flush()).isTrue();
        Stats stats = client.stats();
        assertThat(stats.sent() + stats.dropped()).isEqualTo(50);
        assertThat(stats.dropped()).isGreaterThanOrEqualTo(20);
        assertThat(stats.failed()).isZero();
        List<Integer> stored =
            late
                .query(
                    "SELECT (properties->>'i')::INT FROM events WHERE service = '"
                        + svc
                        + "' ORDER BY 1")
                .stream()
                .map(r -> ((Number) r.getFirst()).intValue())
                .toList();
        assertThat(stored)
            .hasSize((int) stats.sent())
            .containsAll(IntStream.range(30, 50).boxed().toList());
      }
    }
  }

  /**
   * The case as stated: the server is down for a whole minute while the service keeps
   * tracking (one event a second, with the SDK's default batching, backoff and timeouts); when the
   * server comes back every event arrives, once, and nothing was dropped or failed.
   */
  @Test
  void aMinuteLongOutageLosesNothing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String svc = service();
    try (AnalyticsClient client =
        Causality.builder(RealServer.KEY)
            .endpoint("http://127.0.0.1:" + port)
            .service(svc)
            .shutdownHook(false)
            .build()) {
      long start = System.nanoTime();
      for (int i = 0; i < 60; i++) {
        client.track("outage_minute", Map.of("i", i));
        long next = start + Duration.ofSeconds(i + 1).toNanos();
        while (System.nanoTime() < next) {
          Thread.sleep(Math.max(1, (next - System.nanoTime()) / 1_000_000));
        }
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(60));
      Stats down = client.stats();
      assertThat(down.sent()).isZero();
      assertThat(down.retries()).as("the SDK kept retrying during the outage").isPositive();
      try (RealServer back = RealServer.start(port)) {
        assertThat(client.flush()).isTrue();
        Stats stats = client.stats();
        assertThat(stats.sent()).isEqualTo(60);
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        List<Integer> stored =
            back
                .query(
                    "SELECT (properties->>'i')::INT FROM events WHERE service = '"
                        + svc
                        + "' ORDER BY 1")
                .stream()
                .map(r -> ((Number) r.getFirst()).intValue())
                .toList();
        assertThat(stored).isEqualTo(IntStream.range(0, 60).boxed().toList());
      }
    }
  }
}
