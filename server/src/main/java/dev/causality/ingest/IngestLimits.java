package dev.causality.ingest;

/** Size limits of ingestion, in decompressed bytes and events. */
public record IngestLimits(int maxEventBytes, int maxRequestBytes, int maxBatchEvents, int maxNestingDepth) {
  public static final IngestLimits DEFAULTS = new IngestLimits(32 * 1024, 5 * 1024 * 1024, 2500, 64);

  public IngestLimits {
    if (maxEventBytes < 1024) {
      throw new IllegalArgumentException("maxEventBytes must be at least 1024, was " + maxEventBytes);
    }
    if (maxRequestBytes < maxEventBytes) {
      throw new IllegalArgumentException(
          "maxRequestBytes (" + maxRequestBytes + ") must be at least maxEventBytes (" + maxEventBytes + ")");
    }
    if (maxBatchEvents < 1) {
      throw new IllegalArgumentException("maxBatchEvents must be positive, was " + maxBatchEvents);
    }
    if (maxNestingDepth < 4) {
      throw new IllegalArgumentException("maxNestingDepth must be at least 4, was " + maxNestingDepth);
    }
  }
}
