package dev.causality.sdk;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable property map over one array of alternating keys and values, in insertion order. Null
 * values are kept (written as JSON {@code null}); {@link #of} skips them instead, which is how the
 * typed events leave out absent optional fields.
 */
final class Props extends AbstractMap<String, Object> {
  static final Props EMPTY = new Props(new Object[0], 0);

  private final Object[] kv;
  private final int size;

  private Props(Object[] kv, int size) {
    this.kv = kv;
    this.size = size;
  }

  /** Alternating keys and values; entries whose value is null or an empty string are left out. */
  static Props of(Object... kv) {
    if ((kv.length & 1) != 0) {
      throw new IllegalArgumentException(
          "Props.of takes key/value pairs, got " + kv.length + " arguments");
    }
    int n = 0;
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      if (v == null || (v instanceof String s && s.isEmpty())) {
        continue;
      }
      kv[n * 2] = String.valueOf(kv[i]);
      kv[n * 2 + 1] = v;
      n++;
    }
    return n == 0 ? EMPTY : new Props(kv, n);
  }

  /**
   * A shallow snapshot of {@code map} (itself if it is already a {@code Props}); null keys are
   * skipped.
   */
  static Props copyOf(Map<String, ?> map) {
    if (map instanceof Props p) {
      return p;
    }
    if (map == null || map.isEmpty()) {
      return EMPTY;
    }
    Object[] kv = new Object[map.size() * 2];
    int n = 0;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (e.getKey() == null || n * 2 >= kv.length) {
        continue;
      }
      kv[n * 2] = e.getKey();
      kv[n * 2 + 1] = e.getValue();
      n++;
    }
    return new Props(kv, n);
  }

  int count() {
    return size;
  }

  String key(int i) {
    return (String) kv[i * 2];
  }

  Object value(int i) {
    return kv[i * 2 + 1];
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Object get(Object key) {
    for (int i = 0; i < size; i++) {
      if (kv[i * 2].equals(key)) {
        return kv[i * 2 + 1];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    for (int i = 0; i < size; i++) {
      if (kv[i * 2].equals(key)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < size;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (i >= size) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, Object> e = new SimpleImmutableEntry<>(key(i), value(i));
            i++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
