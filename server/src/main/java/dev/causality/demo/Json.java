package dev.causality.demo;

/**
 * A minimal JSON object writer for generated events: millions of small objects, no tree, no
 * reflection. Absent ({@code null}) string values are left out.
 */
final class Json {
  private final StringBuilder b = new StringBuilder(256);

  /** Bit {@code d} is set when the container at depth {@code d} already holds a member. */
  private long filled;

  private int depth;

  static Json object() {
    return new Json().begin();
  }

  private Json begin() {
    b.append('{');
    depth++;
    filled &= ~(1L << depth);
    return this;
  }

  /** Starts a nested object under {@code key}. */
  Json begin(String key) {
    key(key);
    return begin();
  }

  /** Starts a nested array under {@code key}; add its objects with {@link #element()}. */
  Json array(String key) {
    key(key);
    b.append('[');
    depth++;
    filled &= ~(1L << depth);
    return this;
  }

  /** Starts an object inside the current array. */
  Json element() {
    comma();
    return begin();
  }

  Json end() {
    b.append('}');
    depth--;
    return this;
  }

  Json endArray() {
    b.append(']');
    depth--;
    return this;
  }

  Json put(String key, String value) {
    if (value != null) {
      key(key);
      string(value);
    }
    return this;
  }

  Json put(String key, long value) {
    key(key);
    b.append(value);
    return this;
  }

  /** A number with at most two decimals (money). */
  Json money(String key, double value) {
    key(key);
    long cents = Math.round(value * 100);
    b.append(cents / 100).append('.');
    long rest = Math.abs(cents % 100);
    if (rest < 10) {
      b.append('0');
    }
    b.append(rest);
    return this;
  }

  Json put(String key, boolean value) {
    key(key);
    b.append(value);
    return this;
  }

  /** Closes every open container and returns the text. */
  String done() {
    while (depth > 0) {
      end();
    }
    return b.toString();
  }

  private void key(String key) {
    comma();
    string(key);
    b.append(':');
  }

  private void comma() {
    long bit = 1L << depth;
    if ((filled & bit) != 0) {
      b.append(',');
    }
    filled |= bit;
  }

  private void string(String s) {
    b.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        b.append(s, from, i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> b.append(String.format("\\u%04x", (int) c));
        }
        from = i + 1;
      }
    }
    b.append(s, from, s.length()).append('"');
  }
}
