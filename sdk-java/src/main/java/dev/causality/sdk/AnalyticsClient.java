package dev.causality.sdk;

import java.time.Duration;
import java.util.Map;

/**
 * The tracking side of the SDK: services call it from any thread; it stamps each call with a
 * message id and timestamp and puts it on a bounded queue that an {@link AnalyticsWorker} drains.
 *
 * <p>No method except {@link #flush()} and {@link #close()} waits for the network or for room in
 * the queue (a call holds the queue's lock for a few instructions), and none throws: a call with an
 * invalid argument, after {@code close()}, or that pushes the oldest message out of a full queue is
 * counted in {@link Stats#dropped()} with its {@link Loss} reason.
 *
 * <p>Get one from {@link Causality#builder(String)}, which also starts the worker, or from {@link
 * #create(int, Duration)} to run the worker on a thread of the service's choosing:
 *
 * <pre>{@code
 * var setup = AnalyticsClient.create(100, Duration.ofSeconds(10));
 * Thread.ofPlatform().name("analytics").start(new AnalyticsWorker(setup.config(), HttpSink.create(url, key)));
 * AnalyticsClient analytics = setup.client();
 * }</pre>
 */
public final class AnalyticsClient implements AutoCloseable {
  private final Settings settings;
  private final Buffer buffer;
  private final long idHigh;
  private final Object lifecycle = new Object();
  private Thread hook;
  private Thread ownedWorker;

  AnalyticsClient(Settings settings) {
    this.settings = settings;
    this.buffer = new Buffer(settings.maxQueueSize(), settings.batchSize(), settings.nanoTime());
    this.idHigh = (settings.random().nextLong() & ~0xF000L) | 0x4000L;
  }

  /**
   * A client and the configuration for its worker: the two-part shape for services that start
   * {@code new AnalyticsWorker(config, sink)} on their own thread.
   */
  public record Setup(AnalyticsClient client, WorkerConfig config) {}

  /**
   * Creates a client that sends a batch when {@code batchSize} messages are queued or the oldest
   * has waited {@code flushInterval}; the other settings are the defaults of {@link
   * Causality.Builder}.
   */
  public static Setup create(int batchSize, Duration flushInterval) {
    return Causality.setup(Settings.defaults().withBatching(batchSize, flushInterval));
  }

  Settings settings() {
    return settings;
  }

  Buffer buffer() {
    return buffer;
  }

  void own(Thread worker) {
    synchronized (lifecycle) {
      ownedWorker = worker;
    }
  }

  void registerShutdownHook() {
    synchronized (lifecycle) {
      if (hook != null) {
        return;
      }
      hook = new Thread(this::close, "causality-sdk-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }
  }

  /**
   * Tracks an event with no user: it is sent with the client's anonymous id (by default the service
   * name).
   */
  public void track(String event, Map<String, ?> properties) {
    enqueue(MessageType.TRACK, null, event, properties);
  }

  /** Tracks an event about a user. */
  public void track(String userId, String event, Map<String, ?> properties) {
    enqueue(MessageType.TRACK, userId, event, properties);
  }

  /** Tracks a typed event; its {@link AnalyticsEvent#userId()} names the user, if any. */
  public void track(AnalyticsEvent event) {
    try {
      enqueue(MessageType.TRACK, event.userId(), event.name(), event.properties());
    } catch (RuntimeException e) {
      buffer.countDropped();
    }
  }

  /** Tracks a typed event about {@code userId}, whatever the event's own user id is. */
  public void track(String userId, AnalyticsEvent event) {
    try {
      enqueue(MessageType.TRACK, userId, event.name(), event.properties());
    } catch (RuntimeException e) {
      buffer.countDropped();
    }
  }

  /** Records who a user is: {@code traits} such as email, name or plan. */
  public void identify(String userId, Map<String, ?> traits) {
    if (isBlank(userId)) {
      buffer.countDropped();
      return;
    }
    enqueue(MessageType.IDENTIFY, userId, null, traits);
  }

  /** Records a page view of a web page served by the service. */
  public void page(String userId, String name, Map<String, ?> properties) {
    enqueue(MessageType.PAGE, userId, isBlank(name) ? null : name, properties);
  }

  /** Records a screen view of an app. */
  public void screen(String userId, String name, Map<String, ?> properties) {
    enqueue(MessageType.SCREEN, userId, isBlank(name) ? null : name, properties);
  }

  /** Puts a user in a group (an account, organisation or team) with the group's traits. */
  public void group(String userId, String groupId, Map<String, ?> traits) {
    if (isBlank(groupId)) {
      buffer.countDropped();
      return;
    }
    enqueue(MessageType.GROUP, userId, groupId, traits);
  }

  /** Records that {@code previousId} (an earlier user or anonymous id) is now {@code userId}. */
  public void alias(String previousId, String userId) {
    if (isBlank(previousId) || isBlank(userId)) {
      buffer.countDropped();
      return;
    }
    enqueue(MessageType.ALIAS, userId, previousId, Props.EMPTY);
  }

  private void enqueue(MessageType type, String userId, String name, Map<String, ?> properties) {
    try {
      if (type == MessageType.TRACK && isBlank(name)) {
        buffer.countDropped();
        return;
      }
      boolean user = !isBlank(userId);
      Message m =
          new Message(
              type,
              idHigh,
              settings.clock().millis(),
              settings.nanoTime().getAsLong(),
              user ? userId : null,
              user ? null : settings.anonymousId(),
              name,
              Props.copyOf(properties));
      buffer.offer(m);
    } catch (RuntimeException e) {
      buffer.countDropped();
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * Blocks until every message tracked before the call is sent or has failed; true when all were
   * settled. Waits at most the delivery timeout plus the flush interval (the worker gives up on a
   * message after the delivery timeout). Needs a running worker.
   */
  public boolean flush() {
    return flush(settings.deliveryTimeout().plus(settings.flushInterval()));
  }

  /** Like {@link #flush()}, waiting at most {@code timeout}; false when it ran out. */
  public boolean flush(Duration timeout) {
    try {
      return buffer.flush(Buffer.nanos(timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The client's counters now. */
  public Stats stats() {
    return buffer.stats();
  }

  /**
   * Stops accepting messages, sends what is queued (retrying for at most the close timeout, 10 s by
   * default), then stops the worker; what is still queued then counts as failed. Idempotent; also
   * run by a JVM shutdown hook unless that was turned off.
   */
  @Override
  public void close() {
    long timeout = Buffer.nanos(settings.closeTimeout());
    buffer.close(timeout);
    try {
      // the worker may be in a request when the deadline passes; give it the request's own timeout
      // on top
      if (!buffer.awaitStopped(timeout + Buffer.nanos(Duration.ofSeconds(35)))) {
        return;
      }
      Thread worker;
      synchronized (lifecycle) {
        worker = ownedWorker;
      }
      if (worker != null && worker != Thread.currentThread()) {
        worker.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      removeShutdownHook();
    }
  }

  private void removeShutdownHook() {
    synchronized (lifecycle) {
      if (hook != null && hook != Thread.currentThread()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is already running the hooks
        }
      }
      hook = null;
    }
  }
}
