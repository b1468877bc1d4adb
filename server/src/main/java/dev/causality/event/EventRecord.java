package dev.causality.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One binary log record ({@link EventCodec}) read in place: where each of the {@link Event}'s
 * columns lies in the record's bytes, so that the loader can hand text to the warehouse as the
 * UTF-8 it already is, without making a {@link String} of it and encoding it back.
 *
 * <p>Columns are numbered in {@link Event}'s component order (0 = {@code eventId} … 44 = {@code
 * service}), which is also the order of the warehouse's {@code events} table.
 */
public final class EventRecord {
  /*
   * Implementation note. Profiling the loader (docs/benchmarks.md) showed a fifth of its thread's
   * time in decoding each text column into a String and the DuckDB Appender encoding it back to
   * UTF-8. A record is scanned once for its column offsets (varint lengths, fixed-size times);
   * readers then copy or parse the bytes they need.
   */

  /** Number of columns of an event row. */
  public static final int COLUMNS = 45;

  public static final int EVENT_ID = 0;
  public static final int APP_ID = 1;
  public static final int TYPE = 2;
  public static final int EVENT = 3;
  public static final int USER_ID = 4;
  public static final int ANONYMOUS_ID = 5;
  public static final int TIMESTAMP = 9;
  public static final int RECEIVED_AT = 12;
  public static final int TIMESTAMP_CLAMPED = 13;
  public static final int PROPERTIES = 14;
  public static final int TRAITS = 15;
  public static final int SCREEN_WIDTH = 40;
  public static final int SCREEN_HEIGHT = 41;

  /** How each column is stored in a record. */
  private static final byte TEXT = 0;

  private static final byte I64 = 1;
  private static final byte U8 = 2;
  private static final byte I32 = 3;

  private static final byte[] LAYOUT = new byte[COLUMNS];

  static {
    Arrays.fill(LAYOUT, TEXT);
    for (int c = 9; c <= 12; c++) {
      LAYOUT[c] = I64;
    }
    LAYOUT[TIMESTAMP_CLAMPED] = U8;
    LAYOUT[SCREEN_WIDTH] = I32;
    LAYOUT[SCREEN_HEIGHT] = I32;
  }

  private final byte[] bytes;

  /** Per column: offset of its value in {@code bytes}, or -1 when absent. */
  private final int[] offsets = new int[COLUMNS];

  /** Per column: byte length of a text value (unused for the other layouts). */
  private final int[] lengths = new int[COLUMNS];

  private EventRecord(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Reads a record of either log format; throws {@link IOException} when the bytes are not an
   * event. Records of the earlier JSON format are decoded and re-encoded in the binary form.
   */
  public static EventRecord of(byte[] payload) throws IOException {
    if (payload.length == 0 || payload[0] != EventCodec.VERSION) {
      return of(EventCodec.decode(payload));
    }
    EventRecord r = new EventRecord(payload);
    r.scan();
    return r;
  }

  /** The record of an event (loads that start from rows, such as tests and the demo). */
  public static EventRecord of(Event e) {
    EventRecord r = new EventRecord(EventCodec.encode(e));
    try {
      r.scan();
    } catch (IOException impossible) {
      throw new IllegalStateException("the codec produced a record it cannot read", impossible);
    }
    return r;
  }

  private void scan() throws IOException {
    EventCodec.Reader in = new EventCodec.Reader(bytes);
    try {
      for (int c = 0; c < COLUMNS; c++) {
        switch (LAYOUT[c]) {
          case TEXT -> {
            int len = in.varint() - 1;
            if (len < 0) {
              offsets[c] = -1;
            } else {
              if (len > bytes.length - in.at) {
                throw new IOException("text of " + len + " bytes runs past the end of the record");
              }
              offsets[c] = in.at;
              lengths[c] = len;
              in.at += len;
            }
          }
          case I64 -> {
            offsets[c] = in.at;
            in.at += 8;
          }
          case U8 -> {
            offsets[c] = in.at;
            in.at += 1;
          }
          default -> {
            if (in.u8() == 0) {
              offsets[c] = -1;
            } else {
              offsets[c] = in.at;
              in.at += 4;
            }
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IOException("record is truncated or not an event: " + e.getMessage(), e);
    }
    if (in.at != bytes.length) {
      throw new IOException(
          "record has " + (bytes.length - in.at) + " bytes after the last column");
    }
  }

  /** Whether the column holds a value (text and screen dimensions may be absent). */
  public boolean present(int column) {
    return offsets[column] >= 0;
  }

  /**
   * The record's bytes, for readers that parse a column in place ({@link #offset}, {@link
   * #length}).
   */
  public byte[] array() {
    return bytes;
  }

  /** Where a present text column starts in {@link #array()}. */
  public int offset(int column) {
    return offsets[column];
  }

  /** The UTF-8 length of a present text column. */
  public int length(int column) {
    return lengths[column];
  }

  /** A text column's UTF-8 bytes (a copy), or {@code null} when absent. */
  public byte[] utf8(int column) {
    int at = offsets[column];
    return at < 0 ? null : Arrays.copyOfRange(bytes, at, at + lengths[column]);
  }

  /** A text column as a String, or {@code null} when absent. */
  public String text(int column) {
    int at = offsets[column];
    return at < 0 ? null : new String(bytes, at, lengths[column], StandardCharsets.UTF_8);
  }

  /** Whether a text column equals {@code ascii} (an ASCII literal such as an event type). */
  public boolean textEquals(int column, String ascii) {
    int at = offsets[column];
    if (at < 0 || lengths[column] != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (bytes[at + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** One of the four time columns, in microseconds since the epoch. */
  public long time(int column) {
    return EventCodec.Reader.i64(bytes, offsets[column]);
  }

  /** The {@code timestampClamped} flag. */
  public boolean clamped() {
    return bytes[offsets[TIMESTAMP_CLAMPED]] != 0;
  }

  /** A screen dimension; only when {@link #present}. */
  public int int32(int column) {
    return EventCodec.Reader.i32(bytes, offsets[column]);
  }

  /** The row as an {@link Event}. */
  public Event toEvent() {
    try {
      return EventCodec.decode(bytes);
    } catch (IOException impossible) {
      throw new IllegalStateException("a scanned record does not decode", impossible);
    }
  }
}
