package dev.causality.ingest;

/**
 * Size limits of ingestion, in decompressed bytes and events, and how far the loader may fall
 * behind the log ({@code maxLoadLagBytes}, not yet read by the loader) before new requests wait for
 * it; 0 turns that wait off.
 */
public record IngestLimits(
    int maxEventBytes,
    int maxRequestBytes,
    int maxBatchEvents,
    int maxNestingDepth,
    long maxLoadLagBytes) {
  /**
   * 96 MB of log unread: about 190,000 events of 500 bytes, more than one load batch (122,880
   * rows).
   */
  public static final long DEFAULT_MAX_LOAD_LAG_BYTES = 96L * 1024 * 1024;

  public static final IngestLimits DEFAULTS =
      new IngestLimits(32 * 1024, 5 * 1024 * 1024, 2500, 64, DEFAULT_MAX_LOAD_LAG_BYTES);

  /** The limits with the default load lag. */
  public IngestLimits(
      int maxEventBytes, int maxRequestBytes, int maxBatchEvents, int maxNestingDepth) {
    this(
        maxEventBytes,
        maxRequestBytes,
        maxBatchEvents,
        maxNestingDepth,
        DEFAULT_MAX_LOAD_LAG_BYTES);
  }

  public IngestLimits {
    if (maxEventBytes < 1024) {
      throw new IllegalArgumentException(
          "maxEventBytes must be at least 1024, was " + maxEventBytes);
    }
    if (maxRequestBytes < maxEventBytes) {
      throw new IllegalArgumentException(
          "maxRequestBytes ("
              + maxRequestBytes
              + ") must be at least maxEventBytes ("
              + maxEventBytes
              + ")");
    }
    if (maxBatchEvents < 1) {
      throw new IllegalArgumentException("maxBatchEvents must be positive, was " + maxBatchEvents);
    }
    if (maxLoadLagBytes < 0) {
      throw new IllegalArgumentException(
          "maxLoadLagBytes must not be negative, was " + maxLoadLagBytes);
    }
    if (maxNestingDepth < 4) {
      throw new IllegalArgumentException(
          "maxNestingDepth must be at least 4, was " + maxNestingDepth);
    }
  }
}
