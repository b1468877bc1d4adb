package dev.causality.load;

import dev.causality.event.EventRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The event ids stored within the last {@code window}, per project: a duplicate inside the window
 * is dropped before storage.
 */
final class DedupWindow {
  /*
   * Implementation note. An id is kept as the first 64 bits of the SHA-256 of (project, event id):
   * 8 bytes instead of a String, a map node and a boxed time (~200 B). Two different ids share a
   * hash with probability ~n/2^64 per lookup (n ids in the window: 5e-14 at a million), and nobody
   * can make an id collide with a given other one (that takes a second preimage of SHA-256), so a
   * false duplicate is not a practical risk.
   *
   * `ids` holds the hashes ({@link IdSet}; 0 marks an empty slot there, so a hash of 0 is stored
   * as 1). Each id has exactly one entry in the FIFO ring
   * (`fifoHashes`/`fifoTimes`) with the time it was first stored: adding an id that is already in
   * the window changes nothing, so the window runs from the first copy (the loader only adds ids it
   * did not find, so this happens only when the window is rebuilt at start). Ids arrive in (nearly)
   * received-at order, so expiry walks the FIFO from the head while entries are older than the
   * window. Past `maxIds` the oldest ids are forgotten early and counted. 32 to 64 bytes per
   * id (table 16-32, FIFO 16-32), depending on how full the arrays are.
   */

  private final long windowMicros;
  private final int maxIds;
  private final IdSet ids = new IdSet(1024);
  private long[] fifoHashes = new long[512];
  private long[] fifoTimes = new long[512];
  private int fifoHead;
  private int fifoSize;
  private long evictedEarly;

  /**
   * One digest for the window's lifetime: the window is used by one thread at a time (the
   * warehouse's feeding thread hashes and looks ids up while a batch is produced, the loader adds
   * them once it has committed).
   */
  private final MessageDigest sha256;

  DedupWindow(long windowMicros, int maxIds) {
    if (windowMicros < 0) {
      throw new IllegalArgumentException("dedup window must not be negative, was " + windowMicros);
    }
    if (maxIds < 1) {
      throw new IllegalArgumentException("dedup maxIds must be positive, was " + maxIds);
    }
    this.windowMicros = windowMicros;
    this.maxIds = maxIds;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** The most ids the window keeps. */
  int maxIds() {
    return maxIds;
  }

  static String key(String appId, String eventId) {
    return appId + '\u0000' + eventId;
  }

  /** The 64-bit id this window keeps for {@code key} (never 0, which marks an empty slot). */
  long hash(String key) {
    return first64(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@link #hash(String)} of {@link #key}{@code (appId, eventId)}. */
  long hash(String appId, String eventId) {
    return hash(key(appId, eventId));
  }

  /** {@link #hash(String, String)} of a record's project and event id, from its UTF-8 bytes. */
  long hash(EventRecord r) {
    sha256.update(r.array(), r.offset(EventRecord.APP_ID), r.length(EventRecord.APP_ID));
    sha256.update((byte) 0);
    sha256.update(r.array(), r.offset(EventRecord.EVENT_ID), r.length(EventRecord.EVENT_ID));
    return first64(sha256.digest());
  }

  private static long first64(byte[] d) {
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return stored(h);
  }

  /**
   * The hash kept for an id whose SHA-256 begins with these 64 bits (big-endian): the same bits,
   * except that 0, which marks an empty slot, becomes 1.
   */
  static long stored(long first64) {
    return first64 == 0 ? 1 : first64;
  }

  boolean contains(String key) {
    return contains(hash(key));
  }

  boolean contains(long hash) {
    return ids.contains(hash);
  }

  void add(String key, long receivedAtMicros) {
    add(hash(key), receivedAtMicros);
  }

  void add(long h, long receivedAtMicros) {
    if (windowMicros == 0) {
      return;
    }
    if (!ids.add(h)) {
      return;
    }
    pushFifo(h, receivedAtMicros);
    while (ids.size() > maxIds && fifoSize > 0) {
      if (removeHead()) {
        evictedEarly++;
      }
    }
  }

  void expire(long nowMicros) {
    long cutoff = nowMicros - windowMicros;
    while (fifoSize > 0 && fifoTimes[fifoHead] < cutoff) {
      removeHead();
    }
  }

  int size() {
    return ids.size();
  }

  long evictedEarly() {
    return evictedEarly;
  }

  // ---- the FIFO

  private void pushFifo(long h, long time) {
    if (fifoSize == fifoHashes.length) {
      long[] nh = new long[fifoHashes.length * 2];
      long[] nt = new long[fifoHashes.length * 2];
      for (int k = 0; k < fifoSize; k++) {
        int from = (fifoHead + k) & (fifoHashes.length - 1);
        nh[k] = fifoHashes[from];
        nt[k] = fifoTimes[from];
      }
      fifoHashes = nh;
      fifoTimes = nt;
      fifoHead = 0;
    }
    int tail = (fifoHead + fifoSize) & (fifoHashes.length - 1);
    fifoHashes[tail] = h;
    fifoTimes[tail] = time;
    fifoSize++;
  }

  /** Pops the oldest FIFO entry and removes its id; true when the id was there. */
  private boolean removeHead() {
    long h = fifoHashes[fifoHead];
    fifoHead = (fifoHead + 1) & (fifoHashes.length - 1);
    fifoSize--;
    return ids.remove(h);
  }
}
