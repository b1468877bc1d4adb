package dev.causality.load;

import java.util.Arrays;

/**
 * A set of nonzero 64-bit id hashes for the rows of one load batch (open addressing, linear
 * probing, at most half full), so that a batch of 122,880 rows keeps no objects per row.
 */
final class IdSet {
  private long[] slots = new long[2048];
  private int size;

  /** Adds {@code h} (never 0); false when it was already there. */
  boolean add(long h) {
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int i = (int) (Long.hashCode(h * 0x9E3779B97F4A7C15L) & mask);
    while (slots[i] != 0) {
      if (slots[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    slots[i] = h;
    size++;
    return true;
  }

  int size() {
    return size;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(slots, 0);
      size = 0;
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    size = 0;
    for (long h : old) {
      if (h != 0) {
        add(h);
      }
    }
  }
}
