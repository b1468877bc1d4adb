package dev.causality.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.projects.CreatedKey;
import dev.causality.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken requests against a real server: each gets the right 4xx and a JSON body whose
 * message names the field or limit, while valid traffic from another client keeps being
 * acknowledged and every acknowledged event is stored exactly once.
 */
class BadInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] KEY = {"X-Write-Key", TestServer.KEY};
  private static final String[] GZIP_KEY = {
    "X-Write-Key", TestServer.KEY, "Content-Encoding", "gzip"
  };

  static TestServer server;
  static SteadyTraffic traffic;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    traffic = SteadyTraffic.start(server);
  }

  @AfterAll
  static void stop() {
    if (traffic != null) {
      traffic.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** After every test: the other client saw only successes, and all it was told is stored once. */
  @AfterEach
  void validTrafficUnaffectedAndNothingAcceptedLost() {
    assertThat(traffic.failures()).as("responses to the steady valid client").isEmpty();
    List<String> acked = traffic.acked();
    server.awaitLoaded();
    Map<String, Long> stored = new HashMap<>();
    for (List<Object> row :
        server.query(
            "SELECT event_id, count(*) FROM events WHERE event = 'Steady' GROUP BY event_id")) {
      stored.put((String) row.get(0), ((Number) row.get(1)).longValue());
    }
    assertThat(acked).as("acknowledged steady events").isNotEmpty();
    for (String id : acked) {
      assertThat(stored.get(id)).as("copies stored of acknowledged event %s", id).isEqualTo(1L);
    }
    assertThat(stored.values()).as("copies per stored steady event").allMatch(n -> n == 1L);
    assertThat(server.server().warehouse().deadLetterCount()).as("dead letters").isZero();
  }

  @Test
  void malformedJson() {
    assertBadRequest(track("{\"userId\":\"u1\",\"event\": }"), "malformed JSON at line 1, column");
    assertBadRequest(
        track("{userId: \"u1\", \"event\": \"Bad Malformed\"}"), "malformed JSON", "field name");
    assertBadRequest(track("{\"userId\":\"u1\",\"event\":\"Bad Malformed\",}"), "malformed JSON");
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Malformed\",\"properties\":{\"n\":NaN}}"),
        "malformed JSON",
        "NaN");
    assertBadRequest(track("not json at all"), "malformed JSON");
    assertBadRequest(
        track("{\"userId\":\"u1\",\n\"event\":\"Bad Malformed\"\n\"x\":1}"),
        "malformed JSON at line 3");
    byte[] badUtf8 =
        concat(
            "{\"userId\":\"u1\",\"event\":\"Bad ".getBytes(UTF_8),
            new byte[] {(byte) 0xC3, 0x28},
            "\"}".getBytes(UTF_8));
    assertBadRequest(
        call(() -> server.postBytes("/v1/track", badUtf8, KEY)), "malformed JSON", "UTF-8");
    assertBadRequest(
        batch(
            "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Malformed\"} {}]}"),
        "malformed JSON");
    assertBadRequest(track(""), "request body is empty");
    assertNothingStored("Bad Malformed");
  }

  @Test
  void truncatedJson() {
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Trunc"), "malformed JSON", "end-of-input");
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Truncated\","), "malformed JSON", "end-of-input");
    assertBadRequest(
        batch("{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Truncated\"},"),
        "malformed JSON",
        "end-of-input");
    assertBadRequest(
        batch("{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Truncated\"}]"),
        "malformed JSON",
        "end-of-input");
    assertBadRequest(
        batch("{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Trun"),
        "malformed JSON",
        "end-of-input");
    assertNothingStored("Bad Truncated");
  }

  @Test
  void bodyCutShortByTheClient() throws IOException {
    String head =
        "POST /v1/track HTTP/1.1\r\nHost: localhost\r\nX-Write-Key: " + TestServer.KEY + "\r\n";
    String part = "{\"userId\":\"u1\",\"event\":\"Bad Cut\"";
    String fixed = rawExchange(head + "Content-Length: 200\r\n\r\n" + part);
    String chunked =
        rawExchange(
            head
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(part.length())
                + "\r\n"
                + part
                + "\r\n");
    String badChunk =
        rawExchange(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + part + "\r\n0\r\n\r\n");
    for (String res : List.of(fixed, chunked, badChunk)) {
      assertThat(res)
          .startsWith("HTTP/1.1 400")
          .contains("Content-Type: application/json")
          .contains("\"code\":\"invalid_request\"")
          .contains("body ended early");
    }
    assertNothingStored("Bad Cut");
  }

  /**
   * Sends raw bytes and half-closes, as a client that dies mid-request does; returns all it gets
   * back.
   */
  private static String rawExchange(String request) throws IOException {
    int before = traffic.ackCount();
    try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(UTF_8));
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      String res = new String(socket.getInputStream().readAllBytes(), UTF_8);
      traffic.awaitAcks(before + 2);
      return res;
    }
  }

  @Test
  void overlongFieldName() {
    assertBadRequest(
        track(
            "{\"userId\":\"u1\",\"event\":\"Bad Name\",\"properties\":{\""
                + "n".repeat(1001)
                + "\":1}}"),
        "max field name length 1000 characters",
        "Name length (1001)");
    assertNothingStored("Bad Name");
  }

  @Test
  void trailingGarbage() {
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Trailing\"} garbage"), "malformed JSON");
    assertBadRequest(track("{\"userId\":\"u1\",\"event\":\"Bad Trailing\"}}"), "malformed JSON");
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Trailing\"}{\"userId\":\"u2\"}"),
        "unexpected content after the JSON value");
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Trailing\"} 42"),
        "unexpected content after the JSON value");
    assertBadRequest(
        batch("{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Trailing\"}]}]"),
        "malformed JSON");
    assertNothingStored("Bad Trailing");
  }

  @Test
  void wrongTopLevelTypes() {
    assertBadRequest(
        track("[{\"userId\":\"u1\",\"event\":\"Bad Top\"}]"),
        "must be a JSON object, found an array");
    assertBadRequest(track("\"Bad Top\""), "must be a JSON object, found a string");
    assertBadRequest(track("42"), "must be a JSON object, found a number");
    assertBadRequest(track("null"), "must be a JSON object, found null");
    assertBadRequest(
        batch("[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Top\"}]"),
        "must be a JSON object, found an array");
    assertBadRequest(
        batch("{\"batch\":{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Top\"}}"),
        "'batch' must be an array, found an object");
    assertBadRequest(batch("{\"batch\":\"Bad Top\"}"), "'batch' must be an array, found a string");
    assertBadRequest(batch("{\"batch\":null}"), "'batch' must be an array, found null");
    assertBadRequest(batch("{\"events\":[]}"), "no 'batch' array");
    assertBadRequest(
        call(() -> server.post("/v1/events/ingest", "{\"events\":7}", KEY)),
        "'events' must be an array, found a number");
    HttpResponse<String> notObjects = batch("{\"batch\":[1,\"two\",[3]]}");
    assertThat(notObjects.statusCode()).isEqualTo(400);
    assertThat(reasons(notObjects))
        .containsExactly(
            Map.entry(0, "not_an_object"),
            Map.entry(1, "not_an_object"),
            Map.entry(2, "not_an_object"));
    assertNothingStored("Bad Top");
  }

  @Test
  void wrongFieldTypes() {
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"properties\":\"plan=pro\"}"),
        "invalid_field",
        "'properties' must be an object");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"context\":[1,2]}"),
        "invalid_field",
        "'context' must be an object");
    assertRejected(
        call(() -> server.post("/v1/identify", "{\"userId\":\"u1\",\"traits\":true}", KEY)),
        "invalid_field",
        "'traits' must be an object");
    assertRejected(
        track("{\"userId\":{\"id\":\"u1\"},\"event\":\"Bad Field\"}"),
        "invalid_field",
        "'userId' must be a string or a number, found an object");
    assertRejected(
        track("{\"userId\":{\"id\":\"u1\"},\"anonymousId\":\"a1\",\"event\":\"Bad Field\"}"),
        "invalid_field",
        "'userId' must be a string or a number, found an object");
    assertRejected(
        track("{\"userId\":\"u1\",\"anonymousId\":[\"a1\"],\"event\":\"Bad Field\"}"),
        "invalid_field",
        "'anonymousId' must be a string or a number, found an array");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":{\"name\":\"Bad Field\"}}"),
        "invalid_field",
        "'event' must be a string or a number, found an object");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"messageId\":{\"id\":1}}"),
        "invalid_field",
        "'messageId' must be a string or a number, found an object");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"timestamp\":\"yesterday\"}"),
        "invalid_timestamp",
        "'timestamp' is not an ISO-8601 date-time: 'yesterday'");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"timestamp\":\"2024-13-45T99:00:00Z\"}"),
        "invalid_timestamp",
        "'timestamp' is not an ISO-8601 date-time");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"timestamp\":{\"at\":1}}"),
        "invalid_timestamp",
        "'timestamp' must be an ISO-8601 string");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"sentAt\":true}"),
        "invalid_timestamp",
        "'sentAt' must be an ISO-8601 string");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Field\",\"originalTimestamp\":\"2024-01-01\"}"),
        "invalid_timestamp",
        "'originalTimestamp' is not an ISO-8601 date-time");
    assertRejected(
        batch(
            "{\"sentAt\":\"soon\",\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Field\"}]}"),
        "invalid_timestamp",
        "'sentAt' is not an ISO-8601 date-time: 'soon'");
    assertRejected(
        batch("{\"batch\":[{\"type\":\"click\",\"userId\":\"u1\",\"event\":\"Bad Field\"}]}"),
        "invalid_type",
        "type must be one of");
    assertNothingStored("Bad Field");
  }

  @Test
  void timestampsOutsideTheRepresentableRangeAreRejected() {
    for (String ts :
        List.of(
            "\"-999999999-01-01T00:00:00Z\"",
            "\"+999999999-12-31T23:59:59Z\"",
            "-9223372036854775808",
            "9223372036854775807",
            "123456789012345678901234567890")) {
      assertRejected(
          track("{\"userId\":\"u1\",\"event\":\"Bad Time\",\"timestamp\":" + ts + "}"),
          "invalid_timestamp",
          "'timestamp'",
          "range");
    }
    assertRejected(
        track(
            "{\"userId\":\"u1\",\"event\":\"Bad Time\",\"sentAt\":\"-999999999-01-01T00:00:00Z\","
                + "\"timestamp\":\"2024-01-01T00:00:00Z\"}"),
        "invalid_timestamp",
        "'sentAt'",
        "range");
    assertNothingStored("Bad Time");
  }

  @Test
  void deepNesting() {
    String arrays = "[".repeat(10_000) + "]".repeat(10_000);
    String objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    for (String deep : List.of(arrays, objects)) {
      assertBadRequest(
          track("{\"userId\":\"u1\",\"event\":\"Bad Deep\",\"properties\":{\"x\":" + deep + "}}"),
          "max nesting depth 64");
      assertBadRequest(
          batch(
              "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Deep\",\"properties\":"
                  + deep
                  + "}]}"),
          "max nesting depth 64");
      assertBadRequest(batch("{\"context\":" + deep + ",\"batch\":[]}"), "max nesting depth 64");
      assertBadRequest(
          call(() -> server.post("/v1/events/ingest", deep, KEY)), "max nesting depth 64");
    }
    assertBadRequest(track(arrays), "must be a JSON object, found an array");
    assertBadRequest(track(objects), "max nesting depth 64");
    assertNothingStored("Bad Deep");
  }

  @Test
  void hugeNumbers() {
    String digits = "9".repeat(100_000);
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Number\",\"properties\":{\"n\":" + digits + "}}"),
        "max number length 100");
    assertBadRequest(
        track(
            "{\"userId\":\"u1\",\"event\":\"Bad Number\",\"properties\":{\"n\":0." + digits + "}}"),
        "max number length 100");
    assertBadRequest(
        track("{\"userId\":\"u1\",\"event\":\"Bad Number\",\"timestamp\":" + digits + "}"),
        "max number length 100");
    assertBadRequest(
        batch(
            "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Number\",\"properties\":{\"n\":-"
                + digits
                + "}}]}"),
        "max number length 100");
    assertRejected(
        track("{\"userId\":\"u1\",\"event\":\"Bad Number\",\"properties\":{\"n\":1e999999}}"),
        "invalid_number",
        "'properties' holds a number outside the range of a double");
    assertRejected(
        track(
            "{\"userId\":\"u1\",\"event\":\"Bad Number\",\"properties\":{\"a\":[1,{\"n\":-1e999999}]}}"),
        "invalid_number",
        "'properties' holds a number outside the range of a double");
    assertRejected(
        call(
            () -> server.post("/v1/identify", "{\"userId\":\"u1\",\"traits\":{\"n\":1E400}}", KEY)),
        "invalid_number",
        "'traits' holds a number");
    assertRejected(
        batch(
            "{\"context\":{\"n\":1e999999},\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Bad Number\"}]}"),
        "invalid_number",
        "'context' holds a number outside the range of a double");
    assertNothingStored("Bad Number");
  }

  @Test
  void oversizedEventOnTrackIs413() {
    String big =
        "{\"userId\":\"u1\",\"event\":\"Bad Big\",\"properties\":{\"blob\":\""
            + "x".repeat(33 * 1024)
            + "\"}}";
    HttpResponse<String> res = track(big);
    assertError(
        res, 413, "too_large", "the limit is 32768 bytes per event", "CAUSALITY_MAX_EVENT_BYTES");
    assertNothingStored("Bad Big");
  }

  @Test
  void oversizedEventInBatchIsRejectedAndTheRestStored() {
    String big =
        item("track", "u1", "Big Batch Item", "big-1")
            .replace("}", ",\"properties\":{\"blob\":\"" + "x".repeat(33 * 1024) + "\"}}");
    String body =
        "{\"batch\":["
            + item("track", "u1", "Small Before", "small-before")
            + ","
            + big
            + ","
            + item("track", "u2", "Small After", "small-after")
            + "]}";
    HttpResponse<String> res = batch(body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    JsonNode json = json(res);
    assertThat(json.path("success").asBoolean()).isTrue();
    assertThat(json.path("accepted").asInt()).isEqualTo(2);
    assertThat(reasons(res)).containsExactly(Map.entry(1, "event_too_large"));
    assertThat(json.path("rejected").get(0).path("message").asText())
        .contains("the limit is 32768 bytes per event");
    assertThat(storedIds("event IN ('Small Before', 'Big Batch Item', 'Small After')"))
        .containsExactlyInAnyOrder("small-before", "small-after");
  }

  @Test
  void oversizedRequestIs413PlainAndGzip() {
    String body = bigBatch(2_000, 3_000, "Bad Huge Request");
    assertThat(body.length()).isGreaterThan(5 * 1024 * 1024);
    assertError(batch(body), 413, "too_large", "exceeds 5242880 bytes", "max request size");
    byte[] gz = gzip(body.getBytes(UTF_8));
    assertThat(gz.length).isLessThan(1024 * 1024);
    assertError(
        call(() -> server.postBytes("/v1/batch", gz, GZIP_KEY)),
        413,
        "too_large",
        "exceeds 5242880 bytes after decompression",
        "max request size");
    assertError(
        call(() -> server.postBytes("/v1/batch", gz, KEY)),
        413,
        "too_large",
        "after decompression");
    assertNothingStored("Bad Huge Request");
  }

  @Test
  void gzipBombIsStoppedAtTheLimit() {
    byte[] bomb = spacesGzipBomb(1024);
    assertThat(bomb.length).isBetween(1_000_000, 1_100_000);
    HttpResponse<String> res = call(() -> server.postBytes("/v1/batch", bomb, GZIP_KEY));
    assertError(
        res,
        413,
        "too_large",
        "exceeds 5242880 bytes after decompression",
        "CAUSALITY_MAX_REQUEST_BYTES");
    assertError(
        call(() -> server.postBytes("/v1/batch", bomb, KEY)),
        413,
        "too_large",
        "after decompression");
  }

  @Test
  void invalidGzipIs400() {
    byte[] valid =
        gzip(
            ("{\"userId\":\"u1\",\"event\":\"Bad Gzip\",\"properties\":{\"s\":\""
                    + "y".repeat(2000)
                    + "\"}}")
                .getBytes(UTF_8));
    assertBadRequest(
        call(
            () -> server.post("/v1/track", "{\"userId\":\"u1\",\"event\":\"Bad Gzip\"}", GZIP_KEY)),
        "not valid gzip");
    assertBadRequest(
        call(() ->
            server.postBytes("/v1/track", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5}, KEY)),
        "gzip");
    assertBadRequest(
        call(() -> server.postBytes("/v1/track", Arrays.copyOf(valid, valid.length / 2), KEY)),
        "truncated gzip");
    byte[] corrupt = valid.clone();
    for (int i = 20; i < corrupt.length - 8; i += 7) {
      corrupt[i] ^= 0x5a;
    }
    assertBadRequest(call(() -> server.postBytes("/v1/track", corrupt, GZIP_KEY)), "gzip");
    byte[] badCrc = valid.clone();
    badCrc[badCrc.length - 8] ^= 0x01;
    assertBadRequest(call(() -> server.postBytes("/v1/track", badCrc, GZIP_KEY)), "gzip");
    assertNothingStored("Bad Gzip");
    assertThat(server.postBytes("/v1/track", valid, KEY).statusCode()).isEqualTo(200);
    assertThat(server.scalar("SELECT count(*) FROM events WHERE event = 'Bad Gzip'")).isEqualTo(1L);
  }

  @Test
  void batchOverTheEventLimitIs400() {
    String tooMany = bigBatch(2_501, 10, "Bad Too Many");
    assertBadRequest(batch(tooMany), "more than 2500 events", "CAUSALITY_MAX_BATCH_EVENTS");
    assertNothingStored("Bad Too Many");
    String atLimit = bigBatch(2_500, 10, "At Limit");
    HttpResponse<String> ok = batch(atLimit);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(
            server.scalar("SELECT count(DISTINCT event_id) FROM events WHERE event = 'At Limit'"))
        .isEqualTo(2500L);
  }

  @Test
  void missingUnknownAndRevokedKeysAre401() {
    String body = "{\"userId\":\"u1\",\"event\":\"Bad Key\"}";
    assertError(call(() -> server.post("/v1/track", body)), 401, "unauthorized", "no write key");
    assertError(
        call(() -> server.post("/v1/track", body, "X-Write-Key", "no_such_key_0123456789")),
        401,
        "unauthorized",
        "write key is unknown or revoked");
    assertError(
        call(() -> server.post("/v1/track", body, "Authorization", "Basic !!not-base64!!")),
        401,
        "unauthorized",
        "write key");
    assertError(
        call(() ->
            server.post(
                "/v1/batch",
                "{\"writeKey\":\"no_such_key_0123456789\",\"batch\":["
                    + item("track", "u1", "Bad Key", "bad-key-1")
                    + "]}")),
        401,
        "unauthorized",
        "unknown or revoked");

    CreatedKey key =
        server
            .server()
            .projects()
            .createKey(
                "default",
                "bad-input-test",
                OptionalInt.empty(),
                Optional.of("revoked_key_0123456789abcdef"));
    HttpResponse<String> before =
        server.post(
            "/v1/track",
            "{\"userId\":\"u1\",\"event\":\"Before Revoke\"}",
            "X-Write-Key",
            key.secret());
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    assertThat(server.server().projects().revokeKey(key.key().id())).isTrue();
    assertError(
        call(() -> server.post("/v1/track", body, "X-Write-Key", key.secret())),
        401,
        "unauthorized",
        "unknown or revoked");
    assertError(
        call(() -> server.post("/v1/track?writeKey=" + key.secret(), body)),
        401,
        "unauthorized",
        "unknown or revoked");

    HttpResponse<String> itemKey =
        batch(
            "{\"batch\":["
                + item("track", "u1", "Bad Key", "bad-key-2")
                    .replace("}", ",\"writeKey\":\"" + key.secret() + "\"}")
                + ","
                + item("track", "u1", "Good Key", "good-key-1")
                + "]}");
    assertThat(itemKey.statusCode()).as(itemKey.body()).isEqualTo(200);
    assertThat(reasons(itemKey)).containsExactly(Map.entry(0, "invalid_write_key"));
    assertNothingStored("Bad Key");
    assertThat(
            server.scalar(
                "SELECT count(*) FROM events WHERE event IN ('Before Revoke', 'Good Key')"))
        .isEqualTo(2L);
  }

  @Test
  void partlyInvalidBatchStoresTheValidItemsOnceAndCountsRejections() {
    Map<String, Double> before = rejectionMetrics();
    String body =
        "{\"batch\":["
            + item("track", "u1", "Mixed Valid", "mixed-ok-1")
            + ","
            + "{\"type\":\"track\",\"event\":\"Mixed No Id\",\"messageId\":\"mixed-bad-1\"},"
            + "{\"type\":\"track\",\"userId\":\"\",\"anonymousId\":null,\"event\":\"Mixed No Id\",\"messageId\":\"mixed-bad-2\"},"
            + "{\"type\":\"track\",\"userId\":\"u1\",\"messageId\":\"mixed-bad-3\"},"
            + "{\"type\":\"group\",\"userId\":\"u1\",\"messageId\":\"mixed-bad-4\"},"
            + "{\"type\":\"alias\",\"userId\":\"u1\",\"messageId\":\"mixed-bad-5\"},"
            + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Mixed Long Id\",\"messageId\":\""
            + "m".repeat(101)
            + "\"},"
            + "{\"type\":\"identify\",\"userId\":\"\",\"anonymousId\":\"a1\",\"messageId\":\"mixed-ok-2\"},"
            + "{\"type\":\"group\",\"userId\":\"u1\",\"groupId\":\"g1\",\"messageId\":\"mixed-ok-3\"},"
            + "{\"type\":\"alias\",\"userId\":\"u1\",\"previousId\":\"a1\",\"messageId\":\"mixed-ok-4\"},"
            + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Mixed Max Id\",\"messageId\":\""
            + "k".repeat(100)
            + "\"}"
            + "]}";
    HttpResponse<String> res = batch(body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    JsonNode json = json(res);
    assertThat(json.path("success").asBoolean()).isTrue();
    assertThat(json.path("accepted").asInt()).isEqualTo(5);
    assertThat(reasons(res))
        .containsExactly(
            Map.entry(1, "missing_identity"),
            Map.entry(2, "missing_identity"),
            Map.entry(3, "missing_event"),
            Map.entry(4, "missing_group_id"),
            Map.entry(5, "missing_previous_id"),
            Map.entry(6, "message_id_too_long"));
    List<String> messages = new ArrayList<>();
    json.path("rejected").forEach(r -> messages.add(r.path("message").asText()));
    assertThat(messages)
        .containsExactly(
            "item 1 has neither userId nor anonymousId",
            "item 2 has neither userId nor anonymousId",
            "a track call needs a non-empty 'event'",
            "a group call needs a 'groupId'",
            "an alias call needs a 'previousId'",
            "messageId is 101 characters; the limit is 100");

    HttpResponse<String> retry = batch(body);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(storedIds("event_id LIKE 'mixed-%' OR event LIKE 'Mixed%'"))
        .containsExactlyInAnyOrder(
            "mixed-ok-1", "mixed-ok-2", "mixed-ok-3", "mixed-ok-4", "k".repeat(100));

    Map<String, Double> after = rejectionMetrics();
    Map<String, Double> delta = new HashMap<>();
    after.forEach((reason, n) -> {
      double d = n - before.getOrDefault(reason, 0.0);
      if (d != 0) {
        delta.put(reason, d);
      }
    });
    assertThat(delta)
        .containsOnly(
            Map.entry("missing_identity", 4.0),
            Map.entry("missing_event", 2.0),
            Map.entry("missing_group_id", 2.0),
            Map.entry("missing_previous_id", 2.0),
            Map.entry("message_id_too_long", 2.0));
  }

  @Test
  void wholeRequestRefusalsAreCountedByCode() {
    Map<String, Double> before = rejectionMetrics();
    assertBadRequest(track("{"), "malformed JSON");
    assertError(
        call(() -> server.post("/v1/track", "{\"userId\":\"u1\",\"event\":\"Bad Metric\"}")),
        401,
        "unauthorized",
        "no write key");
    assertError(
        track(
            "{\"userId\":\"u1\",\"event\":\"Bad Metric\",\"properties\":{\"s\":\""
                + "z".repeat(40_000)
                + "\"}}"),
        413,
        "too_large",
        "per event");
    Map<String, Double> after = rejectionMetrics();
    assertThat(
            after.get("request_invalid_request")
                - before.getOrDefault("request_invalid_request", 0.0))
        .isEqualTo(1.0);
    assertThat(after.get("request_unauthorized") - before.getOrDefault("request_unauthorized", 0.0))
        .isEqualTo(1.0);
    assertThat(after.get("event_too_large") - before.getOrDefault("event_too_large", 0.0))
        .isEqualTo(1.0);
    assertNothingStored("Bad Metric");
  }

  // ---- helpers ----

  private static HttpResponse<String> track(String body) {
    return call(() -> server.post("/v1/track", body, KEY));
  }

  private static HttpResponse<String> batch(String body) {
    return call(() -> server.post("/v1/batch", body, KEY));
  }

  /**
   * Sends a bad request while the steady client keeps going, then waits until that client has been
   * acknowledged twice more: bad input must not hold up anyone else.
   */
  private static HttpResponse<String> call(Supplier<HttpResponse<String>> request) {
    int before = traffic.ackCount();
    HttpResponse<String> res = request.get();
    traffic.awaitAcks(before + 2);
    return res;
  }

  private static String item(String type, String userId, String event, String messageId) {
    return "{\"type\":\""
        + type
        + "\",\"userId\":\""
        + userId
        + "\",\"event\":\""
        + event
        + "\",\"messageId\":\""
        + messageId
        + "\"}";
  }

  private static String bigBatch(int events, int padding, String event) {
    StringBuilder sb = new StringBuilder("{\"batch\":[");
    String pad = "p".repeat(padding);
    for (int i = 0; i < events; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"type\":\"track\",\"userId\":\"u")
          .append(i % 7)
          .append("\",\"event\":\"")
          .append(event)
          .append("\",\"messageId\":\"")
          .append(event.replace(' ', '-'))
          .append('-')
          .append(i)
          .append("\",\"properties\":{\"pad\":\"")
          .append(pad)
          .append("\"}}");
    }
    return sb.append("]}").toString();
  }

  private static void assertBadRequest(HttpResponse<String> res, String... messageParts) {
    assertError(res, 400, "invalid_request", messageParts);
  }

  /** A single message refused by the pipeline: 400 naming the reason and the field. */
  private static void assertRejected(
      HttpResponse<String> res, String reason, String... messageParts) {
    assertError(res, 400, "invalid_events", messageParts);
    assertThat(reasons(res)).as(res.body()).containsExactly(Map.entry(0, reason));
  }

  private static void assertError(
      HttpResponse<String> res, int status, String code, String... messageParts) {
    assertThat(res.statusCode()).as("status of %s", res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    JsonNode json = json(res);
    assertThat(json.path("success").isBoolean()).as(res.body()).isTrue();
    assertThat(json.path("success").asBoolean()).as(res.body()).isFalse();
    assertThat(json.path("code").asText()).as(res.body()).isEqualTo(code);
    assertThat(json.path("message").asText()).as(res.body()).contains(messageParts);
  }

  private static List<Map.Entry<Integer, String>> reasons(HttpResponse<String> res) {
    List<Map.Entry<Integer, String>> out = new ArrayList<>();
    json(res)
        .path("rejected")
        .forEach(r -> out.add(Map.entry(r.path("index").asInt(), r.path("reason").asText())));
    return out;
  }

  private static JsonNode json(HttpResponse<String> res) {
    try {
      return JSON.readTree(res.body());
    } catch (IOException e) {
      throw new AssertionError("response body is not JSON: " + res.body(), e);
    }
  }

  private static void assertNothingStored(String event) {
    assertThat(server.scalar("SELECT count(*) FROM events WHERE event = '" + event + "'"))
        .as("events named %s stored", event)
        .isEqualTo(0L);
  }

  private static List<String> storedIds(String where) {
    return server.query("SELECT event_id FROM events WHERE " + where).stream()
        .map(r -> (String) r.getFirst())
        .toList();
  }

  private static final Pattern REJECTED =
      Pattern.compile(
          "^causality_events_rejected_total\\{reason=\"([a-z_]+)\",?} ([0-9.Ee+-]+)$",
          Pattern.MULTILINE);

  private static Map<String, Double> rejectionMetrics() {
    String text = server.get("/metrics").body();
    Map<String, Double> out = new HashMap<>();
    Matcher m = REJECTED.matcher(text);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    assertThat(out).as("rejection counters in /metrics").containsKey("missing_identity");
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A gzip member that inflates to {@code mebibytes} MiB of spaces (valid JSON whitespace) in about
   * 1/1000 of that, built without holding the inflated bytes: one MiB is deflated once with a sync
   * flush, which leaves a byte-aligned run of blocks that only refers back to spaces, so repeating
   * it yields another MiB of spaces each time.
   */
  static byte[] spacesGzipBomb(int mebibytes) {
    byte[] mib = new byte[1 << 20];
    Arrays.fill(mib, (byte) ' ');
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] first = deflate(d, mib, Deflater.SYNC_FLUSH);
    byte[] repeat = deflate(d, mib, Deflater.SYNC_FLUSH);
    d.finish();
    byte[] last = deflate(d, new byte[0], Deflater.FULL_FLUSH);
    d.end();
    CRC32 crc = new CRC32();
    for (int i = 0; i < mebibytes; i++) {
      crc.update(mib);
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(first.length + repeat.length * mebibytes + 64);
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    out.writeBytes(first);
    for (int i = 1; i < mebibytes; i++) {
      out.writeBytes(repeat);
    }
    out.writeBytes(last);
    long size = (long) mebibytes << 20;
    for (long v : new long[] {crc.getValue(), size}) {
      for (int i = 0; i < 4; i++) {
        out.write((int) (v >>> (8 * i)));
      }
    }
    return out.toByteArray();
  }

  private static byte[] deflate(Deflater d, byte[] input, int flush) {
    d.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (true) {
      int n = d.deflate(buf, 0, buf.length, flush);
      out.write(buf, 0, n);
      if (d.finished() || (n < buf.length && d.needsInput())) {
        return out.toByteArray();
      }
    }
  }

  /**
   * Another client sending one valid event at a time for the whole class, as a real client would
   * while someone else sends garbage. Records what was acknowledged and any response that was not.
   */
  static final class SteadyTraffic implements AutoCloseable {
    private final TestServer server;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private SteadyTraffic(TestServer server) {
      this.server = server;
      this.thread = Thread.ofPlatform().name("steady-traffic").daemon(true).unstarted(this::run);
    }

    static SteadyTraffic start(TestServer server) {
      SteadyTraffic t = new SteadyTraffic(server);
      t.thread.start();
      t.awaitAcks(1);
      return t;
    }

    private void run() {
      URI uri = server.uri("/v1/track");
      for (long n = 0; running.get(); n++) {
        String id = "steady-" + n;
        HttpRequest req =
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("X-Write-Key", TestServer.KEY)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"userId\":\"steady\",\"event\":\"Steady\",\"messageId\":\""
                            + id
                            + "\",\"properties\":{\"n\":"
                            + n
                            + "}}"))
                .build();
        try {
          HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
          if (res.statusCode() == 200 && res.body().equals("{\"success\":true}")) {
            acked.add(id);
          } else {
            failures.add(id + " -> " + res.statusCode() + " " + res.body());
          }
          Thread.sleep(5);
        } catch (IOException e) {
          failures.add(id + " -> " + e);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    int ackCount() {
      return acked.size();
    }

    List<String> acked() {
      return List.copyOf(acked);
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    /** Waits (at most 20 s) until {@code n} events in all have been acknowledged. */
    void awaitAcks(int n) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (acked.size() < n) {
        if (System.nanoTime() > deadline || !thread.isAlive()) {
          throw new AssertionError(
              "the steady client got "
                  + acked.size()
                  + " of "
                  + n
                  + " acknowledgements; failures: "
                  + failures.stream().limit(5).collect(Collectors.joining("; ")));
        }
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }

    @Override
    public void close() {
      running.set(false);
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
