package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.event.Event;
import dev.causality.event.EventCodec;
import dev.causality.projects.IngestKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes through body reading, parsing and the pipeline for every route shape: each either
 * becomes a parsed request whose items all come out accepted (with an event that encodes, decodes
 * and holds JSON objects) or rejected with a reason, or is refused as a whole with an {@link
 * IngestException} carrying a 4xx status. Anything else — another exception, a 5xx, a stack
 * overflow, a hang — is a finding.
 *
 * <p>A normal test run replays the seeds in {@code RequestParserFuzzTestInputs/parseAnyRoute/}
 * (plus the empty input). To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B test -pl server -Dtest=RequestParserFuzzTest -Djacoco.skip=true \
 *     -Djazzer.max_duration=10m -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 *
 * <p>Jazzer hands {@code @Timeout} to libFuzzer as its per-input {@code -timeout}, but under Maven
 * JUnit still applies it to the whole fuzzing run (jazzer#930), hence the last flag. Findings are
 * written next to the seeds; keep them there as regression inputs once fixed. The generated corpus
 * goes to {@code server/.cifuzz-corpus/} (ignored by git). The limits are small so that the fuzzer
 * reaches every one of them.
 */
class RequestParserFuzzTest {
  static final IngestLimits LIMITS = new IngestLimits(1024, 16 * 1024, 16, 64);

  private static final List<Route> ROUTES =
      List.of(
              "/v1/track",
              "/v1/identify",
              "/v1/page",
              "/v1/screen",
              "/v1/group",
              "/v1/alias",
              "/v1/batch",
              "/v1/events/ingest",
              "/v1/analytics/track",
              "/v1/analytics/page")
          .stream()
          .map(p -> Route.of(p).orElseThrow())
          .toList();

  private static final IngestKey KEY =
      new IngestKey(
          "key_fuzz",
          "default",
          "fuzz",
          "fuzzkey_",
          OptionalInt.empty(),
          Instant.EPOCH,
          Optional.empty());

  private static final RequestInfo INFO =
      new RequestInfo(
          1_700_000_000_000_000L, "203.0.113.7", Optional.empty(), true, Optional.empty());

  private static final RequestParser PARSER = new RequestParser(LIMITS);

  private static final Pipeline PIPELINE =
      new Pipeline(
          LIMITS,
          new Enricher(new UserAgents(64), Optional.empty(), Enricher.IpMode.TRUNCATE),
          PARSER.mapper(),
          new SplittableRandom(42),
          600_000_000L);

  private static final ObjectMapper JSON = new ObjectMapper();

  @Timeout(10) // per input; Jazzer passes it on to the fuzzer as -timeout
  @FuzzTest(maxDuration = "5m")
  void parseAnyRoute(byte[] input) {
    byte[] body;
    try {
      body =
          RequestBody.read(
              new ByteArrayInputStream(input), null, LIMITS.maxRequestBytes(), input.length);
    } catch (IngestException e) {
      assertClientError(e);
      return;
    }
    for (Route route : ROUTES) {
      parseAndProcess(body, route);
    }
  }

  private static void parseAndProcess(byte[] body, Route route) {
    ParsedRequest parsed;
    try {
      parsed = PARSER.parse(body, route);
    } catch (IngestException e) {
      assertClientError(e);
      return;
    }
    assertThat(parsed.items()).hasSizeLessThanOrEqualTo(LIMITS.maxBatchEvents());
    if (route.shape() == Route.Shape.SINGLE || route.shape() == Route.Shape.FLOWMIND) {
      assertThat(parsed.items()).hasSize(1);
    }
    List<Outcome> outcomes = PIPELINE.process(parsed, route, INFO, KEY, secret -> Optional.empty());
    assertThat(outcomes).hasSameSizeAs(parsed.items());
    for (Outcome o : outcomes) {
      switch (o) {
        case Outcome.Accepted a -> checkEvent(a.event());
        case Outcome.Rejected r -> assertThat(r.message()).isNotBlank();
      }
    }
  }

  private static void checkEvent(Event e) {
    assertThat(e.appId()).isEqualTo("default");
    assertThat(Event.TYPES).contains(e.type());
    assertThat(e.eventId()).isNotEmpty().hasSizeLessThanOrEqualTo(Pipeline.MAX_MESSAGE_ID);
    long min = Pipeline.MIN_TIME.toEpochMilli() * 1000;
    long max = Pipeline.MAX_TIME.toEpochMilli() * 1000 + 999;
    assertThat(e.originalTimestamp()).isBetween(min, max);
    assertThat(e.sentAt()).isBetween(min, max);
    assertThat(e.timestamp()).isBetween(min - (max - min), INFO.receivedAtMicros() + 600_000_000L);
    Event decoded;
    try {
      decoded = EventCodec.decode(EventCodec.encode(e));
    } catch (IOException ex) {
      throw new UncheckedIOException("an accepted event does not survive the log codec", ex);
    }
    for (String json : List.of(decoded.properties(), decoded.traits(), decoded.context())) {
      JsonNode n;
      try {
        n = JSON.readTree(json);
      } catch (IOException ex) {
        throw new AssertionError("a JSON column is not valid JSON: " + json, ex);
      }
      assertThat(n.isObject()).as(json).isTrue();
    }
  }

  private static void assertClientError(IngestException e) {
    assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
    assertThat(e.code()).isNotBlank();
    assertThat(e.getMessage()).isNotBlank();
  }
}
