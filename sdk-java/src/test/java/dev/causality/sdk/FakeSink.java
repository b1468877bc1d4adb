package dev.causality.sdk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** A sink that records every batch and answers from a script (then {@code Delivered}). */
final class FakeSink implements Sink {
  final List<Batch> batches = new ArrayList<>();
  private final Deque<Function<Batch, Delivery>> script = new ArrayDeque<>();
  volatile boolean closed;
  volatile CountDownLatch gate;

  synchronized FakeSink then(Delivery d) {
    script.add(b -> d);
    return this;
  }

  synchronized FakeSink thenThrow(RuntimeException e) {
    script.add(b -> {
      throw e;
    });
    return this;
  }

  @Override
  public Delivery send(Batch batch) {
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Function<Batch, Delivery> next;
    synchronized (this) {
      batches.add(batch);
      next = script.poll();
    }
    return next == null ? Delivery.Delivered.all() : next.apply(batch);
  }

  synchronized List<Integer> sizes() {
    return batches.stream().map(Batch::size).toList();
  }

  synchronized List<String> names() {
    return batches.stream().flatMap(b -> b.messages().stream()).map(Message::name).toList();
  }

  @Override
  public void close() {
    closed = true;
  }
}
