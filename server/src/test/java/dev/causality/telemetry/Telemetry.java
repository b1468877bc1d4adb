package dev.causality.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-data builder for telemetry events: {@code
 * Telemetry.event("api_request").user("u1").service("api").at(t).prop("latency_ms", 10)}.
 */
final class Telemetry {
  private static final AtomicLong IDS = new AtomicLong();

  final String id = "tel-" + IDS.incrementAndGet();
  final String event;
  String app = "default";
  String user;
  String anonymous;
  String service;
  Instant at = Instant.parse("2026-11-20T00:00:00Z");
  final List<String> props = new ArrayList<>();

  private Telemetry(String event) {
    this.event = event;
  }

  static Telemetry event(String name) {
    return new Telemetry(name);
  }

  Telemetry user(String u) {
    user = u;
    return this;
  }

  Telemetry anonymous(String a) {
    anonymous = a;
    return this;
  }

  Telemetry service(String s) {
    service = s;
    return this;
  }

  Telemetry app(String a) {
    app = a;
    return this;
  }

  Telemetry at(String isoInstant) {
    at = Instant.parse(isoInstant);
    return this;
  }

  Telemetry prop(String key, Object value) {
    String v =
        value instanceof String s ? "\"" + s.replace("\"", "\\\"") + "\"" : String.valueOf(value);
    props.add("\"" + key + "\":" + v);
    return this;
  }

  String propertiesJson() {
    return "{" + String.join(",", props) + "}";
  }
}
