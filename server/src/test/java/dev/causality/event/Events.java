package dev.causality.event;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Test-data builder: {@code Events.track("Signed Up").user("u1").id("m1").atMillis(t).build()}. */
public final class Events {
  private static final AtomicLong IDS = new AtomicLong();
  private final Event.Builder b = Event.builder();

  private Events(String type, String name) {
    b.type = type;
    b.event = name;
    b.appId = "default";
    b.eventId = "evt-" + IDS.incrementAndGet();
    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    b.timestamp = now;
    b.originalTimestamp = now;
    b.sentAt = now;
    b.receivedAt = now;
  }

  public static Events track(String name) {
    return new Events("track", name);
  }

  public Events id(String eventId) {
    b.eventId = eventId;
    return this;
  }

  public Events app(String appId) {
    b.appId = appId;
    return this;
  }

  public Events user(String userId) {
    b.userId = userId;
    return this;
  }

  public Events receivedAtMicros(long micros) {
    b.receivedAt = micros;
    b.timestamp = micros;
    return this;
  }

  public Events at(java.time.Instant t) {
    long micros = TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1000;
    b.timestamp = micros;
    b.originalTimestamp = micros;
    b.sentAt = micros;
    b.receivedAt = micros;
    return this;
  }

  public Events at(String isoInstant) {
    return at(java.time.Instant.parse(isoInstant));
  }

  public Events type(String type) {
    b.type = type;
    return this;
  }

  public Events anonymous(String anonymousId) {
    b.anonymousId = anonymousId;
    return this;
  }

  public Events session(String sessionId) {
    b.sessionId = sessionId;
    return this;
  }

  public Events country(String country) {
    b.country = country;
    return this;
  }

  public Events service(String service) {
    b.service = service;
    return this;
  }

  public Events properties(String json) {
    b.properties = json;
    return this;
  }

  public Event build() {
    return b.build();
  }

  public byte[] encoded() {
    return EventCodec.encode(build());
  }
}
