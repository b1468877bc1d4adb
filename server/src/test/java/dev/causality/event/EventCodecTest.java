package dev.causality.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  /** How records were written before the streaming encoder: databind's record serialiser. */
  static byte[] encodeWithDatabind(Event e) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .writerFor(Event.class)
        .writeValueAsBytes(e);
  }

  static Event full() {
    Event.Builder b = Event.builder();
    b.eventId = "e\"1\\\u00e9";
    b.appId = "shop";
    b.type = "track";
    b.event = "Signed Up";
    b.userId = "u1";
    b.anonymousId = "a1";
    b.sessionId = "s1";
    b.groupId = "g1";
    b.previousId = "p1";
    b.timestamp = 1;
    b.originalTimestamp = 2;
    b.sentAt = 3;
    b.receivedAt = 4;
    b.timestampClamped = true;
    b.properties = "{\"a\":[1,2,{\"b\":\"\\n\"}]}";
    b.traits = "{\"email\":\"x@y\"}";
    b.context = "{\"locale\":\"de\"}";
    b.pageUrl = "https://x/y?z=1";
    b.pagePath = "/y";
    b.pageTitle = "Y";
    b.referrer = "https://r";
    b.utmSource = "s";
    b.utmMedium = "m";
    b.utmCampaign = "c";
    b.utmTerm = "t";
    b.utmContent = "co";
    b.ip = "203.0.113.0";
    b.country = "DE";
    b.region = "Berlin";
    b.city = "Berlin";
    b.deviceType = "mobile";
    b.os = "iOS";
    b.osVersion = "17";
    b.browser = "Safari";
    b.browserVersion = "17.1";
    b.deviceManufacturer = "Apple";
    b.deviceModel = "iPhone";
    b.appVersion = "1.2";
    b.locale = "de-DE";
    b.timezone = "Europe/Berlin";
    b.screenWidth = 390;
    b.screenHeight = 844;
    b.libraryName = "analytics-ios";
    b.libraryVersion = "4";
    b.service = "api";
    return b.build();
  }

  @Test
  void everyColumnRoundTrips() throws Exception {
    Event e = full();
    assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
  }

  @Test
  void absentColumnsReadBackAsNull() throws Exception {
    Event sparse = Events.track("X").build();
    byte[] bytes = EventCodec.encode(sparse);
    assertThat(EventCodec.decode(bytes)).isEqualTo(sparse);
    assertThat(EventCodec.toJson(sparse)).doesNotContain("null").doesNotContain("pageUrl");
  }

  @Test
  void theBinaryRecordIsSmallerThanTheJsonOne() {
    Event e = full();
    assertThat(EventCodec.encode(e).length)
        .isLessThan(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void readsRecordsWrittenInTheEarlierJsonFormats() throws Exception {
    Event e = full();
    assertThat(EventCodec.decode(encodeWithDatabind(e))).isEqualTo(e);
    assertThat(EventCodec.decode(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(e);
    assertThat(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8))
        .isEqualTo(encodeWithDatabind(e));
  }

  @Test
  void truncatedOrCorruptRecordsFailToDecode() {
    byte[] bytes = EventCodec.encode(full());
    for (int cut : new int[] {1, 2, 10, bytes.length / 2, bytes.length - 1}) {
      assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(bytes, cut)))
          .isInstanceOf(IOException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> EventCodec.decode(longer)).isInstanceOf(IOException.class);
  }

  @Test
  void deadLettersDescribeRecordsAsReadableText() {
    Event e = full();
    assertThat(EventCodec.describe(EventCodec.encode(e))).isEqualTo(EventCodec.toJson(e));
    assertThat(EventCodec.describe("{not json".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("{not json");
    assertThat(EventCodec.describe(new byte[] {1, (byte) 0xFF})).startsWith("base64:");
  }
}
