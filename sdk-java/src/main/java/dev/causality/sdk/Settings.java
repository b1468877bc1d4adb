package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/** Everything a client and its worker are configured with; filled by {@link Causality.Builder}. */
record Settings(
    String service,
    String anonymousId,
    String hostname,
    int batchSize,
    Duration flushInterval,
    int maxQueueSize,
    Duration deliveryTimeout,
    Duration closeTimeout,
    Duration retryInitial,
    Duration retryMax,
    boolean shutdownHook,
    InstantSource clock,
    LongSupplier nanoTime,
    RandomGenerator random) {

  static final int MAX_BATCH_SIZE = 2500;

  Settings {
    requireNonNull(service, "service is null");
    requireNonNull(anonymousId, "anonymousId is null");
    requireNonNull(hostname, "hostname is null");
    requireNonNull(flushInterval, "flushInterval is null");
    requireNonNull(deliveryTimeout, "deliveryTimeout is null");
    requireNonNull(closeTimeout, "closeTimeout is null");
    requireNonNull(retryInitial, "retryInitial is null");
    requireNonNull(retryMax, "retryMax is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(nanoTime, "nanoTime is null");
    requireNonNull(random, "random is null");
    if (service.isBlank()) {
      throw new IllegalArgumentException("service must not be blank");
    }
    if (anonymousId.isBlank()) {
      throw new IllegalArgumentException("anonymousId must not be blank");
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "batchSize must be 1-" + MAX_BATCH_SIZE + " (the server's limit), was " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval must be positive, was " + flushInterval);
    }
    if (maxQueueSize < batchSize) {
      throw new IllegalArgumentException(
          "maxQueueSize must be at least batchSize=" + batchSize + ", was " + maxQueueSize);
    }
    if (deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
      throw new IllegalArgumentException(
          "deliveryTimeout must be positive, was " + deliveryTimeout);
    }
    if (closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
    }
    new Backoff(Buffer.nanos(retryInitial), Buffer.nanos(retryMax));
  }

  static Settings defaults() {
    String service =
        firstNonBlank(
            System.getProperty("causality.service"),
            System.getenv("CAUSALITY_SERVICE"),
            "java-service");
    return new Settings(
        service,
        service,
        "",
        100,
        Duration.ofSeconds(10),
        10_000,
        Duration.ofMinutes(5),
        Duration.ofSeconds(10),
        Duration.ofMillis(100),
        Duration.ofSeconds(30),
        true,
        InstantSource.system(),
        System::nanoTime,
        new java.security.SecureRandom());
  }

  static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }

  Settings withBatching(int size, Duration interval) {
    return new Settings(
        service,
        anonymousId,
        hostname,
        size,
        interval,
        Math.max(maxQueueSize, size),
        deliveryTimeout,
        closeTimeout,
        retryInitial,
        retryMax,
        shutdownHook,
        clock,
        nanoTime,
        random);
  }
}
