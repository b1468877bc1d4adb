package dev.causality.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.causality.event.EventRecord;
import dev.causality.event.Events;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RowFeedTest {
  /** Distinct rows, a batch's worth, made once: records are immutable views over their bytes. */
  private static final List<EventRecord> ROWS = new ArrayList<>();

  static {
    // more than the queue holds, and a partial last block
    for (int i = 0; i < RowFeed.QUEUED_BLOCKS * RowFeed.BLOCK_ROWS * 3 + 17; i++) {
      ROWS.add(EventRecord.of(Events.track("E").id("id-" + i).build()));
    }
  }

  /**
   * A batch of the first {@code n} rows, row i in lane i % 2, that may fail after {@code
   * failAfter}.
   */
  private static final class Rows implements Warehouse.Batch {
    final int n;
    final int failAfter;
    final AtomicBoolean returned = new AtomicBoolean();
    volatile String thread = "";

    Rows(int n, int failAfter) {
      this.n = n;
      this.failAfter = failAfter;
    }

    @Override
    public void rows(Warehouse.RowSink sink) {
      thread = Thread.currentThread().getName();
      try {
        for (int i = 0; i < n; i++) {
          if (i == failAfter) {
            throw new IllegalStateException("log read failed at row " + i);
          }
          sink.accept(i % 2, ROWS.get(i));
        }
      } finally {
        returned.set(true);
      }
    }

    @Override
    public List<DeadLetter> deadLetters(int lane) {
      return List.of();
    }

    @Override
    public long nextPosition(int lane) {
      return n;
    }
  }

  private static String id(EventRecord r) {
    return r.text(EventRecord.EVENT_ID);
  }

  /** The ids of the first {@code n} rows of {@code lane}. */
  private static List<String> expected(int n, int lane) {
    List<String> ids = new ArrayList<>();
    for (int i = lane; i < n; i += 2) {
      ids.add(id(ROWS.get(i)));
    }
    return ids;
  }

  /** Lane 1 drained on a thread of its own, as the warehouse does; returns its failure or null. */
  private static CompletableFuture<Void> drainAside(RowFeed.Run run, RowFeed.RowSink sink) {
    return CompletableFuture.runAsync(() -> {
      try {
        run.drain(1, sink);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    });
  }

  /** Feeds {@code batch} into two lanes and returns what both took. */
  private static List<String> drainAll(RowFeed feed, Rows batch) throws Exception {
    List<String> all = Collections.synchronizedList(new ArrayList<>());
    RowFeed.Run run = feed.start(batch, 2, (lane, r) -> {});
    CompletableFuture<Void> aside = drainAside(run, r -> all.add(id(r)));
    run.drain(0, r -> all.add(id(r)));
    aside.get();
    run.finish();
    return all;
  }

  @Test
  void everyRowReachesTheFeedingSideAndItsLaneOnceInOrderWithTheBatchOnTheFeedingThread()
      throws Exception {
    try (RowFeed feed = new RowFeed()) {
      for (int n : new int[] {0, 1, RowFeed.BLOCK_ROWS * 2, ROWS.size()}) {
        List<String> fed = new ArrayList<>();
        List<String> lane0 = new ArrayList<>();
        List<String> lane1 = Collections.synchronizedList(new ArrayList<>());
        List<String> lane0Threads = new ArrayList<>();
        Rows batch = new Rows(n, -1);
        RowFeed.Run run =
            feed.start(
                batch,
                2,
                (lane, r) -> {
                  assertThat(lane).isEqualTo(ROWS.indexOf(r) % 2);
                  fed.add(id(r));
                });
        CompletableFuture<Void> aside = drainAside(run, r -> lane1.add(id(r)));
        run.drain(
            0,
            r -> {
              lane0.add(id(r));
              lane0Threads.add(Thread.currentThread().getName());
            });
        aside.get();
        run.finish();
        assertThat(fed)
            .as("the feeding side, n=%d", n)
            .containsExactlyElementsOf(ROWS.subList(0, n).stream().map(RowFeedTest::id).toList());
        assertThat(lane0).as("lane 0, n=%d", n).containsExactlyElementsOf(expected(n, 0));
        assertThat(lane1).as("lane 1, n=%d", n).containsExactlyElementsOf(expected(n, 1));
        assertThat(batch.thread).isEqualTo("loader-feed");
        assertThat(lane0Threads)
            .hasSize(expected(n, 0).size())
            .allMatch(t -> t.equals(Thread.currentThread().getName()));
      }
    }
  }

  @Test
  void aFailureOfTheBatchStopsEveryLaneAndIsRethrownAsItWas() throws Exception {
    try (RowFeed feed = new RowFeed()) {
      int failAfter = RowFeed.BLOCK_ROWS * 4 + 5;
      List<String> lane0 = new ArrayList<>();
      Rows failing = new Rows(ROWS.size(), failAfter);
      RowFeed.Run run = feed.start(failing, 2, (lane, r) -> {});
      CompletableFuture<Void> aside = drainAside(run, r -> {});
      // a lane never completes without its end: it throws instead of committing half a batch
      assertThatThrownBy(() -> run.drain(0, r -> lane0.add(id(r))))
          .isInstanceOf(RowFeed.Stopped.class)
          .hasMessageContaining("log read failed at row " + failAfter);
      assertThatThrownBy(aside::get).hasCauseInstanceOf(RowFeed.Stopped.class);
      assertThatThrownBy(run::finish)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("log read failed at row " + failAfter);
      // only whole blocks were handed over before the failure; never a row past it
      assertThat(lane0).containsExactlyElementsOf(expected(2 * lane0.size(), 0));
      assertThat(2 * lane0.size()).isLessThanOrEqualTo(failAfter);
      // the feeding thread is free for the retry
      assertThat(drainAll(feed, new Rows(10, -1))).hasSize(10);
    }
  }

  @Test
  void aFailedAppendInOneLaneStopsTheFeedingThreadAndTheOtherLane() throws Exception {
    try (RowFeed feed = new RowFeed()) {
      Rows batch = new Rows(ROWS.size(), -1);
      int[] appended = {0};
      RowFeed.Run run = feed.start(batch, 2, (lane, r) -> {});
      CompletableFuture<Void> aside = drainAside(run, r -> {});
      assertThatThrownBy(() ->
              run.drain(
                  0,
                  r -> {
                    if (++appended[0] == 3) {
                      // the feeding thread meanwhile fills the queue and waits for room
                      java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
                      throw new SQLException("Conversion Error: cannot store row 3");
                    }
                  }))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("row 3");
      assertThatThrownBy(aside::get)
          .hasCauseInstanceOf(RowFeed.Stopped.class)
          .hasMessageContaining("another lane failed");
      run.finish(); // the lane's failure is the one reported
      assertThat(batch.returned).isTrue();
      assertThat(appended[0]).isEqualTo(3);
      assertThat(drainAll(feed, new Rows(5, -1))).hasSize(5);
    }
  }
}
