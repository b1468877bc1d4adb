package dev.causality.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Per-key rate limits in events per second (token buckets, in memory on this node). A bucket holds
 * one second of tokens, or one full batch when that is more, so a maximal batch can pass.
 */
final class RateLimits {
  private final int defaultPerSecond;
  private final int maxBatchEvents;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  RateLimits(int defaultPerSecond, int maxBatchEvents) {
    if (defaultPerSecond < 0) {
      throw new IllegalArgumentException(
          "rate limit must be 0 (unlimited) or more, was " + defaultPerSecond);
    }
    this.defaultPerSecond = defaultPerSecond;
    this.maxBatchEvents = maxBatchEvents;
  }

  /**
   * Takes {@code events} tokens from the key's bucket; empty when allowed, else the nanoseconds
   * until enough tokens are back.
   */
  OptionalLong tryTake(String keyId, OptionalInt keyLimit, int events) {
    int perSecond = keyLimit.orElse(defaultPerSecond);
    if (perSecond == 0 || events == 0) {
      return OptionalLong.empty();
    }
    String bucketKey = keyId + "/" + perSecond;
    Bucket bucket =
        buckets.get(
            bucketKey,
            k ->
                Bucket.builder()
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(Math.max(perSecond, maxBatchEvents))
                            .refillGreedy(perSecond, Duration.ofSeconds(1))
                            .initialTokens(Math.max(perSecond, maxBatchEvents))
                            .build())
                    .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(events);
    return probe.isConsumed()
        ? OptionalLong.empty()
        : OptionalLong.of(probe.getNanosToWaitForRefill());
  }
}
