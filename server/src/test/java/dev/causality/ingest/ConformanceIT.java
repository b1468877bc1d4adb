package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.server.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance of the ingestion API with the official Segment and RudderStack Java clients: the real
 * libraries, configured as their documentation says, send to a real server, and every message must
 * be stored exactly once, in the right columns, with its time corrected.
 *
 * <p>Each scenario runs once per {@link Library}. Messages are described once as a {@link Call} and
 * turned into each library's own message builders by its {@link Sender}.
 */
class ConformanceIT {
  /*
   * What the clients put on the wire (recorded from these versions):
   * - Segment analytics-java 3.5.4: POST /v1/import/, Content-Type application/json, no
   *   Authorization header; the write key is the batch's top-level "writeKey". context.library
   *   and context.instanceId only at batch level. No per-message sentAt unless set.
   * - RudderStack analytics-java 3.1.2: POST /v1/batch, Basic auth "<key>:", Content-Encoding gzip,
   *   Transfer-Encoding chunked; context.library on every message and at batch level;
   *   "channel":"server" on every message.
   * - Both: batch "sentAt" is the sentAt of any message that has one, otherwise the time the batch
   *   was assembled; a retry resends the identical body. "timestamp" defaults to enqueue time.
   */

  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void everyCallTypeIsStoredOnceInItsColumns(Library library) {
    String run = run(library);
    Instant twoHoursAgo = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    Deliveries deliveries = new Deliveries();
    long from = nowMicros();
    try (Sender sender = library.open(server, deliveries, Optional.empty())) {
      sender.send(
          Call.track("Order Completed")
              .id(run + "-track")
              .user("user-1")
              .anonymous("anon-1")
              .at(twoHoursAgo)
              .properties(
                  Map.of("plan", "pro", "revenue", 42.5, "items", List.of("sku-1", "sku-2")))
              .context(
                  Map.of(
                      "ip", "203.0.113.7",
                      "locale", "de-DE",
                      "campaign", Map.of("source", "newsletter", "name", "spring"))));
      sender.send(
          Call.identify()
              .id(run + "-identify")
              .user("user-1")
              .traits(Map.of("email", "ada@example.com")));
      sender.send(
          Call.page("Pricing")
              .id(run + "-page")
              .anonymous("anon-1")
              .category("Docs")
              .properties(
                  Map.of(
                      "url", "https://example.com/pricing?utm_source=ads&utm_medium=cpc",
                      "title", "Pricing - Example")));
      sender.send(
          Call.screen("Home")
              .id(run + "-screen")
              .user("user-1")
              .properties(Map.of("orientation", "portrait")));
      sender.send(
          Call.group("acme")
              .id(run + "-group")
              .user("user-1")
              .traits(Map.of("name", "Acme Inc", "employees", 42)));
      sender.send(Call.alias("anon-1").id(run + "-alias").user("user-1"));
      sender.flush();
      deliveries.awaitDelivered(6);
    }
    Window window = new Window(from, nowMicros());

    assertThat(
            server.scalar("SELECT count(*) FROM events WHERE event_id LIKE " + quote(run + "-%")))
        .isEqualTo(6L);

    assertThat(columns(run + "-track", "type, event, user_id, anonymous_id, group_id, previous_id"))
        .containsExactly("track", "Order Completed", "user-1", "anon-1", null, null);
    assertThat(
            columns(run + "-identify", "type, event, user_id, anonymous_id, group_id, previous_id"))
        .containsExactly("identify", null, "user-1", null, null, null);
    assertThat(columns(run + "-page", "type, event, user_id, anonymous_id, group_id, previous_id"))
        .containsExactly("page", "Pricing", null, "anon-1", null, null);
    assertThat(
            columns(run + "-screen", "type, event, user_id, anonymous_id, group_id, previous_id"))
        .containsExactly("screen", "Home", "user-1", null, null, null);
    assertThat(columns(run + "-group", "type, event, user_id, anonymous_id, group_id, previous_id"))
        .containsExactly("group", null, "user-1", null, "acme", null);
    assertThat(columns(run + "-alias", "type, event, user_id, anonymous_id, group_id, previous_id"))
        .containsExactly("alias", null, "user-1", null, null, "anon-1");

    assertThat(library.libraryVersion).as("the client's own version").matches("\\d+\\.\\d+\\.\\d+");
    for (String kind : List.of("track", "identify", "page", "screen", "group", "alias")) {
      assertThat(
              columns(
                  run + "-" + kind, "library_name, library_version, context->'$.library'->>'name'"))
          .as("library of the %s call", kind)
          .containsExactly(library.libraryName, library.libraryVersion, library.libraryName);
    }

    assertThat(
            columns(
                run + "-track",
                "properties->>'plan', (properties->>'revenue')::DOUBLE, CAST(properties->'items' AS VARCHAR),"
                    + " context->>'locale', locale, ip, context->>'ip', utm_source, utm_campaign"))
        .containsExactly(
            "pro",
            42.5,
            "[\"sku-1\",\"sku-2\"]",
            "de-DE",
            "de-DE",
            "203.0.113.0",
            null,
            "newsletter",
            "spring");
    assertThat(columns(run + "-identify", "traits->>'email'")).containsExactly("ada@example.com");
    assertThat(
            columns(
                run + "-page",
                "properties->>'title', properties->>'category', page_url, page_path, page_title, utm_source, utm_medium"))
        .containsExactly(
            "Pricing - Example",
            "Docs",
            "https://example.com/pricing?utm_source=ads&utm_medium=cpc",
            "/pricing",
            "Pricing - Example",
            "ads",
            "cpc");
    assertThat(columns(run + "-screen", "properties->>'orientation'")).containsExactly("portrait");
    assertThat(columns(run + "-group", "traits->>'name', (traits->>'employees')::INTEGER"))
        .containsExactly("Acme Inc", 42);

    Times track = times(run + "-track");
    assertCorrectedBySentAt(track, window);
    assertThat(track.originalTimestamp())
        .as("original_timestamp is the timestamp sent")
        .isEqualTo(micros(twoHoursAgo));
    assertThat(track.timestamp())
        .as("corrected timestamp stays within the delivery time of the one sent")
        .isBetween(micros(twoHoursAgo), micros(twoHoursAgo) + window.length());
    for (String kind : List.of("identify", "page", "screen", "group", "alias")) {
      Times t = times(run + "-" + kind);
      assertCorrectedBySentAt(t, window);
      assertThat(t.originalTimestamp())
          .as("%s defaults to the enqueue time", kind)
          .isBetween(window.from(), window.to());
    }
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void aSlowDeviceClockIsCorrectedBySentAt(Library library) {
    String id = run(library) + "-skewed";
    // The device's clock is ten minutes slow; the event happened two hours before it was sent.
    Instant deviceNow = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
    Instant happened = deviceNow.minus(2, ChronoUnit.HOURS);
    Deliveries deliveries = new Deliveries();
    long from = nowMicros();
    try (Sender sender = library.open(server, deliveries, Optional.empty())) {
      sender.send(
          Call.track("Report Exported").id(id).user("user-2").at(happened).sentAt(deviceNow));
      sender.flush();
      deliveries.awaitDelivered(1);
    }
    Window window = new Window(from, nowMicros());

    Times t = times(id);
    assertThat(t.originalTimestamp()).isEqualTo(micros(happened));
    assertThat(t.sentAt()).isEqualTo(micros(deviceNow));
    assertThat(t.receivedAt()).isBetween(window.from(), window.to());
    assertThat(t.timestamp())
        .as("timestamp = received_at - (sent_at - original_timestamp)")
        .isEqualTo(t.receivedAt() - (t.sentAt() - t.originalTimestamp()))
        .isEqualTo(t.receivedAt() - TimeUnit.HOURS.toMicros(2));
    assertThat(t.clamped()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void aMessageEnqueuedTwiceIsStoredOnce(Library library) {
    String id = run(library) + "-twice";
    Instant at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
    Deliveries deliveries = new Deliveries();
    try (Sender sender = library.open(server, deliveries, Optional.empty())) {
      sender.send(
          Call.track("Button Clicked").id(id).user("user-3").at(at).properties(Map.of("copy", 1)));
      sender.send(
          Call.track("Button Clicked").id(id).user("user-3").at(at).properties(Map.of("copy", 1)));
      sender.flush();
      deliveries.awaitDelivered(2);
    }

    assertThat(columns(id, "type, event, user_id, (properties->>'copy')::INTEGER"))
        .containsExactly("track", "Button Clicked", "user-3", 1);
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void aMessageResentLaterByAnotherClientIsStoredOnce(Library library) {
    String id = run(library) + "-resent";
    Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    Call call = Call.identify().id(id).user("user-4").at(at).traits(Map.of("plan", "team"));
    Deliveries first = new Deliveries();
    try (Sender sender = library.open(server, first, Optional.empty())) {
      sender.send(call);
      sender.flush();
      first.awaitDelivered(1);
    }
    server.awaitLoaded();
    long beforeResend = nowMicros();

    Deliveries second = new Deliveries();
    try (Sender sender = library.open(server, second, Optional.empty())) {
      sender.send(call);
      sender.flush();
      second.awaitDelivered(1);
    }

    assertThat(columns(id, "type, user_id, traits->>'plan'"))
        .containsExactly("identify", "user-4", "team");
    assertThat(times(id).receivedAt())
        .as("the stored row is the first delivery's")
        .isLessThanOrEqualTo(beforeResend);
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void aBatchDeliveredTwiceIsStoredOnce(Library library) {
    String run = run(library);
    DeliverTwice twice = new DeliverTwice();
    Deliveries deliveries = new Deliveries();
    try (Sender sender = library.open(server, deliveries, Optional.of(twice))) {
      sender.send(
          Call.track("Invoice Paid")
              .id(run + "-paid")
              .user("user-5")
              .properties(Map.of("amount", 99)));
      sender.send(Call.group("globex").id(run + "-joined").user("user-5"));
      sender.flush();
      deliveries.awaitDelivered(2);
    }

    assertThat(twice.statuses())
        .as("both deliveries of the request were acknowledged")
        .containsExactly(200, 200);
    assertThat(columns(run + "-paid", "type, event, (properties->>'amount')::INTEGER"))
        .containsExactly("track", "Invoice Paid", 99);
    assertThat(columns(run + "-joined", "type, group_id")).containsExactly("group", "globex");
  }

  // ---------------------------------------------------------------------------------------------
  // Assertions on the warehouse

  /** The listed columns of the one row stored for {@code eventId}; fails unless exactly one. */
  private static List<Object> columns(String eventId, String selectList) {
    List<List<Object>> rows =
        server.query("SELECT " + selectList + " FROM events WHERE event_id = " + quote(eventId));
    assertThat(rows).as("rows stored for event_id %s", eventId).hasSize(1);
    return rows.getFirst();
  }

  /** The four times of a stored event in microseconds since the epoch, and its clamp flag. */
  private record Times(
      long timestamp, long originalTimestamp, long sentAt, long receivedAt, boolean clamped) {}

  private static Times times(String eventId) {
    List<Object> r =
        columns(
            eventId,
            "epoch_us(timestamp), epoch_us(original_timestamp), epoch_us(sent_at), epoch_us(received_at),"
                + " timestamp_clamped");
    return new Times(
        (Long) r.get(0), (Long) r.get(1), (Long) r.get(2), (Long) r.get(3), (Boolean) r.get(4));
  }

  /**
   * The client stamps the batch's sentAt while the test waits, on the same clock as the server, so
   * sent_at and received_at both fall inside the window and the correction is the formula's.
   */
  private static void assertCorrectedBySentAt(Times t, Window window) {
    assertThat(t.sentAt())
        .as("sent_at is the batch's sentAt")
        .isBetween(window.from(), window.to());
    assertThat(t.receivedAt()).as("received_at").isBetween(t.sentAt(), window.to());
    assertThat(t.timestamp())
        .as("timestamp = received_at - (sent_at - original_timestamp)")
        .isEqualTo(t.receivedAt() - (t.sentAt() - t.originalTimestamp()));
    assertThat(t.clamped()).isFalse();
  }

  /**
   * A span of the test's wall clock in microseconds, whole milliseconds like the times the clients
   * send; the in-process server reads the same clock.
   */
  private record Window(long from, long to) {
    long length() {
      return to - from;
    }
  }

  private static long nowMicros() {
    return micros(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  private static long micros(Instant t) {
    return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1000;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String run(Library library) {
    return library.name().toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID();
  }

  // ---------------------------------------------------------------------------------------------
  // The messages, and the client libraries that send them

  /** The kinds of message of the Segment spec. */
  private enum Type {
    TRACK,
    IDENTIFY,
    PAGE,
    SCREEN,
    GROUP,
    ALIAS
  }

  /**
   * A message as the test means it, whichever library sends it: {@code Call.track("x").user("u")}.
   */
  private static final class Call {
    final Type type;

    /** The event of a track, the name of a page or screen, the groupId or previousId. */
    final String subject;

    String messageId;
    String userId;
    String anonymousId;
    String category;
    Instant timestamp;
    Instant sentAt;
    Map<String, ?> properties = Map.of();
    Map<String, ?> traits = Map.of();
    Map<String, ?> context = Map.of();

    private Call(Type type, String subject) {
      this.type = type;
      this.subject = subject;
    }

    static Call track(String event) {
      return new Call(Type.TRACK, event);
    }

    static Call identify() {
      return new Call(Type.IDENTIFY, null);
    }

    static Call page(String name) {
      return new Call(Type.PAGE, name);
    }

    static Call screen(String name) {
      return new Call(Type.SCREEN, name);
    }

    static Call group(String groupId) {
      return new Call(Type.GROUP, groupId);
    }

    static Call alias(String previousId) {
      return new Call(Type.ALIAS, previousId);
    }

    Call id(String messageId) {
      this.messageId = messageId;
      return this;
    }

    Call user(String userId) {
      this.userId = userId;
      return this;
    }

    Call anonymous(String anonymousId) {
      this.anonymousId = anonymousId;
      return this;
    }

    Call category(String category) {
      this.category = category;
      return this;
    }

    Call at(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    Call sentAt(Instant sentAt) {
      this.sentAt = sentAt;
      return this;
    }

    Call properties(Map<String, ?> properties) {
      this.properties = properties;
      return this;
    }

    Call traits(Map<String, ?> traits) {
      this.traits = traits;
      return this;
    }

    Call context(Map<String, ?> context) {
      this.context = context;
      return this;
    }
  }

  /** An open client: enqueue, flush, and shut down (which waits for in-flight uploads). */
  private interface Sender extends AutoCloseable {
    void send(Call call);

    void flush();

    @Override
    void close();
  }

  /** The official client libraries under test and what they report as context.library. */
  enum Library {
    SEGMENT("analytics-java", com.segment.analytics.internal.AnalyticsVersion.get()) {
      @Override
      Sender open(TestServer server, Deliveries deliveries, Optional<Interceptor> interceptor) {
        return new SegmentSender(server, deliveries, interceptor);
      }
    },
    RUDDERSTACK("analytics-java", com.rudderstack.sdk.java.analytics.AnalyticsVersion.get()) {
      @Override
      Sender open(TestServer server, Deliveries deliveries, Optional<Interceptor> interceptor) {
        return new RudderStackSender(server, deliveries, interceptor);
      }
    };

    final String libraryName;
    final String libraryVersion;

    Library(String libraryName, String libraryVersion) {
      this.libraryName = libraryName;
      this.libraryVersion = libraryVersion;
    }

    /**
     * A client pointed at {@code server} the documented way. With an interceptor the client gets
     * its own OkHttp client carrying it (for RudderStack this drops the library's gzip interceptor,
     * which lives only in its default client).
     */
    abstract Sender open(
        TestServer server, Deliveries deliveries, Optional<Interceptor> interceptor);
  }

  /** {@code com.segment.analytics.java:analytics}: {@code Analytics.builder(key).endpoint(url)}. */
  private static final class SegmentSender implements Sender {
    private final com.segment.analytics.Analytics analytics;

    SegmentSender(TestServer server, Deliveries deliveries, Optional<Interceptor> interceptor) {
      com.segment.analytics.Analytics.Builder b =
          com.segment.analytics.Analytics.builder(TestServer.KEY)
              .endpoint(server.uri("").toString())
              .callback(
                  new com.segment.analytics.Callback() {
                    @Override
                    public void success(com.segment.analytics.messages.Message message) {
                      deliveries.success(message.messageId());
                    }

                    @Override
                    public void failure(
                        com.segment.analytics.messages.Message message, Throwable error) {
                      deliveries.failure(message.messageId(), error);
                    }
                  });
      interceptor.ifPresent(i -> b.client(new OkHttpClient.Builder().addInterceptor(i).build()));
      this.analytics = b.build();
    }

    @Override
    public void send(Call c) {
      com.segment.analytics.messages.MessageBuilder<?, ?> m =
          switch (c.type) {
            case TRACK ->
                com.segment.analytics.messages.TrackMessage.builder(c.subject)
                    .properties(c.properties);
            case IDENTIFY ->
                com.segment.analytics.messages.IdentifyMessage.builder().traits(c.traits);
            case PAGE -> {
              var page =
                  com.segment.analytics.messages.PageMessage.builder(c.subject)
                      .properties(c.properties);
              yield c.category == null ? page : page.category(c.category);
            }
            case SCREEN ->
                com.segment.analytics.messages.ScreenMessage.builder(c.subject)
                    .properties(c.properties);
            case GROUP ->
                com.segment.analytics.messages.GroupMessage.builder(c.subject).traits(c.traits);
            case ALIAS -> com.segment.analytics.messages.AliasMessage.builder(c.subject);
          };
      m.messageId(c.messageId);
      if (!c.context.isEmpty()) {
        m.context(c.context);
      }
      if (c.userId != null) {
        m.userId(c.userId);
      }
      if (c.anonymousId != null) {
        m.anonymousId(c.anonymousId);
      }
      if (c.timestamp != null) {
        m.timestamp(Date.from(c.timestamp));
      }
      if (c.sentAt != null) {
        m.sentAt(Date.from(c.sentAt));
      }
      analytics.enqueue(m);
    }

    @Override
    public void flush() {
      analytics.flush();
    }

    @Override
    public void close() {
      analytics.shutdown();
    }
  }

  /**
   * {@code com.rudderstack.sdk.java.analytics:analytics}: {@code
   * RudderAnalytics.builder(key).setDataPlaneUrl(url)}.
   */
  private static final class RudderStackSender implements Sender {
    private final com.rudderstack.sdk.java.analytics.RudderAnalytics analytics;

    RudderStackSender(TestServer server, Deliveries deliveries, Optional<Interceptor> interceptor) {
      com.rudderstack.sdk.java.analytics.RudderAnalytics.Builder b =
          com.rudderstack.sdk.java.analytics.RudderAnalytics.builder(TestServer.KEY)
              .setDataPlaneUrl(server.uri("").toString())
              .callback(
                  new com.rudderstack.sdk.java.analytics.Callback() {
                    @Override
                    public void success(
                        com.rudderstack.sdk.java.analytics.messages.Message message) {
                      deliveries.success(message.messageId());
                    }

                    @Override
                    public void failure(
                        com.rudderstack.sdk.java.analytics.messages.Message message,
                        Throwable error) {
                      deliveries.failure(message.messageId(), error);
                    }
                  });
      interceptor.ifPresent(i -> b.client(new OkHttpClient.Builder().addInterceptor(i).build()));
      this.analytics = b.build();
    }

    @Override
    public void send(Call c) {
      com.rudderstack.sdk.java.analytics.messages.MessageBuilder<?, ?> m =
          switch (c.type) {
            case TRACK ->
                com.rudderstack.sdk.java.analytics.messages.TrackMessage.builder(c.subject)
                    .properties(c.properties);
            case IDENTIFY ->
                com.rudderstack.sdk.java.analytics.messages.IdentifyMessage.builder()
                    .traits(c.traits);
            case PAGE -> {
              var page =
                  com.rudderstack.sdk.java.analytics.messages.PageMessage.builder(c.subject)
                      .properties(c.properties);
              yield c.category == null ? page : page.category(c.category);
            }
            case SCREEN ->
                com.rudderstack.sdk.java.analytics.messages.ScreenMessage.builder(c.subject)
                    .properties(c.properties);
            case GROUP ->
                com.rudderstack.sdk.java.analytics.messages.GroupMessage.builder(c.subject)
                    .traits(c.traits);
            case ALIAS ->
                com.rudderstack.sdk.java.analytics.messages.AliasMessage.builder(c.subject);
          };
      m.messageId(c.messageId);
      if (!c.context.isEmpty()) {
        m.context(c.context);
      }
      if (c.userId != null) {
        m.userId(c.userId);
      }
      if (c.anonymousId != null) {
        m.anonymousId(c.anonymousId);
      }
      if (c.timestamp != null) {
        m.timestamp(Date.from(c.timestamp));
      }
      if (c.sentAt != null) {
        m.sentAt(Date.from(c.sentAt));
      }
      analytics.enqueue(m);
    }

    @Override
    public void flush() {
      analytics.flush();
    }

    @Override
    public void close() {
      analytics.shutdown();
    }
  }

  /**
   * What a client's callback reports per message; waits for a number of reports with a deadline.
   */
  private static final class Deliveries {
    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Throwable> failed =
        Collections.synchronizedMap(new LinkedHashMap<>());
    private final Semaphore reports = new Semaphore(0);

    void success(String messageId) {
      delivered.add(messageId);
      reports.release();
    }

    void failure(String messageId, Throwable error) {
      failed.put(messageId, error);
      reports.release();
    }

    /** Waits until {@code count} more messages were reported, and asserts none of them failed. */
    void awaitDelivered(int count) {
      boolean reported;
      try {
        reported = reports.tryAcquire(count, DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for deliveries", e);
      }
      assertThat(failed).as("messages the client reports as failed").isEmpty();
      assertThat(reported)
          .as(
              "the client reported %d messages within %s; delivered so far: %s",
              count, DELIVERY_TIMEOUT, delivered)
          .isTrue();
    }
  }

  /**
   * Sends every request twice and answers the client with the second response: the server sees what
   * it sees when an acknowledgement is lost and the client retries the identical batch.
   */
  private static final class DeliverTwice implements Interceptor {
    private final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Response intercept(Chain chain) throws IOException {
      try (Response first = chain.proceed(chain.request())) {
        statuses.add(first.code());
      }
      Response second = chain.proceed(chain.request());
      statuses.add(second.code());
      return second;
    }

    List<Integer> statuses() {
      synchronized (statuses) {
        return List.copyOf(statuses);
      }
    }
  }
}
