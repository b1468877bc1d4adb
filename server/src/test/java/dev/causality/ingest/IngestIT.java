package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The ingestion contract of INGESTION.md, end to end over HTTP against a real server. */
class IngestIT {
  static TestServer server;
  static final String KEY = TestServer.KEY;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String id() {
    return UUID.randomUUID().toString();
  }

  static String basic(String user) {
    return "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
  }

  static long count(String messageId) {
    return ((Number)
            server.scalar("SELECT count(*) FROM events WHERE event_id = '" + messageId + "'"))
        .longValue();
  }

  static List<Object> row(String columns, String messageId) {
    return server
        .query("SELECT " + columns + " FROM events WHERE event_id = '" + messageId + "'")
        .getFirst();
  }

  @ParameterizedTest
  @CsvSource({
    "/v1/track, track, '\"event\":\"E\"'",
    "/v1/t/, track, '\"event\":\"E\"'",
    "/v1/identify, identify, '\"traits\":{\"a\":1}'",
    "/v1/i, identify, '\"traits\":{}'",
    "/v1/page, page, '\"name\":\"Home\"'",
    "/v1/p, page, '\"name\":\"Home\"'",
    "/v1/screen, screen, '\"name\":\"Main\"'",
    "/v1/s, screen, '\"name\":\"Main\"'",
    "/v1/group, group, '\"groupId\":\"g1\"'",
    "/v1/g, group, '\"groupId\":\"g1\"'",
    "/v1/alias, alias, '\"previousId\":\"old\"'",
    "/v1/a, alias, '\"previousId\":\"old\"'",
    "/segment/v1/track, track, '\"event\":\"E\"'",
  })
  void everySinglePathStoresItsType(String path, String type, String fields) {
    String mid = id();
    HttpResponse<String> r =
        server.post(
            path,
            "{\"userId\":\"u1\",\"messageId\":\"" + mid + "\"," + fields + "}",
            "Authorization",
            basic(KEY + ":"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"success\":true}");
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    assertThat(row("type", mid)).containsExactly(type);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/batch", "/v1/import/", "/v1/b", "/api/segment/v1/batch"})
  void batchPathsStoreEveryItemWithItsType(String path) {
    String a = id(), b = id();
    HttpResponse<String> r =
        server.post(
            path,
            "{\"batch\":[{\"type\":\"track\",\"event\":\"X\",\"anonymousId\":\"an\",\"messageId\":\""
                + a
                + "\"},{\"type\":\"identify\",\"userId\":\"u\",\"messageId\":\""
                + b
                + "\"}]}",
            "X-Write-Key",
            KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(row("type, event, anonymous_id", a)).containsExactly("track", "X", "an");
    assertThat(row("type, user_id", b)).containsExactly("identify", "u");
  }

  @Test
  void everyAuthenticationFormWorks() {
    String body = "{\"userId\":\"u\",\"event\":\"Auth\",\"messageId\":\"%s\"}";
    String[] ids = {id(), id(), id(), id(), id(), id(), id()};
    assertThat(
            server
                .post("/v1/track", body.formatted(ids[0]), "Authorization", basic(KEY + ":"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .post("/v1/track", body.formatted(ids[1]), "Authorization", basic(KEY))
                .statusCode())
        .isEqualTo(200);
    assertThat(server.post("/v1/track", body.formatted(ids[2]), "X-API-Key", KEY).statusCode())
        .isEqualTo(200);
    assertThat(server.post("/v1/track", body.formatted(ids[3]), "X-Write-Key", KEY).statusCode())
        .isEqualTo(200);
    assertThat(server.post("/v1/track?writeKey=" + KEY, body.formatted(ids[4])).statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .post(
                    "/v1/track",
                    "{\"writeKey\":\"" + KEY + "\"," + body.formatted(ids[5]).substring(1))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .post(
                    "/v1/batch",
                    "{\"writeKey\":\""
                        + KEY
                        + "\",\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Auth\",\"messageId\":\""
                        + ids[6]
                        + "\"}]}")
                .statusCode())
        .isEqualTo(200);
    for (String mid : ids) {
      assertThat(count(mid)).as(mid).isEqualTo(1);
    }
  }

  @Test
  void unknownMissingOrRevokedKeyIs401WithJson() {
    HttpResponse<String> bad =
        server.post(
            "/v1/track",
            "{\"userId\":\"u\",\"event\":\"E\"}",
            "X-Write-Key",
            "nope_nope_nope_nope");
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body()).contains("\"code\":\"unauthorized\"").contains("unknown or revoked");
    HttpResponse<String> none = server.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("no write key");
    var created =
        server
            .server()
            .projects()
            .createKey(
                "default", "to-revoke", java.util.OptionalInt.empty(), java.util.Optional.empty());
    assertThat(
            server
                .post(
                    "/v1/track",
                    "{\"userId\":\"u\",\"event\":\"E\"}",
                    "X-Write-Key",
                    created.secret())
                .statusCode())
        .isEqualTo(200);
    server.server().projects().revokeKey(created.key().id());
    assertThat(
            server
                .post(
                    "/v1/track",
                    "{\"userId\":\"u\",\"event\":\"E\"}",
                    "X-Write-Key",
                    created.secret())
                .statusCode())
        .isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "text/plain", "application/x-www-form-urlencoded"})
  void contentTypeIsIgnored(String contentType) {
    String mid = id();
    HttpResponse<String> r =
        server.post(
            "/v1/track",
            "{\"userId\":\"u\",\"event\":\"CT\",\"messageId\":\"" + mid + "\"}",
            "X-Write-Key",
            KEY,
            "Content-Type",
            contentType);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(count(mid)).isEqualTo(1);
  }

  static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void gzipByHeaderAndByMagicBytes() throws IOException {
    String a = id(), b = id();
    assertThat(
            server
                .postBytes(
                    "/v1/track",
                    gzip("{\"userId\":\"u\",\"event\":\"Z\",\"messageId\":\"" + a + "\"}"),
                    "X-Write-Key",
                    KEY,
                    "Content-Encoding",
                    "gzip")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .postBytes(
                    "/v1/track",
                    gzip("{\"userId\":\"u\",\"event\":\"Z\",\"messageId\":\"" + b + "\"}"),
                    "X-Write-Key",
                    KEY)
                .statusCode())
        .isEqualTo(200);
    assertThat(count(a)).isEqualTo(1);
    assertThat(count(b)).isEqualTo(1);
  }

  @Test
  void batchContextMergesIntoItemsAndBatchSentAtCorrectsTime() {
    String a = id();
    Instant sent =
        Instant.now()
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
            .plusSeconds(3600); // device clock 1 h fast
    Instant happened = sent.minusSeconds(60);
    HttpResponse<String> r =
        server.post(
            "/v1/batch",
            "{\"sentAt\":\""
                + sent
                + "\",\"context\":{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},\"locale\":\"en-US\"},"
                + "\"batch\":[{\"type\":\"track\",\"event\":\"T\",\"userId\":\"u\",\"messageId\":\""
                + a
                + "\",\"timestamp\":\""
                + happened
                + "\",\"context\":{\"locale\":\"de-DE\"}}]}",
            "X-Write-Key",
            KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    List<Object> row =
        row(
            "library_name, library_version, locale, epoch_ms(received_at) - epoch_ms(timestamp), epoch_ms(original_timestamp), epoch_ms(sent_at)",
            a);
    assertThat(row.subList(0, 3)).containsExactly("analytics-java", "3.5.4", "de-DE");
    assertThat(((Number) row.get(3)).longValue()).isBetween(59_000L, 61_000L);
    assertThat(row.get(4)).isEqualTo(happened.toEpochMilli());
    assertThat(row.get(5)).isEqualTo(sent.toEpochMilli());
  }

  @Test
  void futureTimestampsAreClampedAndFlagged() {
    String a = id();
    server.post(
        "/v1/track",
        "{\"userId\":\"u\",\"event\":\"F\",\"messageId\":\""
            + a
            + "\",\"timestamp\":\""
            + Instant.now().plusSeconds(86_400 * 30)
            + "\",\"sentAt\":\""
            + Instant.now()
            + "\"}",
        "X-Write-Key",
        KEY);
    assertThat(row("timestamp_clamped, timestamp = received_at", a)).containsExactly(true, true);
  }

  @Test
  void emptyUserIdCountsAsAbsentAndInvalidItemsAreReportedWhileTheRestIsKept() {
    String ok = id();
    HttpResponse<String> r =
        server.post(
            "/v1/batch",
            "{\"batch\":["
                + "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"\",\"anonymousId\":null},"
                + "{\"type\":\"track\",\"userId\":\"u\"},"
                + "{\"type\":\"group\",\"userId\":\"u\"},"
                + "{\"type\":\"alias\",\"userId\":\"u\"},"
                + "{\"type\":\"launch\",\"userId\":\"u\"},"
                + "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"messageId\":\""
                + "m".repeat(101)
                + "\"},"
                + "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"properties\":\"str\"},"
                + "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"timestamp\":\"yesterday\"},"
                + "{\"type\":\"track\",\"event\":\"Kept\",\"userId\":\"u\",\"messageId\":\""
                + ok
                + "\"}]}",
            "X-Write-Key",
            KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains(
            "\"success\":true",
            "\"accepted\":1",
            "missing_identity",
            "missing_event",
            "missing_group_id",
            "missing_previous_id",
            "invalid_type",
            "message_id_too_long",
            "invalid_field",
            "invalid_timestamp");
    assertThat(count(ok)).isEqualTo(1);
    assertThat(server.get("/metrics").body())
        .contains("causality_events_rejected_total{reason=\"missing_identity\"}");
  }

  @Test
  void allItemsRejectedIs400() {
    HttpResponse<String> r = server.post("/v1/track", "{\"event\":\"NoUser\"}", "X-Write-Key", KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"success\":false", "neither userId nor anonymousId");
  }

  @Test
  void duplicatesAreAnsweredLikeAnyEventAndStoredOnce() {
    String a = id();
    String body =
        "{\"batch\":[{\"type\":\"track\",\"event\":\"D\",\"userId\":\"u\",\"messageId\":\""
            + a
            + "\"}]}";
    for (int i = 0; i < 3; i++) {
      assertThat(server.post("/v1/batch", body, "X-Write-Key", KEY).statusCode()).isEqualTo(200);
    }
    assertThat(count(a)).isEqualTo(1);
    assertThat(server.get("/metrics").body())
        .containsPattern("causality_events_deduplicated_total [1-9]");
  }

  @Test
  void clientMetricsAreAcceptedAndIgnored() {
    HttpResponse<String> r = server.post("/v1/m", "{\"series\":[]}");
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void settingsEnableSegmentIoForAValidKey() {
    HttpResponse<String> r = server.get("/v1/projects/" + KEY + "/settings");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"Segment.io\":{\"apiKey\":\"" + KEY + "\"").contains("/v1\"");
    assertThat(server.get("/v1/projects/unknown_key_123456/settings").statusCode()).isEqualTo(401);
  }

  @Test
  void nativeIngestAnswers202WithCounts() {
    String a = id();
    HttpResponse<String> r =
        server.post(
            "/v1/events/ingest",
            "{\"events\":[{\"app_id\":\"default\",\"event_type\":\"ApiRequest\","
                + "\"timestamp\":\""
                + Instant.now()
                + "\",\"idempotency_key\":\""
                + a
                + "\",\"service\":\"billing\",\"properties\":{\"status\":200}},"
                + "{\"app_id\":\"other\",\"event_type\":\"X\"}]}",
            "X-Write-Key",
            KEY);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).contains("\"accepted\":1", "app_id_mismatch");
    assertThat(row("event, service, user_id, properties->>'status'", a))
        .containsExactly("ApiRequest", "billing", null, "200");
    HttpResponse<String> array =
        server.post(
            "/v1/events/ingest",
            "[{\"event_type\":\"Bare\",\"idempotency_key\":\"" + id() + "\"}]",
            "X-Write-Key",
            KEY);
    assertThat(array.statusCode()).isEqualTo(202);
  }

  @Test
  void flowMindShapeAnswers202() {
    String a = id();
    HttpResponse<String> r =
        server.post(
            "/v1/analytics/track",
            "{\"event\":\"Clicked\",\"messageId\":\""
                + a
                + "\",\"properties\":{\"b\":\"x\"},\"context\":{\"page\":{\"url\":\"https://app.example.com/p?utm_source=news&utm_medium=email\",\"title\":\"P\"}}}",
            "X-Write-Key",
            KEY);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(row("event, page_path, page_title, utm_source, utm_medium", a))
        .containsExactly("Clicked", "/p", "P", "news", "email");
  }

  @Test
  void corsPreflightEchoesOriginAndMirrorsHeaders() {
    HttpResponse<String> r =
        server.send(
            HttpRequest.newBuilder(server.uri("/v1/batch"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header(
                    "Access-Control-Request-Headers",
                    "authorization,content-type,anonymousid,sentat,x-retry-count,x-write-key")
                .build());
    assertThat(r.statusCode()).isBetween(200, 204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://shop.example");
    assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(r.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("GET, POST, OPTIONS");
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("authorization,content-type,anonymousid,sentat,x-retry-count,x-write-key");
    HttpResponse<String> post =
        server.post(
            "/v1/track",
            "{\"userId\":\"u\",\"event\":\"C\"}",
            "X-Write-Key",
            KEY,
            "Origin",
            "https://shop.example");
    assertThat(post.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://shop.example");
  }

  @Test
  void browserCallsAreEnrichedFromTheRequestAndIpIsTruncated() {
    String a = id();
    String ua =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    server.post(
        "/v1/page",
        "{\"anonymousId\":\"a\",\"messageId\":\""
            + a
            + "\",\"properties\":{\"url\":\"https://x.io/pricing\"}}",
        "X-Write-Key",
        KEY,
        "Origin",
        "https://x.io",
        "User-Agent",
        ua);
    List<Object> row =
        row("ip, browser, os, device_type, page_url, page_path, context->>'userAgent'", a);
    assertThat(row.get(0)).isEqualTo("127.0.0.0");
    assertThat(row.subList(1, 4)).containsExactly("Safari", "iOS", "mobile");
    assertThat(row.subList(4, 7)).containsExactly("https://x.io/pricing", "/pricing", ua);
    String b = id();
    server.post(
        "/v1/track",
        "{\"userId\":\"u\",\"event\":\"S\",\"messageId\":\""
            + b
            + "\",\"context\":{\"ip\":\"203.0.113.77\"}}",
        "X-Write-Key",
        KEY);
    assertThat(row("ip, context->>'ip'", b)).containsExactly("203.0.113.0", null);
    String c = id();
    server.post(
        "/v1/track",
        "{\"userId\":\"u\",\"event\":\"S\",\"messageId\":\"" + c + "\"}",
        "X-Write-Key",
        KEY);
    assertThat(row("ip", c)).containsExactly((Object) null);
  }

  @Test
  void overRateLimitIs429WithRetryAfter() {
    try (TestServer limited = TestServer.start(c -> c.withRateLimit(5))) {
      StringBuilder batch = new StringBuilder("{\"batch\":[");
      for (int i = 0; i < 2500; i++) {
        batch
            .append(i == 0 ? "" : ",")
            .append("{\"type\":\"track\",\"event\":\"R\",\"userId\":\"u\"}");
      }
      String body = batch.append("]}").toString();
      assertThat(limited.post("/v1/batch", body, "X-Write-Key", KEY).statusCode()).isEqualTo(200);
      HttpResponse<String> r = limited.post("/v1/batch", body, "X-Write-Key", KEY);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).get().asString().matches("[1-9][0-9]*");
      assertThat(r.body()).contains("rate_limited");
    }
  }
}
