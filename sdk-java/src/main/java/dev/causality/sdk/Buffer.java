package dev.causality.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The bounded queue between the tracking threads and the worker, with the counters and the
 * bookkeeping that {@code flush()} and {@code close()} wait on.
 */
final class Buffer {
  /*
   * Implementation note. One lock guards a ring of messages in sequence order. A message gets its
   * sequence number under the lock, so the ring, the batch in flight and every drop are in
   * sequence order: drops take the head, the worker takes batches from the head and a batch that
   * failed transiently goes back to the head (and is the first to go if the ring fills meanwhile).
   * Hence everything before the oldest message that is in flight or queued has been sent, failed or
   * dropped, and "settled up to" is that message's sequence minus one (or the last sequence when
   * nothing is left). flush() waits for the settled mark to reach the last sequence at its call.
   * The worker is signalled only when a batch is full, a flush waits or close() is called; the
   * flush interval is a timed wait on the oldest message's enqueue time.
   */

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final Message[] ring;
  private final int batchSize;
  private final LongSupplier nanoTime;
  private int head;
  private int size;
  private long lastSeq;
  private long inFlightFrom;
  private long flushTarget;
  private boolean workerWaiting;
  private int progressWaiters;
  private boolean closed;
  private long closeDeadline;
  private boolean stopped;
  private boolean workerStarted;
  private final long[] lost = new long[Loss.values().length];
  private long sent;
  private long retries;
  private String lastError = "";

  Buffer(int capacity, int batchSize, LongSupplier nanoTime) {
    this.ring = new Message[capacity];
    this.batchSize = batchSize;
    this.nanoTime = nanoTime;
  }

  /** Queues a message, pushing out the oldest when full; false when the buffer is closed. */
  boolean offer(Message m) {
    lock.lock();
    try {
      if (closed) {
        lost[Loss.AFTER_CLOSE.ordinal()]++;
        return false;
      }
      m.sequence(++lastSeq);
      if (size == ring.length) {
        ring[head] = null;
        head = next(head);
        size--;
        lost[Loss.QUEUE_FULL.ordinal()]++;
        if (progressWaiters > 0) {
          progress.signalAll();
        }
      }
      ring[index(size)] = m;
      size++;
      if (size >= batchSize && workerWaiting) {
        work.signal();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Counts calls that never made it into the queue (invalid arguments). */
  void countDropped() {
    lock.lock();
    try {
      lost[Loss.INVALID_CALL.ordinal()]++;
    } finally {
      lock.unlock();
    }
  }

  private int index(int offset) {
    int i = head + offset;
    return i >= ring.length ? i - ring.length : i;
  }

  private int next(int i) {
    return i + 1 == ring.length ? 0 : i + 1;
  }

  private long settledSeq() {
    if (inFlightFrom > 0) {
      return inFlightFrom - 1;
    }
    return size > 0 ? ring[head].seq - 1 : lastSeq;
  }

  /**
   * Waits for the next batch: full, or the oldest message older than {@code intervalNanos}, or a
   * flush or close waiting. Null when the worker should stop: closed and empty, or past the close
   * deadline.
   */
  List<Message> awaitBatch(long intervalNanos) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        long now = nanoTime.getAsLong();
        if (closed && (size == 0 || now - closeDeadline >= 0)) {
          return null;
        }
        long wait = intervalNanos;
        if (size > 0) {
          long age = now - ring[head].enqueuedNanos();
          if (size >= batchSize || closed || flushTarget > settledSeq() || age >= intervalNanos) {
            return takeLocked();
          }
          wait = intervalNanos - age;
        } else if (closed) {
          return null;
        }
        workerWaiting = true;
        try {
          work.awaitNanos(wait);
        } finally {
          workerWaiting = false;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private List<Message> takeLocked() {
    int n = Math.min(size, batchSize);
    List<Message> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(ring[head]);
      ring[head] = null;
      head = next(head);
    }
    size -= n;
    inFlightFrom = batch.getFirst().seq;
    return batch;
  }

  /**
   * Records the outcome of the batch in flight; {@code failedCount} messages were lost for {@code
   * why}.
   */
  void settle(int sentCount, int failedCount, Loss why, String error) {
    lock.lock();
    try {
      inFlightFrom = 0;
      sent += sentCount;
      lost[why.ordinal()] += failedCount;
      if (!error.isEmpty()) {
        lastError = error;
      }
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Puts a batch that failed transiently back at the head; what no longer fits is dropped. */
  void giveBack(List<Message> batch, String error) {
    lock.lock();
    try {
      inFlightFrom = 0;
      retries++;
      lastError = error;
      int skip = Math.max(0, batch.size() - (ring.length - size));
      lost[Loss.QUEUE_FULL.ordinal()] += skip;
      for (int i = batch.size() - 1; i >= skip; i--) {
        head = head == 0 ? ring.length - 1 : head - 1;
        ring[head] = batch.get(i);
        size++;
      }
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code nanos} (a retry backoff), cut short at the close deadline. */
  void pause(long nanos) throws InterruptedException {
    lock.lock();
    try {
      long end = nanoTime.getAsLong() + nanos;
      while (true) {
        long now = nanoTime.getAsLong();
        long left = end - now;
        if (closed) {
          left = Math.min(left, closeDeadline - now);
        }
        if (left <= 0) {
          return;
        }
        work.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** True once close() was called and its deadline passed. */
  boolean pastCloseDeadline() {
    lock.lock();
    try {
      return closed && nanoTime.getAsLong() - closeDeadline >= 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every message queued before the call is settled; false on timeout or a stopped
   * worker.
   */
  boolean flush(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long target = lastSeq;
      if (settledSeq() >= target) {
        return true;
      }
      flushTarget = Math.max(flushTarget, target);
      work.signal();
      return awaitSettled(target, timeoutNanos);
    } finally {
      lock.unlock();
    }
  }

  private boolean awaitSettled(long target, long timeoutNanos) throws InterruptedException {
    long left = timeoutNanos;
    progressWaiters++;
    try {
      while (settledSeq() < target && !stopped) {
        if (left <= 0) {
          return false;
        }
        left = progress.awaitNanos(left);
      }
      return settledSeq() >= target;
    } finally {
      progressWaiters--;
    }
  }

  /** Stops taking messages; the worker sends what is queued until {@code timeoutNanos} from now. */
  void close(long timeoutNanos) {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        closeDeadline = nanoTime.getAsLong() + timeoutNanos;
        work.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Attaches the (only) worker; false if one was attached before. */
  boolean startWorker() {
    lock.lock();
    try {
      if (workerStarted) {
        return false;
      }
      workerStarted = true;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the worker stopped; false on timeout. Returns at once when no worker was started.
   */
  boolean awaitStopped(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      if (!workerStarted) {
        return true;
      }
      long left = timeoutNanos;
      progressWaiters++;
      try {
        while (!stopped) {
          if (left <= 0) {
            return false;
          }
          left = progress.awaitNanos(left);
        }
        return true;
      } finally {
        progressWaiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The worker has ended: counts what is left as failed and wakes every waiter. */
  void stopped(String reason) {
    lock.lock();
    try {
      closed = true;
      stopped = true;
      if (size > 0) {
        lost[Loss.UNSENT_AT_CLOSE.ordinal()] += size;
        lastError = size + " messages not delivered: " + reason;
        for (int i = 0; i < size; i++) {
          ring[index(i)] = null;
        }
        size = 0;
      }
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  Stats stats() {
    lock.lock();
    try {
      long dropped = 0;
      long failed = 0;
      java.util.EnumMap<Loss, Long> losses = new java.util.EnumMap<>(Loss.class);
      for (Loss l : Loss.values()) {
        long n = lost[l.ordinal()];
        if (l.isDrop()) {
          dropped += n;
        } else {
          failed += n;
        }
        if (n > 0) {
          losses.put(l, n);
        }
      }
      return new Stats(lastSeq, sent, failed, dropped, retries, size, lastError, losses);
    } finally {
      lock.unlock();
    }
  }

  static long nanos(java.time.Duration d) {
    return TimeUnit.NANOSECONDS.convert(d);
  }
}
