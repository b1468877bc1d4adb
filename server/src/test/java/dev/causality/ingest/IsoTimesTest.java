package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimesTest {

  /** What the java.time path makes of a text, in micros; NOT_SIMPLE when it does not parse. */
  private static long javaTime(String s) {
    try {
      var t =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      var at =
          t instanceof OffsetDateTime odt
              ? odt.toInstant()
              : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
      return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, at.truncatedTo(ChronoUnit.MICROS));
    } catch (RuntimeException e) {
      return IsoTimes.NOT_SIMPLE;
    }
  }

  @Test
  void agreesWithJavaTimeOnTheShapesClientsSend() {
    for (String s :
        new String[] {
          "2024-05-01T12:34:56Z",
          "2024-05-01T12:34:56.789Z",
          "2024-05-01T12:34:56.7Z",
          "2024-05-01T12:34:56.123456789Z",
          "2024-05-01T12:34:56.123456+02:00",
          "2024-05-01T00:00:00-05:30",
          "2024-02-29T23:59:59.999Z",
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59.5Z",
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999Z",
          "2024-05-01T12:34:56",
          "2024-05-01T12:34:56.5",
          "1600-03-01T00:00:00Z",
          "2000-02-29T00:00:00+18:00"
        }) {
      assertThat(IsoTimes.epochMicros(s)).as(s).isEqualTo(javaTime(s));
    }
  }

  @Test
  void leavesEverythingElseToJavaTime() {
    for (String s :
        new String[] {
          "2023-02-29T00:00:00Z",
          "2024-13-01T00:00:00Z",
          "2024-04-31T00:00:00Z",
          "2024-05-01T24:00:00Z",
          "2024-05-01T12:60:00Z",
          "2024-05-01T12:34:60Z",
          "2024-05-01T12:34Z",
          "2024-05-01 12:34:56Z",
          "2024-05-01t12:34:56z",
          "2024-05-01T12:34:56.Z",
          "2024-05-01T12:34:56.1234567890Z",
          "2024-05-01T12:34:56+0200",
          "2024-05-01T12:34:56+19:00",
          "2024-05-01T12:34:56Z[UTC]",
          "+12024-05-01T12:34:56Z",
          "2024-05-01T12:34:56+02:00:00",
          "２０２４-05-01T12:34:56Z",
          ""
        }) {
      assertThat(IsoTimes.epochMicros(s)).as(s).isEqualTo(IsoTimes.NOT_SIMPLE);
    }
  }

  @Test
  void agreesWithJavaTimeOnRandomDates() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      String s =
          String.format(
              "%04d-%02d-%02dT%02d:%02d:%02d.%0" + (1 + r.nextInt(9)) + "dZ",
              1 + r.nextInt(9999),
              1 + r.nextInt(12),
              1 + r.nextInt(31),
              r.nextInt(24),
              r.nextInt(60),
              r.nextInt(60),
              r.nextInt(10));
      assertThat(IsoTimes.epochMicros(s)).as(s).isEqualTo(javaTime(s));
    }
  }
}
