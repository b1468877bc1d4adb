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
   * 192 MB of log unread: about 390,000 events of 500 bytes, or 7 s at 50,000 events/s. A loader
   * that keeps up on average still falls well behind for a moment at each full batch: at 50,000
   * events/s it gathered a row group for up to 2 s and then committed and checkpointed it for 2-3 s
   * more, so the log not yet committed peaked at 164-201 MB (measured before the loader appended a
   * row group while it gathered; since then 60-125 MB). At 96 MB that held requests back in 4 of 5
   * 120 s runs (ack p99 over 50 ms in 3); at 192 MB in none of 3 (p99 14 ms), with freshness p99 at
   * 2.8-3.5 s. The price: under sustained overload the log is held at twice the lag, ~7 s instead
   * of ~3.7 s of freshness at that rate (docs/benchmarks.md).
   */
  public static final long DEFAULT_MAX_LOAD_LAG_BYTES = 192L * 1024 * 1024;

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
