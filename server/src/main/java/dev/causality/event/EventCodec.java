package dev.causality.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The log's record format for an {@link Event}: a compact binary row, read back without parsing.
 *
 * <p>A record is the version byte {@code 0x01}, then every column in {@link Event}'s order: text
 * as a varint of (UTF-8 length + 1) followed by the bytes, 0 for an absent column; the four times
 * as 8-byte big-endian longs; the clamped flag as one byte; a screen dimension as a presence byte
 * and 4 bytes. The JSON columns ({@code properties}, {@code traits}, {@code context}) are stored
 * as their text. Records written before this format are one JSON object per event; they start
 * with {@code '{'} and {@link #decode} still reads them.
 */
public final class EventCodec {
  /*
   * Implementation note. Profiling the ingest path showed the JSON record costing more than
   * anything else in the loader (databind decode of every row) and a large share of the request
   * path (generator writes with escaping); the binary form is a copy of the strings' bytes each
   * way. Numbers and their evidence: docs/benchmarks.md.
   */

  static final byte VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader READER = MAPPER.readerFor(Event.class);

  private EventCodec() {}

  /** Encodes the row as a binary record. */
  public static byte[] encode(Event e) {
    Writer w = new Writer(e);
    w.buf[w.n++] = VERSION;
    w.str(e.eventId());
    w.str(e.appId());
    w.str(e.type());
    w.str(e.event());
    w.str(e.userId());
    w.str(e.anonymousId());
    w.str(e.sessionId());
    w.str(e.groupId());
    w.str(e.previousId());
    w.i64(e.timestamp());
    w.i64(e.originalTimestamp());
    w.i64(e.sentAt());
    w.i64(e.receivedAt());
    w.u8(e.timestampClamped() ? 1 : 0);
    w.str(e.properties());
    w.str(e.traits());
    w.str(e.context());
    w.str(e.pageUrl());
    w.str(e.pagePath());
    w.str(e.pageTitle());
    w.str(e.referrer());
    w.str(e.utmSource());
    w.str(e.utmMedium());
    w.str(e.utmCampaign());
    w.str(e.utmTerm());
    w.str(e.utmContent());
    w.str(e.ip());
    w.str(e.country());
    w.str(e.region());
    w.str(e.city());
    w.str(e.deviceType());
    w.str(e.os());
    w.str(e.osVersion());
    w.str(e.browser());
    w.str(e.browserVersion());
    w.str(e.deviceManufacturer());
    w.str(e.deviceModel());
    w.str(e.appVersion());
    w.str(e.locale());
    w.str(e.timezone());
    w.int32(e.screenWidth());
    w.int32(e.screenHeight());
    w.str(e.libraryName());
    w.str(e.libraryVersion());
    w.str(e.service());
    return w.n == w.buf.length ? w.buf : Arrays.copyOf(w.buf, w.n);
  }

  /**
   * Decodes a record of either format; throws {@link IOException} when the bytes are not an event.
   */
  public static Event decode(byte[] bytes) throws IOException {
    if (bytes.length > 0 && bytes[0] == VERSION) {
      return decodeBinary(bytes);
    }
    return READER.readValue(bytes);
  }

  private static Event decodeBinary(byte[] bytes) throws IOException {
    Reader r = new Reader(bytes);
    try {
      Event e =
          new Event(
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.i64(),
              r.i64(),
              r.i64(),
              r.i64(),
              r.u8() != 0,
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.str(),
              r.int32(),
              r.int32(),
              r.str(),
              r.str(),
              r.str());
      if (r.at != bytes.length) {
        throw new IOException(
            "record has " + (bytes.length - r.at) + " bytes after the last column");
      }
      return e;
    } catch (ArrayIndexOutOfBoundsException
        | NegativeArraySizeException
        | NullPointerException ex) {
      throw new IOException("record is truncated or not an event: " + ex.getMessage(), ex);
    }
  }

  /**
   * The record as readable text for the dead-letter table: the row as JSON when it decodes, the
   * record's own JSON for the earlier format, else the bytes in base64.
   */
  public static String describe(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == VERSION) {
      try {
        return toJson(decodeBinary(bytes));
      } catch (IOException e) {
        return "base64:" + Base64.getEncoder().encodeToString(bytes);
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The row as one JSON object, absent columns left out (the earlier record format). */
  public static String toJson(Event e) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(256 + e.properties().length() + e.context().length());
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      str(g, "eventId", e.eventId());
      str(g, "appId", e.appId());
      str(g, "type", e.type());
      str(g, "event", e.event());
      str(g, "userId", e.userId());
      str(g, "anonymousId", e.anonymousId());
      str(g, "sessionId", e.sessionId());
      str(g, "groupId", e.groupId());
      str(g, "previousId", e.previousId());
      g.writeNumberField("timestamp", e.timestamp());
      g.writeNumberField("originalTimestamp", e.originalTimestamp());
      g.writeNumberField("sentAt", e.sentAt());
      g.writeNumberField("receivedAt", e.receivedAt());
      if (e.timestampClamped()) {
        g.writeBooleanField("timestampClamped", true);
      }
      str(g, "properties", e.properties());
      str(g, "traits", e.traits());
      str(g, "context", e.context());
      str(g, "pageUrl", e.pageUrl());
      str(g, "pagePath", e.pagePath());
      str(g, "pageTitle", e.pageTitle());
      str(g, "referrer", e.referrer());
      str(g, "utmSource", e.utmSource());
      str(g, "utmMedium", e.utmMedium());
      str(g, "utmCampaign", e.utmCampaign());
      str(g, "utmTerm", e.utmTerm());
      str(g, "utmContent", e.utmContent());
      str(g, "ip", e.ip());
      str(g, "country", e.country());
      str(g, "region", e.region());
      str(g, "city", e.city());
      str(g, "deviceType", e.deviceType());
      str(g, "os", e.os());
      str(g, "osVersion", e.osVersion());
      str(g, "browser", e.browser());
      str(g, "browserVersion", e.browserVersion());
      str(g, "deviceManufacturer", e.deviceManufacturer());
      str(g, "deviceModel", e.deviceModel());
      str(g, "appVersion", e.appVersion());
      str(g, "locale", e.locale());
      str(g, "timezone", e.timezone());
      if (e.screenWidth() != null) {
        g.writeNumberField("screenWidth", e.screenWidth());
      }
      if (e.screenHeight() != null) {
        g.writeNumberField("screenHeight", e.screenHeight());
      }
      str(g, "libraryName", e.libraryName());
      str(g, "libraryVersion", e.libraryVersion());
      str(g, "service", e.service());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot encode event " + e.eventId(), ex);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void str(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  /** The text columns of a row in record order (the times, flag and screen sit in between). */
  private static String[] texts(Event e) {
    return new String[] {
      e.eventId(),
      e.appId(),
      e.type(),
      e.event(),
      e.userId(),
      e.anonymousId(),
      e.sessionId(),
      e.groupId(),
      e.previousId(),
      e.properties(),
      e.traits(),
      e.context(),
      e.pageUrl(),
      e.pagePath(),
      e.pageTitle(),
      e.referrer(),
      e.utmSource(),
      e.utmMedium(),
      e.utmCampaign(),
      e.utmTerm(),
      e.utmContent(),
      e.ip(),
      e.country(),
      e.region(),
      e.city(),
      e.deviceType(),
      e.os(),
      e.osVersion(),
      e.browser(),
      e.browserVersion(),
      e.deviceManufacturer(),
      e.deviceModel(),
      e.appVersion(),
      e.locale(),
      e.timezone(),
      e.libraryName(),
      e.libraryVersion(),
      e.service()
    };
  }

  /**
   * Writes into one array sized for the row: each text is encoded once up front (in record order,
   * consumed by {@link #str}), so the record is neither grown nor copied at the end.
   */
  private static final class Writer {
    final byte[][] encoded;
    int next;
    byte[] buf;
    int n;

    Writer(Event e) {
      String[] texts = texts(e);
      encoded = new byte[texts.length][];
      int size =
          1 + 4 * 8 + 1 + (e.screenWidth() == null ? 1 : 5) + (e.screenHeight() == null ? 1 : 5);
      for (int i = 0; i < texts.length; i++) {
        if (texts[i] == null) {
          size += 1;
        } else {
          byte[] b = texts[i].getBytes(StandardCharsets.UTF_8);
          encoded[i] = b;
          size += varintSize(b.length + 1) + b.length;
        }
      }
      buf = new byte[size];
    }

    private static int varintSize(int v) {
      int bytes = 1;
      while ((v & ~0x7F) != 0) {
        v >>>= 7;
        bytes++;
      }
      return bytes;
    }

    private void room(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    void u8(int v) {
      room(1);
      buf[n++] = (byte) v;
    }

    void varint(int v) {
      // exactly the bytes it takes: the array is sized for the record, and a room(5) for a short
      // varint near its end would double it (found by allocation profiling, docs/benchmarks.md)
      room(varintSize(v));
      while ((v & ~0x7F) != 0) {
        buf[n++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[n++] = (byte) v;
    }

    void i64(long v) {
      room(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[n++] = (byte) (v >>> s);
      }
    }

    void int32(Integer v) {
      if (v == null) {
        u8(0);
        return;
      }
      room(5);
      buf[n++] = 1;
      int x = v;
      for (int s = 24; s >= 0; s -= 8) {
        buf[n++] = (byte) (x >>> s);
      }
    }

    void str(String s) {
      byte[] b = encoded[next++];
      // the texts were encoded up front in texts(e)'s order: a call out of that order would write
      // another field's bytes here without a sound; catch the mismatches that are cheap to see
      // (UTF-8 never has fewer bytes than the string has chars)
      if ((b == null) != (s == null) || (b != null && b.length < s.length())) {
        throw new IllegalStateException(
            "EventCodec.encode writes the texts out of texts()'s order");
      }
      if (b == null) {
        varint(0);
        return;
      }
      varint(b.length + 1);
      room(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }
  }

  /** Reads a record's fields in order from {@code at} (also used by {@link EventRecord}). */
  static final class Reader {
    final byte[] b;
    int at = 1;

    Reader(byte[] b) {
      this.b = b;
    }

    int u8() {
      return b[at++] & 0xFF;
    }

    int varint() throws IOException {
      int v = 0;
      for (int shift = 0; shift < 32; shift += 7) {
        int x = b[at++];
        v |= (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IOException("malformed length at byte " + at);
    }

    long i64() {
      long v = i64(b, at);
      at += 8;
      return v;
    }

    Integer int32() {
      if (u8() == 0) {
        return null;
      }
      int v = i32(b, at);
      at += 4;
      return v;
    }

    /** The big-endian long at {@code b[at]}. */
    static long i64(byte[] b, int at) {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (b[at + i] & 0xFF);
      }
      return v;
    }

    /** The big-endian int at {@code b[at]}. */
    static int i32(byte[] b, int at) {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | (b[at + i] & 0xFF);
      }
      return v;
    }

    String str() throws IOException {
      int len = varint() - 1;
      if (len < 0) {
        return null;
      }
      if (len > b.length - at) {
        throw new IOException("text of " + len + " bytes runs past the end of the record");
      }
      String s = new String(b, at, len, StandardCharsets.UTF_8);
      at += len;
      return s;
    }
  }
}
