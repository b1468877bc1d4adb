package dev.causality.sdk;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: attempt {@code n} (from 0) waits a random time between half and
 * all of {@code min(max, initial * 2^n)}, so that clients that failed together do not retry
 * together.
 */
record Backoff(long initialNanos, long maxNanos) {
  Backoff {
    if (initialNanos <= 0 || maxNanos < initialNanos) {
      throw new IllegalArgumentException(
          "retry backoff needs 0 < initial <= max, was initial="
              + initialNanos
              + "ns, max="
              + maxNanos
              + "ns");
    }
  }

  long delayNanos(int attempt, RandomGenerator random) {
    long ceiling =
        attempt >= 62 || initialNanos > (maxNanos >> Math.min(attempt, 62))
            ? maxNanos
            : Math.min(maxNanos, initialNanos << attempt);
    long half = ceiling / 2;
    return half + random.nextLong(ceiling - half + 1);
  }
}
