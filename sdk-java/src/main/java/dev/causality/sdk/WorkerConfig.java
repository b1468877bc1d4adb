package dev.causality.sdk;

import java.time.Duration;
import java.util.Map;

/**
 * How an {@link AnalyticsWorker} drains its client's queue: batch size, flush interval, retry and
 * delivery settings, and the context every message is sent with. Comes from {@link
 * AnalyticsClient#create} or {@link Causality.Builder#buildParts()}.
 */
public final class WorkerConfig {
  private final Settings settings;
  private final Buffer buffer;
  final Pauser pauser;

  /** Waits between retries; tests replace it to see the delays without waiting them out. */
  interface Pauser {
    void pause(long nanos) throws InterruptedException;
  }

  WorkerConfig(Settings settings, Buffer buffer, Pauser pauser) {
    this.settings = settings;
    this.buffer = buffer;
    this.pauser = pauser;
  }

  WorkerConfig(Settings settings, Buffer buffer) {
    this(settings, buffer, buffer::pause);
  }

  WorkerConfig withPauser(Pauser p) {
    return new WorkerConfig(settings, buffer, p);
  }

  Settings settings() {
    return settings;
  }

  Buffer buffer() {
    return buffer;
  }

  /** Messages per batch (at most). */
  public int batchSize() {
    return settings.batchSize();
  }

  /** How long the oldest queued message waits before a smaller batch is sent. */
  public Duration flushInterval() {
    return settings.flushInterval();
  }

  /** How long a message is retried before it counts as failed. */
  public Duration deliveryTimeout() {
    return settings.deliveryTimeout();
  }

  /** The service name sent with every message ({@code context.service}). */
  public String service() {
    return settings.service();
  }

  /** The context sent with every message; see {@link Batch#context()}. */
  public Map<String, Object> context() {
    return Causality.context(settings);
  }
}
