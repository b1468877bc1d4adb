package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The sending side of the SDK: takes batches from its client's queue and delivers them to a {@link
 * Sink}, retrying transient failures with exponential backoff and jitter (or after the server's
 * {@code Retry-After}) until the delivery timeout. {@link #run()} returns once the client is closed
 * and the queue is drained or the close timeout has passed.
 */
public final class AnalyticsWorker implements Runnable {
  private final WorkerConfig config;
  private final Sink sink;
  private final Buffer buffer;
  private final Backoff backoff;
  private final LongSupplier nanoTime;
  private final long deliveryTimeout;
  private int attempt;

  /**
   * A worker for the client that {@code config} came from, delivering to {@code sink}. A client has
   * one worker: a second throws {@link IllegalStateException}. Once a worker exists, the client's
   * {@code close()} waits for its {@code run()} to finish (at most the close timeout plus a
   * request).
   */
  public AnalyticsWorker(WorkerConfig config, Sink sink) {
    this.config = requireNonNull(config, "config is null");
    this.sink = requireNonNull(sink, "sink is null");
    Settings s = config.settings();
    this.buffer = config.buffer();
    this.backoff = new Backoff(Buffer.nanos(s.retryInitial()), Buffer.nanos(s.retryMax()));
    this.nanoTime = s.nanoTime();
    this.deliveryTimeout = Buffer.nanos(s.deliveryTimeout());
    if (!buffer.startWorker()) {
      throw new IllegalStateException(
          "this client already has a worker; create one AnalyticsWorker per client");
    }
  }

  /** Sends batches until the client is closed; call it once, on a thread of its own. */
  @Override
  public void run() {
    String reason = "the client was closed before they could be sent";
    try {
      Map<String, Object> context = config.context();
      String service = config.service();
      long interval = Buffer.nanos(config.flushInterval());
      while (true) {
        List<Message> batch = buffer.awaitBatch(interval);
        if (batch == null) {
          break;
        }
        deliver(new Batch(batch, service, context));
      }
    } catch (InterruptedException e) {
      reason = "the worker was interrupted";
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      reason = "the worker failed: " + e;
      throw e;
    } finally {
      // the sink closes before the buffer says the worker stopped: the client's close() returns on
      // that signal, and its caller may rely on the sink's resources being released by then
      try {
        sink.close();
      } catch (RuntimeException e) {
        // nothing left to deliver; the sink's resources are released on a best-effort basis
      } finally {
        buffer.stopped(reason);
      }
    }
  }

  private void deliver(Batch batch) throws InterruptedException {
    Delivery d;
    try {
      d = sink.send(batch);
    } catch (RuntimeException e) {
      d = Delivery.Retry.of("sink failed: " + e);
    }
    switch (d) {
      case Delivery.Delivered ok -> {
        attempt = 0;
        int rejected = Math.min(ok.rejected(), batch.size());
        buffer.settle(
            batch.size() - rejected,
            rejected,
            Loss.REJECTED,
            rejected > 0 ? rejected + " rejected: " + ok.reason() : "");
      }
      case Delivery.Rejected no -> {
        attempt = 0;
        buffer.settle(0, batch.size(), Loss.REJECTED, batch.size() + " rejected: " + no.reason());
      }
      case Delivery.Retry retry -> {
        long age = nanoTime.getAsLong() - batch.messages().getFirst().enqueuedNanos();
        boolean timedOut = age >= deliveryTimeout;
        if (timedOut || buffer.pastCloseDeadline()) {
          attempt = 0;
          buffer.settle(
              0,
              batch.size(),
              timedOut ? Loss.DELIVERY_TIMEOUT : Loss.UNSENT_AT_CLOSE,
              batch.size() + " not delivered in time, last error: " + retry.reason());
          return;
        }
        long delay =
            retry.retryAfter().isZero()
                ? backoff.delayNanos(attempt, config.settings().random())
                : Buffer.nanos(retry.retryAfter());
        attempt++;
        buffer.giveBack(batch.messages(), retry.reason());
        config.pauser.pause(Math.min(delay, deliveryTimeout - age));
      }
    }
  }
}
