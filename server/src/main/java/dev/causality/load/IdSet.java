package dev.causality.load;

import java.util.Arrays;

/**
 * A set of nonzero 64-bit id hashes in one {@code long[]} (open addressing, linear probing, at most
 * half full, 0 marks an empty slot): the rows of one load batch, and the ids of the dedup window,
 * without an object per id. Removal shifts later entries of the same probe run back, so lookups
 * never need tombstones.
 */
final class IdSet {
  private long[] slots;
  private int size;

  IdSet(int initialSlots) {
    if (Integer.bitCount(initialSlots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, was " + initialSlots);
    }
    slots = new long[initialSlots];
  }

  /** Adds {@code h} (never 0); false when it was already there. */
  boolean add(long h) {
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int i = home(h);
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

  boolean contains(long h) {
    return slot(h) >= 0;
  }

  /** Removes {@code h}; false when it was not there. */
  boolean remove(long h) {
    int i = slot(h);
    if (i < 0) {
      return false;
    }
    int mask = slots.length - 1;
    slots[i] = 0;
    size--;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (slots[j] == 0) {
        return true;
      }
      int k = home(slots[j]);
      // Move j back to i when its home is not in the cyclic range (i, j].
      boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        slots[i] = slots[j];
        slots[j] = 0;
        i = j;
      }
    }
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

  private int home(long h) {
    return (int) (Long.hashCode(h * 0x9E3779B97F4A7C15L) & (slots.length - 1));
  }

  /** The slot holding {@code h}, or -1. */
  private int slot(long h) {
    int mask = slots.length - 1;
    for (int i = home(h); slots[i] != 0; i = (i + 1) & mask) {
      if (slots[i] == h) {
        return i;
      }
    }
    return -1;
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
