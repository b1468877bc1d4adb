package dev.causality.live;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.event.Event;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live-events facade: accepted events, numbered in arrival order, for Server-Sent Events
 * subscribers.
 *
 * <p>Implementation note: the last {@code capacity} events sit in a ring, each with a sequence
 * number that only grows; a subscriber keeps the number of the last event it sent and asks for
 * everything after it, which is also how a reconnect with {@code Last-Event-ID} resumes. Events are
 * serialised and kept only while someone listens and for a grace period after the last one leaves
 * (so a reconnecting browser misses nothing); otherwise {@link #publish} returns at once.
 */
public final class LiveEvents implements AutoCloseable {
  /** One event as the stream sends it. */
  public record Entry(long seq, String project, String json) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Entry[] ring;
  private final InstantSource clock;
  private final long graceMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private long next = 1;
  private int subscribers;
  private volatile long listenUntilMillis;
  private volatile boolean closed;

  public LiveEvents(int capacity, Duration grace, InstantSource clock) {
    this.ring = new Entry[capacity];
    this.graceMillis = grace.toMillis();
    this.clock = requireNonNull(clock, "clock is null");
  }

  private boolean listening() {
    return clock.millis() <= listenUntilMillis;
  }

  /** Called by ingestion after the events are durable; cheap when nobody listens. */
  public void publish(List<Event> events) {
    if (!listening() || events.isEmpty()) {
      return;
    }
    List<String> json = new ArrayList<>(events.size());
    for (Event e : events) {
      json.add(JSON.valueToTree(e).toString());
    }
    lock.lock();
    try {
      for (int i = 0; i < events.size(); i++) {
        long seq = next++;
        ring[(int) (seq % ring.length)] = new Entry(seq, events.get(i).appId(), json.get(i));
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The number of the newest event so far (0 when none). */
  public long lastSeq() {
    lock.lock();
    try {
      return next - 1;
    } finally {
      lock.unlock();
    }
  }

  /** Starts listening; pair with {@link #unsubscribe}. */
  public void subscribe() {
    lock.lock();
    try {
      subscribers++;
      listenUntilMillis = Long.MAX_VALUE;
    } finally {
      lock.unlock();
    }
  }

  public void unsubscribe() {
    lock.lock();
    try {
      if (--subscribers == 0) {
        listenUntilMillis = clock.millis() + graceMillis;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The events after {@code afterSeq} still in the ring, oldest first; waits up to {@code wait} for
   * one when there are none. Empty when the wait ends or the hub is closed.
   */
  public List<Entry> after(long afterSeq, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      while (next - 1 <= afterSeq && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        arrived.await(left, TimeUnit.NANOSECONDS);
      }
      long from = Math.max(afterSeq + 1, Math.max(1, next - ring.length));
      List<Entry> out = new ArrayList<>((int) (next - from));
      for (long s = from; s < next; s++) {
        out.add(ring[(int) (s % ring.length)]);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  public boolean closed() {
    return closed;
  }

  /** Ends every stream (the server is stopping). */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
