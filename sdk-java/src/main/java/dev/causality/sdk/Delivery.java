package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What a {@link Sink} did with a batch: delivered it, failed in a way worth retrying, or was
 * refused for good. An expected failure is one of these values, not an exception.
 */
public sealed interface Delivery {
  /**
   * The batch was stored. {@code rejected} messages of it were refused one by one (invalid or too
   * large) and are counted as failed; the rest are counted as sent.
   */
  record Delivered(int rejected, String reason) implements Delivery {
    /** Validates the counts. */
    public Delivered {
      if (rejected < 0) {
        throw new IllegalArgumentException("rejected must not be negative, was " + rejected);
      }
      requireNonNull(reason, "reason is null");
    }

    /** Everything was stored. */
    public static Delivered all() {
      return new Delivered(0, "");
    }
  }

  /**
   * A transient failure (network error, timeout, 5xx, 429): the batch is sent again after a
   * backoff, or after {@code retryAfter} when that is longer than zero (the server's {@code
   * Retry-After}).
   */
  record Retry(String reason, Duration retryAfter) implements Delivery {
    /** Validates the fields. */
    public Retry {
      requireNonNull(reason, "reason is null");
      requireNonNull(retryAfter, "retryAfter is null");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
      }
    }

    /** A transient failure without a server-given delay. */
    public static Retry of(String reason) {
      return new Retry(reason, Duration.ZERO);
    }
  }

  /**
   * A permanent failure (400, 401, 413, …): the whole batch is counted as failed and not resent.
   */
  record Rejected(String reason) implements Delivery {
    /** Validates the reason. */
    public Rejected {
      requireNonNull(reason, "reason is null");
    }
  }
}
