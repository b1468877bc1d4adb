package dev.causality.sdk;

/**
 * Where an {@link AnalyticsWorker} delivers batches: the Causality server over HTTP ({@link
 * HttpSink}) or anything else that can store messages, such as a database shared with the analytics
 * server.
 *
 * <p>The worker calls {@link #send} from one thread at a time, retries a {@link Delivery.Retry}
 * with backoff and counts the outcome; a sink does not retry by itself. A batch may be sent more
 * than once (after a timeout whose request did arrive), so a sink stores a message id at most once.
 * An exception thrown by {@code send} is treated like a {@code Retry}.
 */
public interface Sink extends AutoCloseable {
  /** Delivers one batch and says how it went. */
  Delivery send(Batch batch);

  /** Releases the sink's resources; called once when its worker stops. */
  @Override
  default void close() {}
}
