package dev.causality.load;

import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * The event ids stored within the last {@code window}, per project: a duplicate inside the window
 * is dropped before storage.
 */
final class DedupWindow {
  /*
   * Implementation note. Ids arrive in (nearly) received-at order, so expiry walks a FIFO from the
   * head while entries are older than the window. `seen` maps the key to the received time of the
   * entry in the FIFO, so an id stored again after it expired gets a fresh entry and the stale
   * FIFO entry does not remove it. Past `maxIds` the oldest ids are forgotten early and counted.
   */

  private record Entry(String key, long receivedAtMicros) {}

  private final long windowMicros;
  private final int maxIds;
  private final HashMap<String, Long> seen = new HashMap<>();
  private final ArrayDeque<Entry> order = new ArrayDeque<>();
  private long evictedEarly;

  DedupWindow(long windowMicros, int maxIds) {
    if (windowMicros < 0) {
      throw new IllegalArgumentException("dedup window must not be negative, was " + windowMicros);
    }
    if (maxIds < 1) {
      throw new IllegalArgumentException("dedup maxIds must be positive, was " + maxIds);
    }
    this.windowMicros = windowMicros;
    this.maxIds = maxIds;
  }

  static String key(String appId, String eventId) {
    return appId + '\u0000' + eventId;
  }

  boolean contains(String key) {
    return seen.containsKey(key);
  }

  void add(String key, long receivedAtMicros) {
    if (windowMicros == 0) {
      return;
    }
    seen.put(key, receivedAtMicros);
    order.addLast(new Entry(key, receivedAtMicros));
    while (seen.size() > maxIds && !order.isEmpty()) {
      if (removeHead()) {
        evictedEarly++;
      }
    }
  }

  void expire(long nowMicros) {
    long cutoff = nowMicros - windowMicros;
    while (!order.isEmpty() && order.peekFirst().receivedAtMicros() < cutoff) {
      removeHead();
    }
  }

  private boolean removeHead() {
    Entry head = order.pollFirst();
    Long current = seen.get(head.key());
    if (current != null && current == head.receivedAtMicros()) {
      seen.remove(head.key());
      return true;
    }
    return false;
  }

  int size() {
    return seen.size();
  }

  long evictedEarly() {
    return evictedEarly;
  }
}
