package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the HTTP sink writes batches and reads answers, without a network. */
class HttpSinkTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  static final InstantSource CLOCK = InstantSource.fixed(NOW);
  static final ObjectMapper MAPPER = new ObjectMapper();

  static Message msg(MessageType type, String user, String name, Map<String, ?> props) {
    Message m =
        new Message(
            type,
            0x1234_5678_9abc_4defL,
            NOW.toEpochMilli(),
            0,
            user,
            user == null ? "svc" : null,
            name,
            Props.copyOf(props));
    m.sequence(1);
    return m;
  }

  static JsonNode items(HttpSink.Encoded e, int request) throws Exception {
    return MAPPER.readTree(
        "[" + new String(e.requests().get(request), java.nio.charset.StandardCharsets.UTF_8) + "]");
  }

  @Test
  void itemsFollowTheSegmentSpec() throws Exception {
    List<Message> ms =
        List.of(
            msg(MessageType.TRACK, "u1", "signed_up", Map.of("plan", "pro")),
            msg(MessageType.TRACK, null, "own_service", Map.of("service", "other")),
            msg(MessageType.IDENTIFY, "u1", null, Map.of("email", "a@b.c")),
            msg(MessageType.PAGE, "u1", "Home", Map.of()),
            msg(MessageType.SCREEN, "u1", null, Map.of()),
            msg(MessageType.GROUP, "u1", "acme", Map.of("seats", 3)),
            msg(MessageType.ALIAS, "u1", "anon", Map.of()));
    HttpSink.Encoded e = HttpSink.encode(ms, Map.of(), "svc");
    assertThat(e.requests()).hasSize(1);
    assertThat(e.rejected()).isZero();
    JsonNode items = items(e, 0);
    JsonNode track = items.get(0);
    assertThat(track.path("type").asText()).isEqualTo("track");
    assertThat(track.path("messageId").asText()).isEqualTo(ms.getFirst().messageId());
    assertThat(track.path("timestamp").asText()).isEqualTo("2026-11-23T12:00:00Z");
    assertThat(track.path("userId").asText()).isEqualTo("u1");
    assertThat(track.has("anonymousId")).isFalse();
    assertThat(track.path("event").asText()).isEqualTo("signed_up");
    assertThat(track.path("properties").toString())
        .isEqualTo("{\"service\":\"svc\",\"plan\":\"pro\"}");
    assertThat(items.get(1).path("anonymousId").asText()).isEqualTo("svc");
    assertThat(items.get(1).path("properties").toString()).isEqualTo("{\"service\":\"other\"}");
    assertThat(items.get(2).path("traits").toString()).isEqualTo("{\"email\":\"a@b.c\"}");
    assertThat(items.get(3).path("name").asText()).isEqualTo("Home");
    assertThat(items.get(3).path("properties").toString()).isEqualTo("{}");
    assertThat(items.get(4).has("name")).isFalse();
    assertThat(items.get(5).path("groupId").asText()).isEqualTo("acme");
    assertThat(items.get(5).path("traits").path("seats").asInt()).isEqualTo(3);
    assertThat(items.get(6).path("previousId").asText()).isEqualTo("anon");
    assertThat(items.get(6).has("properties")).isFalse();
  }

  @Test
  void sinksThatStoreJsonGetTheSameJson() {
    Message m = msg(MessageType.TRACK, "u", "e", Map.of("a", List.of(1, "x")));
    assertThat(m.propertiesJson()).isEqualTo("{\"a\":[1,\"x\"]}");
    assertThat(new Batch(List.of(m), "svc", Map.of("service", "svc")).contextJson())
        .isEqualTo("{\"service\":\"svc\"}");
    assertThat(m.toString()).startsWith("track e ");
  }

  @Test
  void oversizedAndUnwritableMessagesAreLeftOutAndCounted() throws Exception {
    Map<String, Object> cycle = new java.util.HashMap<>();
    cycle.put("me", cycle);
    List<Message> ms =
        List.of(
            msg(MessageType.TRACK, "u", "ok1", Map.of()),
            msg(MessageType.TRACK, "u", "huge", Map.of("blob", "x".repeat(40_000))),
            msg(MessageType.TRACK, "u", "cyclic", Map.of("c", cycle)),
            msg(MessageType.TRACK, "u", "ok2", Map.of()));
    HttpSink.Encoded e = HttpSink.encode(ms, Map.of(), "svc");
    assertThat(e.rejected()).isEqualTo(2);
    assertThat(e.reason()).contains("could not be written");
    JsonNode items = items(e, 0);
    assertThat(items).hasSize(2);
    assertThat(items.get(0).path("event").asText()).isEqualTo("ok1");
    assertThat(items.get(1).path("event").asText()).isEqualTo("ok2");
  }

  @Test
  void aBatchOverTheRequestLimitIsSplit() throws Exception {
    List<Message> ms = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ms.add(msg(MessageType.TRACK, "u", "big" + i, Map.of("blob", "y".repeat(30_000))));
    }
    HttpSink.Encoded e = HttpSink.encode(ms, Map.of(), "svc");
    assertThat(e.requests()).hasSizeGreaterThan(1);
    int total = 0;
    for (int r = 0; r < e.requests().size(); r++) {
      assertThat(e.requests().get(r).length).isLessThanOrEqualTo(HttpSink.MAX_REQUEST_BYTES);
      total += items(e, r).size();
    }
    assertThat(total).isEqualTo(300);
    assertThat(items(e, 1).get(0).path("event").asText()).startsWith("big");
  }

  @Test
  void answersMapToDeliveries() {
    assertThat(HttpSink.outcome(200, "{\"success\":true}", "", CLOCK))
        .isEqualTo(Delivery.Delivered.all());
    assertThat(HttpSink.outcome(202, "", "", CLOCK)).isEqualTo(Delivery.Delivered.all());
    Delivery partly =
        HttpSink.outcome(
            200,
            "{\"success\":true,\"accepted\":3,\"rejected\":[{\"index\":1,\"reason\":\"missing_event\",\"message\":\"a [\\\"x\\\"] }\"},{\"index\":4}]}",
            "",
            CLOCK);
    assertThat(partly)
        .isInstanceOfSatisfying(
            Delivery.Delivered.class,
            d -> {
              assertThat(d.rejected()).isEqualTo(2);
              assertThat(d.reason()).startsWith("3 accepted");
            });
    assertThat(HttpSink.outcome(500, "oops", "", CLOCK))
        .isEqualTo(new Delivery.Retry("500 from the server: oops", Duration.ZERO));
    assertThat(HttpSink.outcome(503, "", "5", CLOCK))
        .isEqualTo(new Delivery.Retry("503 from the server: ", Duration.ofSeconds(5)));
    assertThat(HttpSink.outcome(429, "", "2", CLOCK)).isInstanceOf(Delivery.Retry.class);
    assertThat(HttpSink.outcome(408, "", "", CLOCK)).isInstanceOf(Delivery.Retry.class);
    assertThat(HttpSink.outcome(400, "bad", "1", CLOCK))
        .isEqualTo(new Delivery.Rejected("400 from the server: bad"));
    assertThat(HttpSink.outcome(401, "x".repeat(500), "", CLOCK))
        .isInstanceOfSatisfying(
            Delivery.Rejected.class,
            r -> assertThat(r.reason()).hasSizeLessThan(330).endsWith("…"));
    assertThat(HttpSink.outcome(413, "", "", CLOCK)).isInstanceOf(Delivery.Rejected.class);
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    assertThat(HttpSink.retryAfter("", CLOCK)).isZero();
    assertThat(HttpSink.retryAfter(" 7 ", CLOCK)).isEqualTo(Duration.ofSeconds(7));
    assertThat(HttpSink.retryAfter("0", CLOCK)).isZero();
    assertThat(HttpSink.retryAfter("-3", CLOCK)).isZero();
    assertThat(HttpSink.retryAfter("999999", CLOCK)).isEqualTo(Duration.ofHours(1));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
    assertThat(HttpSink.retryAfter(date, CLOCK)).isEqualTo(Duration.ofSeconds(90));
    String past =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(90).atOffset(ZoneOffset.UTC));
    assertThat(HttpSink.retryAfter(past, CLOCK)).isZero();
    assertThat(HttpSink.retryAfter("soon", CLOCK)).isZero();
  }

  @Test
  void theEndpointGetsTheBatchPath() {
    assertThat(HttpSink.create("http://analytics:8080", "k").url())
        .isEqualTo(URI.create("http://analytics:8080/v1/batch"));
    assertThat(HttpSink.create("https://x.example/segment/", "k").url())
        .isEqualTo(URI.create("https://x.example/segment/v1/batch"));
    assertThatThrownBy(() -> HttpSink.create("http://x", "")).hasMessageContaining("writeKey");
  }

  @Test
  void anUnreachableServerIsATransientFailure() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (HttpSink sink =
        HttpSink.create(URI.create("http://127.0.0.1:" + port), "k", Duration.ofSeconds(2))) {
      Delivery d =
          sink.send(
              new Batch(List.of(msg(MessageType.TRACK, "u", "e", Map.of())), "svc", Map.of()));
      assertThat(d)
          .isInstanceOfSatisfying(
              Delivery.Retry.class, r -> assertThat(r.reason()).contains("failed"));
    }
  }

  @Test
  void deliveriesValidateTheirFields() {
    assertThatThrownBy(() -> new Delivery.Delivered(-1, "")).hasMessageContaining("rejected");
    assertThatThrownBy(() -> new Delivery.Retry("x", Duration.ofSeconds(-1)))
        .hasMessageContaining("retryAfter");
    assertThatThrownBy(() -> new Delivery.Rejected(null)).hasMessageContaining("reason");
  }
}
