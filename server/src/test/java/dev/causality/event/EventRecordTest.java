package dev.causality.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventRecordTest {

  /** Column c of the event through its record component, the order the record's columns follow. */
  private static Object component(Event e, int c) throws Exception {
    RecordComponent[] components = Event.class.getRecordComponents();
    assertThat(components).hasSize(EventRecord.COLUMNS);
    return components[c].getAccessor().invoke(e);
  }

  private static void assertColumnsMatch(EventRecord r, Event e) throws Exception {
    for (int c = 0; c < EventRecord.COLUMNS; c++) {
      Object expected = component(e, c);
      Class<?> type = Event.class.getRecordComponents()[c].getType();
      if (type == String.class) {
        assertThat(r.present(c)).as("column %d present", c).isEqualTo(expected != null);
        assertThat(r.text(c)).as("column %d", c).isEqualTo(expected);
        assertThat(r.utf8(c))
            .as("column %d bytes", c)
            .isEqualTo(
                expected == null ? null : ((String) expected).getBytes(StandardCharsets.UTF_8));
      } else if (type == long.class) {
        assertThat(r.time(c)).as("column %d", c).isEqualTo(expected);
      } else if (type == boolean.class) {
        assertThat(r.clamped()).isEqualTo(expected);
      } else {
        assertThat(r.present(c)).as("column %d present", c).isEqualTo(expected != null);
        if (expected != null) {
          assertThat(r.int32(c)).as("column %d", c).isEqualTo(expected);
        }
      }
    }
    assertThat(r.toEvent()).isEqualTo(e);
  }

  @Test
  void readsEveryColumnInPlace() throws Exception {
    Event e = EventCodecTest.full();
    assertColumnsMatch(EventRecord.of(EventCodec.encode(e)), e);
    assertColumnsMatch(EventRecord.of(e), e);
  }

  @Test
  void absentColumnsAreAbsent() throws Exception {
    Event sparse = Events.track("X").build();
    EventRecord r = EventRecord.of(sparse);
    assertColumnsMatch(r, sparse);
    assertThat(r.present(EventRecord.SCREEN_WIDTH)).isFalse();
    assertThat(r.utf8(EventRecord.TRAITS + 3)).isNull();
  }

  @Test
  void longTextsUseMultiByteLengths() throws Exception {
    Event.Builder b = Event.builder();
    b.eventId = "id";
    b.appId = "p";
    b.type = "track";
    b.event = "é".repeat(70_000);
    b.properties = "{\"k\":\"" + "x".repeat(200) + "\"}";
    b.traits = "{}";
    b.context = "{}";
    Event e = b.build();
    EventRecord r = EventRecord.of(e);
    assertColumnsMatch(r, e);
    assertThat(r.length(EventRecord.EVENT)).isEqualTo(140_000);
    assertThat(r.textEquals(EventRecord.TYPE, "track")).isTrue();
    assertThat(r.textEquals(EventRecord.TYPE, "trac")).isFalse();
    assertThat(r.textEquals(EventRecord.TYPE, "page")).isFalse();
    assertThat(r.textEquals(4, "x")).as("an absent column equals nothing").isFalse();
  }

  @Test
  void recordsOfTheEarlierJsonFormatAreReadToo() throws Exception {
    Event e = EventCodecTest.full();
    assertColumnsMatch(EventRecord.of(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8)), e);
  }

  @Test
  void truncatedOrCorruptRecordsAreRefused() {
    byte[] bytes = EventCodec.encode(EventCodecTest.full());
    for (int cut : new int[] {1, 2, 10, bytes.length / 2, bytes.length - 1}) {
      assertThatThrownBy(() -> EventRecord.of(Arrays.copyOf(bytes, cut)))
          .isInstanceOf(IOException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> EventRecord.of(longer)).isInstanceOf(IOException.class);
    byte[] badLength = bytes.clone();
    for (int i = 1; i < 7; i++) {
      badLength[i] = (byte) 0xFF; // a varint that never ends
    }
    assertThatThrownBy(() -> EventRecord.of(badLength)).isInstanceOf(IOException.class);
  }
}
