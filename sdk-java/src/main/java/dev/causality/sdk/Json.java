package dev.causality.sdk;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON writer straight to UTF-8 bytes, for the SDK's own messages (the SDK has no JSON library).
 *
 * <p>Values: {@code null}; booleans; integral numbers as written; {@code float}/{@code double} as
 * their shortest decimal form, NaN and infinities as {@code null} (JSON has none); maps (keys by
 * {@code String.valueOf}), iterables, arrays and {@code Optional} recursively; {@code Instant} and
 * {@code Date} as ISO-8601 UTC; other dates, times, enums, UUIDs and everything else as the string
 * of {@code toString()}. Strings escape {@code "}, {@code \}, control characters and U+2028/U+2029;
 * an unpaired surrogate becomes U+FFFD. Nesting deeper than {@link #MAX_DEPTH} is an error.
 */
final class Json {
  static final int MAX_DEPTH = 64;
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private byte[] buf;
  private int len;

  Json(int capacity) {
    buf = new byte[Math.max(capacity, 64)];
  }

  int length() {
    return len;
  }

  /** Forgets everything after {@code length}: rolls back a value that could not be written. */
  void truncate(int length) {
    len = length;
  }

  byte[] bytes() {
    return Arrays.copyOf(buf, len);
  }

  byte[] buffer() {
    return buf;
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  Json raw(char c) {
    ensure(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** ASCII text written as is (field names, punctuation). */
  Json raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  Json raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  /** {@code "name":} */
  Json name(String name) {
    string(name);
    return raw(':');
  }

  Json number(long n) {
    return raw(Long.toString(n));
  }

  Json instant(long epochMillis) {
    return string(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis)));
  }

  Json value(Object v) {
    return value(v, 0);
  }

  private Json value(Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "value nested deeper than " + MAX_DEPTH + " levels (a cycle?)");
    }
    switch (v) {
      case null -> raw("null");
      case String s -> string(s);
      case Boolean b -> raw(b ? "true" : "false");
      case Integer i -> number(i);
      case Long l -> number(l);
      case Short s -> number(s);
      case Byte b -> number(b);
      case AtomicInteger a -> number(a.get());
      case AtomicLong a -> number(a.get());
      case BigInteger b -> raw(b.toString());
      case BigDecimal b -> raw(b.toString());
      case Double d -> decimal(d);
      case Float f ->
          decimal(Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : Double.NaN);
      case Number n -> decimal(n.doubleValue());
      case Props p -> {
        raw('{');
        for (int i = 0; i < p.count(); i++) {
          if (i > 0) {
            raw(',');
          }
          name(p.key(i));
          value(p.value(i), depth + 1);
        }
        raw('}');
      }
      case Map<?, ?> m -> {
        raw('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            raw(',');
          }
          first = false;
          name(String.valueOf(e.getKey()));
          value(e.getValue(), depth + 1);
        }
        raw('}');
      }
      case Iterable<?> it -> {
        raw('[');
        boolean first = true;
        for (Object o : it) {
          if (!first) {
            raw(',');
          }
          first = false;
          value(o, depth + 1);
        }
        raw(']');
      }
      case Optional<?> o -> value(o.orElse(null), depth + 1);
      case Instant t -> string(DateTimeFormatter.ISO_INSTANT.format(t));
      case Date d -> instant(d.getTime());
      case TemporalAccessor t -> string(t.toString());
      case Character c -> string(c.toString());
      case CharSequence s -> string(s.toString());
      case Enum<?> e -> string(e.name());
      default -> {
        if (v.getClass().isArray()) {
          raw('[');
          int n = Array.getLength(v);
          for (int i = 0; i < n; i++) {
            if (i > 0) {
              raw(',');
            }
            value(Array.get(v, i), depth + 1);
          }
          raw(']');
        } else {
          string(String.valueOf(v));
        }
      }
    }
    return this;
  }

  private void decimal(double d) {
    if (!Double.isFinite(d)) {
      raw("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      number((long) d);
    } else {
      raw(Double.toString(d));
    }
  }

  Json string(String s) {
    int n = s.length();
    ensure(n + 2);
    buf[len++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          ensure(1);
          buf[len++] = (byte) c;
        } else {
          escape(c);
        }
      } else if (c < 0x800) {
        ensure(2);
        buf[len++] = (byte) (0xC0 | (c >> 6));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        ensure(4);
        buf[len++] = (byte) (0xF0 | (cp >> 18));
        buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        threeBytes('\uFFFD');
      } else if (c == '\u2028' || c == '\u2029') {
        escape(c);
      } else {
        threeBytes(c);
      }
    }
    ensure(1);
    buf[len++] = '"';
    return this;
  }

  private void threeBytes(char c) {
    ensure(3);
    buf[len++] = (byte) (0xE0 | (c >> 12));
    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
    buf[len++] = (byte) (0x80 | (c & 0x3F));
  }

  private void escape(char c) {
    ensure(6);
    buf[len++] = '\\';
    switch (c) {
      case '"' -> buf[len++] = '"';
      case '\\' -> buf[len++] = '\\';
      case '\n' -> buf[len++] = 'n';
      case '\r' -> buf[len++] = 'r';
      case '\t' -> buf[len++] = 't';
      case '\b' -> buf[len++] = 'b';
      case '\f' -> buf[len++] = 'f';
      default -> {
        buf[len++] = 'u';
        buf[len++] = HEX[(c >> 12) & 0xF];
        buf[len++] = HEX[(c >> 8) & 0xF];
        buf[len++] = HEX[(c >> 4) & 0xF];
        buf[len++] = HEX[c & 0xF];
      }
    }
  }
}
