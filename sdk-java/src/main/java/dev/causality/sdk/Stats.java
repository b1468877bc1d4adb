package dev.causality.sdk;

import java.util.Map;

/**
 * Counters of a client since it was created; a service exports them as metrics.
 *
 * @param tracked calls accepted into the queue
 * @param sent messages the server stored
 * @param failed messages given up on: refused by the server, too large or unserialisable, not
 *     delivered within the delivery timeout, or still queued when {@code close()} gave up
 * @param dropped messages never queued or pushed out: the oldest when the queue was full, calls
 *     with invalid arguments, calls after {@code close()}
 * @param retries batches sent again after a transient failure
 * @param queued messages waiting in the queue now
 * @param lastError the last delivery error, empty when there was none
 * @param losses dropped and failed messages by reason (reasons with none are absent)
 */
public record Stats(
    long tracked,
    long sent,
    long failed,
    long dropped,
    long retries,
    int queued,
    String lastError,
    Map<Loss, Long> losses) {
  /** Copies the losses. */
  public Stats {
    losses = Map.copyOf(losses);
  }
}
