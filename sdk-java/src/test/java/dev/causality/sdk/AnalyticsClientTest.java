package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client and worker against a fake sink, with a fake clock where time matters. */
class AnalyticsClientTest {
  static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final List<Long> pauses = Collections.synchronizedList(new ArrayList<>());
  final FakeSink sink = new FakeSink();
  final List<Thread> threads = new ArrayList<>();
  AnalyticsClient client;

  Causality.Builder builder() {
    return Causality.builder("key")
        .service("svc")
        .hostname("host-1")
        .shutdownHook(false)
        .clock(InstantSource.fixed(T0))
        .random(new SplittableRandom(7))
        .nanoTime(nanos::get);
  }

  /** A client whose worker runs on a test thread; retry pauses are recorded, not waited. */
  AnalyticsClient start(Causality.Builder b) {
    AnalyticsClient.Setup setup = b.buildParts();
    AnalyticsWorker worker =
        new AnalyticsWorker(
            setup
                .config()
                .withPauser(n -> {
                  pauses.add(n);
                  nanos.addAndGet(n);
                }),
            sink);
    Thread t = Thread.ofPlatform().name("test-worker").start(worker);
    threads.add(t);
    client = setup.client();
    return client;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (client != null) {
      client.close();
    }
    for (Thread t : threads) {
      t.join(5000);
    }
  }

  @Test
  void flushSendsEverythingTrackedWithIdsAndTimestampsFixedAtTrackTime() {
    start(builder().batchSize(100).flushInterval(Duration.ofHours(1)));
    client.track("u1", "signed_up", Map.of("plan", "pro"));
    client.track("heartbeat", Map.of());
    assertThat(client.flush()).isTrue();
    assertThat(sink.sizes()).containsExactly(2);
    Batch b = sink.batches.getFirst();
    Message first = b.messages().getFirst();
    assertThat(first.type()).isEqualTo(MessageType.TRACK);
    assertThat(first.name()).isEqualTo("signed_up");
    assertThat(first.userId()).contains("u1");
    assertThat(first.anonymousId()).isEmpty();
    assertThat(first.timestamp()).isEqualTo(T0);
    assertThat(first.properties()).containsEntry("plan", "pro");
    assertThat(first.messageId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    Message second = b.messages().get(1);
    assertThat(second.userId()).isEmpty();
    assertThat(second.anonymousId()).contains("svc");
    assertThat(second.messageId()).isNotEqualTo(first.messageId());
    assertThat(b.service()).isEqualTo("svc");
    assertThat(b.context())
        .containsEntry("service", "svc")
        .containsEntry("hostname", "host-1")
        .containsEntry("java_version", Runtime.version().toString())
        .containsEntry("library", Map.of("name", "causality-java", "version", Causality.VERSION));
    assertThat(client.stats()).isEqualTo(new Stats(2, 2, 0, 0, 0, 0, "", Map.of()));
  }

  @Test
  void aFullBatchIsSentWithoutWaitingForTheInterval() throws InterruptedException {
    start(builder().batchSize(3).flushInterval(Duration.ofHours(1)));
    for (int i = 0; i < 7; i++) {
      client.track("e" + i, Map.of());
    }
    awaitSent(6);
    assertThat(sink.sizes()).containsExactly(3, 3);
    client.flush();
    assertThat(sink.sizes()).containsExactly(3, 3, 1);
    assertThat(sink.names()).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6");
  }

  @Test
  void aPartialBatchIsSentOnceItsOldestMessageIsAFlushIntervalOld() throws InterruptedException {
    // real time here: the worker's wait is a timed wait on the lock
    start(builder().batchSize(100).flushInterval(Duration.ofMillis(50)).nanoTime(System::nanoTime));
    client.track("lonely", Map.of());
    awaitSent(1);
    assertThat(sink.sizes()).containsExactly(1);
  }

  @Test
  void transientFailuresAreRetriedWithBackoffOrRetryAfterAndTheSameMessageIds() {
    sink.then(Delivery.Retry.of("503"))
        .thenThrow(new IllegalStateException("boom"))
        .then(new Delivery.Retry("429", Duration.ofSeconds(7)));
    start(builder().retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    client.track("retried", Map.of());
    assertThat(client.flush()).isTrue();
    assertThat(sink.batches).hasSize(4);
    assertThat(sink.batches.stream().map(b -> b.messages().getFirst().messageId()).distinct())
        .hasSize(1);
    assertThat(pauses).hasSize(3);
    assertThat(pauses.get(0)).isBetween(50_000_000L, 100_000_000L);
    assertThat(pauses.get(1)).isBetween(100_000_000L, 200_000_000L);
    assertThat(pauses.get(2)).isEqualTo(7_000_000_000L);
    Stats s = client.stats();
    assertThat(s.sent()).isEqualTo(1);
    assertThat(s.retries()).isEqualTo(3);
    assertThat(s.failed()).isZero();
    assertThat(s.lastError()).contains("429");
  }

  @Test
  void aRejectedBatchIsNotRetriedAndCountsAsFailed() {
    sink.then(new Delivery.Rejected("400 bad"));
    start(builder());
    client.track("a", Map.of());
    client.track("b", Map.of());
    assertThat(client.flush()).isTrue();
    assertThat(sink.batches).hasSize(1);
    assertThat(pauses).isEmpty();
    assertThat(client.stats().failed()).isEqualTo(2);
    assertThat(client.stats().sent()).isZero();
    assertThat(client.stats().lastError()).contains("400 bad");
    assertThat(client.stats().losses()).isEqualTo(Map.of(Loss.REJECTED, 2L));
  }

  @Test
  void partlyRejectedBatchesCountTheRejectedAsFailed() {
    sink.then(new Delivery.Delivered(1, "one too large"));
    start(builder());
    client.track("a", Map.of());
    client.track("b", Map.of());
    client.flush();
    assertThat(client.stats().sent()).isEqualTo(1);
    assertThat(client.stats().failed()).isEqualTo(1);
  }

  @Test
  void messagesFailAfterTheDeliveryTimeout() {
    for (int i = 0; i < 100; i++) {
      sink.then(Delivery.Retry.of("down"));
    }
    start(
        builder()
            .deliveryTimeout(Duration.ofSeconds(10))
            .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4)));
    client.track("doomed", Map.of());
    assertThat(client.flush()).isTrue();
    Stats s = client.stats();
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.lastError()).contains("not delivered in time").contains("down");
    assertThat(s.losses()).isEqualTo(Map.of(Loss.DELIVERY_TIMEOUT, 1L));
    long waited = pauses.stream().mapToLong(Long::longValue).sum();
    assertThat(waited).isEqualTo(10_000_000_000L);
  }

  @Test
  void aFullQueueDropsTheOldestAndCountsIt() throws InterruptedException {
    CountDownLatch gate = new CountDownLatch(1);
    sink.gate = gate;
    start(builder().batchSize(2).maxQueueSize(5).flushInterval(Duration.ofHours(1)));
    client.track("m0", Map.of());
    client.track("m1", Map.of());
    // the worker holds m0, m1 in the gated send; the queue then takes 5 and drops the oldest beyond
    // that
    awaitInFlight();
    for (int i = 2; i < 10; i++) {
      client.track("m" + i, Map.of());
    }
    assertThat(client.stats().dropped()).isEqualTo(3);
    assertThat(client.stats().queued()).isEqualTo(5);
    gate.countDown();
    assertThat(client.flush()).isTrue();
    assertThat(sink.names()).containsExactly("m0", "m1", "m5", "m6", "m7", "m8", "m9");
    assertThat(client.stats())
        .isEqualTo(new Stats(10, 7, 0, 3, 0, 0, "", Map.of(Loss.QUEUE_FULL, 3L)));
  }

  @Test
  void aBatchThatFailedGoesBackToTheHeadAndIsTheFirstDroppedWhenTheQueueFills() {
    Buffer buffer = new Buffer(4, 2, nanos::get);
    for (int i = 0; i < 2; i++) {
      buffer.offer(message("m" + i));
    }
    List<Message> batch = takeNow(buffer);
    buffer.offer(message("m2"));
    buffer.offer(message("m3"));
    buffer.offer(message("m4"));
    buffer.giveBack(batch, "503");
    assertThat(buffer.stats().dropped()).isEqualTo(1);
    assertThat(takeNow(buffer)).extracting(Message::name).containsExactly("m1", "m2");
    buffer.stopped("test");
    assertThat(buffer.stats().losses())
        .isEqualTo(Map.of(Loss.QUEUE_FULL, 1L, Loss.UNSENT_AT_CLOSE, 2L));
  }

  List<Message> takeNow(Buffer buffer) {
    try {
      return buffer.awaitBatch(1);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  Message message(String name) {
    return new Message(MessageType.TRACK, 0x4000L, 0, nanos.get(), null, "a", name, Props.EMPTY);
  }

  @Test
  void trackNeverThrowsAndCountsInvalidCallsAsDropped() {
    start(builder());
    Map<String, Object> hostile =
        new HashMap<>() {
          @Override
          public java.util.Set<Map.Entry<String, Object>> entrySet() {
            throw new IllegalStateException("hostile map");
          }

          @Override
          public boolean isEmpty() {
            return false;
          }
        };
    client.track(null, Map.of());
    client.track(" ", Map.of());
    client.track("ok", hostile);
    client.track((AnalyticsEvent) null);
    client.track("u", (AnalyticsEvent) null);
    client.identify(null, Map.of());
    client.group("u", "", Map.of());
    client.alias(null, "u");
    client.alias("old", "");
    client.track("fine", (Map<String, ?>) null);
    assertThat(client.stats().dropped()).isEqualTo(9);
    assertThat(client.stats().losses()).isEqualTo(Map.of(Loss.INVALID_CALL, 9L));
    assertThat(client.stats().tracked()).isEqualTo(1);
  }

  @Test
  void everyMessageType() {
    start(builder());
    client.identify("u1", Map.of("email", "a@example.com"));
    client.page("u1", "Pricing", Map.of("path", "/pricing"));
    client.screen(null, "Home", Map.of());
    client.group("u1", "acme", Map.of("plan", "team"));
    client.alias("anon-1", "u1");
    client.page("u1", null, Map.of());
    client.flush();
    List<Message> ms = sink.batches.stream().flatMap(b -> b.messages().stream()).toList();
    assertThat(ms)
        .extracting(Message::type)
        .containsExactly(
            MessageType.IDENTIFY,
            MessageType.PAGE,
            MessageType.SCREEN,
            MessageType.GROUP,
            MessageType.ALIAS,
            MessageType.PAGE);
    assertThat(ms)
        .extracting(Message::name)
        .containsExactly("", "Pricing", "Home", "acme", "anon-1", "");
    assertThat(ms.get(0).properties()).containsEntry("email", "a@example.com");
    assertThat(ms.get(2).anonymousId()).contains("svc");
    assertThat(ms.get(4).userId()).contains("u1");
  }

  @Test
  void typedEventsCarryTheirNameUserAndProperties() {
    start(builder());
    client.track(new Events.ApiRequest("GET", "/projects/{id}", 200, Duration.ofNanos(12_345_678)));
    client.track(
        new Events.TaskFailed("u9", "t1", "build", Duration.ofSeconds(3), "timeout", null));
    client.track("u7", new Events.ProjectCreated("", "p1"));
    client.flush();
    List<Message> ms = sink.batches.stream().flatMap(b -> b.messages().stream()).toList();
    assertThat(ms.get(0).name()).isEqualTo("api_request");
    assertThat(ms.get(0).userId()).isEmpty();
    assertThat(ms.get(0).properties())
        .containsExactly(
            Map.entry("method", "GET"),
            Map.entry("route", "/projects/{id}"),
            Map.entry("status_code", 200),
            Map.entry("latency_ms", 12.345));
    assertThat(ms.get(1).userId()).contains("u9");
    assertThat(ms.get(1).properties())
        .containsOnlyKeys("task_id", "task_type", "duration_ms", "error_type")
        .containsEntry("duration_ms", 3000.0);
    assertThat(ms.get(2).userId()).contains("u7");
  }

  @Test
  void closeSendsWhatIsQueuedIsIdempotentAndLaterCallsAreDropped() {
    start(builder().batchSize(50).flushInterval(Duration.ofHours(1)));
    for (int i = 0; i < 120; i++) {
      client.track("e" + i, Map.of());
    }
    client.close();
    client.close();
    assertThat(sink.sizes()).containsExactly(50, 50, 20);
    assertThat(sink.closed).isTrue();
    client.track("late", Map.of());
    assertThat(client.stats())
        .isEqualTo(new Stats(120, 120, 0, 1, 0, 0, "", Map.of(Loss.AFTER_CLOSE, 1L)));
    assertThat(client.flush()).isTrue();
  }

  @Test
  void closeGivesUpAtItsTimeoutAndCountsTheRestAsFailed() {
    for (int i = 0; i < 1000; i++) {
      sink.then(Delivery.Retry.of("down"));
    }
    start(
        builder()
            .closeTimeout(Duration.ofSeconds(2))
            .retryBackoff(Duration.ofMillis(500), Duration.ofMillis(500)));
    client.track("never", Map.of());
    client.close();
    assertThat(client.stats().failed()).isEqualTo(1);
    assertThat(client.stats().sent()).isZero();
    assertThat(client.stats().losses()).isEqualTo(Map.of(Loss.UNSENT_AT_CLOSE, 1L));
  }

  @Test
  void closeWithoutAWorkerReturnsAtOnce() {
    AnalyticsClient lonely = builder().buildParts().client();
    lonely.track("x", Map.of());
    lonely.close();
    assertThat(lonely.flush(Duration.ofMillis(10))).isFalse();
  }

  @Test
  void oneWorkerPerClient() {
    AnalyticsClient.Setup setup = builder().buildParts();
    setup.client().close();
    new AnalyticsWorker(setup.config(), sink).run();
    assertThatThrownBy(() -> new AnalyticsWorker(setup.config(), sink))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void createUsesTheDefaultsForEverythingElse() {
    AnalyticsClient.Setup setup = AnalyticsClient.create(25, Duration.ofSeconds(3));
    try {
      assertThat(setup.config().batchSize()).isEqualTo(25);
      assertThat(setup.config().flushInterval()).isEqualTo(Duration.ofSeconds(3));
      assertThat(setup.config().deliveryTimeout()).isEqualTo(Duration.ofMinutes(5));
      assertThat(setup.config().service()).isNotBlank();
      assertThat(setup.config().context())
          .containsKeys("service", "hostname", "java_version", "library");
    } finally {
      setup.client().close();
    }
  }

  @Test
  void invalidSettingsNameTheField() {
    assertThatThrownBy(() -> builder().batchSize(0).buildParts()).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> builder().batchSize(2501).buildParts())
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> builder().maxQueueSize(10).batchSize(20).buildParts())
        .hasMessageContaining("maxQueueSize");
    assertThatThrownBy(() -> builder().flushInterval(Duration.ZERO).buildParts())
        .hasMessageContaining("flushInterval");
    assertThatThrownBy(() -> builder().deliveryTimeout(Duration.ZERO).buildParts())
        .hasMessageContaining("deliveryTimeout");
    assertThatThrownBy(() -> builder().closeTimeout(Duration.ofSeconds(-1)).buildParts())
        .hasMessageContaining("closeTimeout");
    assertThatThrownBy(() -> builder().service(" ").buildParts()).hasMessageContaining("service");
    assertThatThrownBy(
            () -> builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).buildParts())
        .hasMessageContaining("retry backoff");
    assertThatThrownBy(() -> Causality.builder("k").endpoint("ftp://x").build())
        .hasMessageContaining("http");
    assertThatThrownBy(() -> Causality.builder(" ").build()).hasMessageContaining("writeKey");
  }

  @Test
  void backoffDoublesUpToItsCeilingWithJitter() {
    Backoff b = new Backoff(100, 1000);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 50; i++) {
      assertThat(b.delayNanos(0, r)).isBetween(50L, 100L);
      assertThat(b.delayNanos(1, r)).isBetween(100L, 200L);
      assertThat(b.delayNanos(3, r)).isBetween(400L, 800L);
      assertThat(b.delayNanos(4, r)).isBetween(500L, 1000L);
      assertThat(b.delayNanos(70, r)).isBetween(500L, 1000L);
    }
  }

  void awaitSent(long n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (client.stats().sent() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not sent in 10 s: " + client.stats());
      }
      Thread.sleep(5);
    }
  }

  void awaitInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (client.stats().queued() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("worker did not take the batch: " + client.stats());
      }
      Thread.sleep(5);
    }
  }
}
