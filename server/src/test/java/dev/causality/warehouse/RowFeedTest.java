package dev.causality.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.causality.event.EventRecord;
import dev.causality.event.Events;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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

  /** A batch of the first {@code n} rows that may fail after {@code failAfter} of them. */
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
    public void rows(Consumer<EventRecord> sink) {
      thread = Thread.currentThread().getName();
      try {
        for (int i = 0; i < n; i++) {
          if (i == failAfter) {
            throw new IllegalStateException("log read failed at row " + i);
          }
          sink.accept(ROWS.get(i));
        }
      } finally {
        returned.set(true);
      }
    }

    @Override
    public List<DeadLetter> deadLetters() {
      return List.of();
    }

    @Override
    public long nextPosition() {
      return n;
    }
  }

  private static String id(EventRecord r) {
    return r.text(EventRecord.EVENT_ID);
  }

  @Test
  void everyRowReachesBothSidesOnceInOrderWithTheBatchOnTheFeedingThread() throws Exception {
    try (RowFeed feed = new RowFeed()) {
      for (int n : new int[] {0, 1, RowFeed.BLOCK_ROWS, ROWS.size()}) {
        List<String> fed = new ArrayList<>();
        List<String> appended = new ArrayList<>();
        List<String> appendThreads = new ArrayList<>();
        Rows batch = new Rows(n, -1);
        feed.run(
            batch,
            r -> fed.add(id(r)),
            r -> {
              appended.add(id(r));
              appendThreads.add(Thread.currentThread().getName());
            });
        List<String> expected = ROWS.subList(0, n).stream().map(RowFeedTest::id).toList();
        assertThat(fed).as("the feeding side, n=%d", n).containsExactlyElementsOf(expected);
        assertThat(appended).as("the appending side, n=%d", n).containsExactlyElementsOf(expected);
        assertThat(batch.thread).isEqualTo("loader-feed");
        assertThat(appendThreads)
            .hasSize(n)
            .allMatch(t -> t.equals(Thread.currentThread().getName()));
      }
    }
  }

  @Test
  void aFailureOfTheBatchIsRethrownAsItWasAfterTheRowsBeforeIt() throws Exception {
    try (RowFeed feed = new RowFeed()) {
      int failAfter = RowFeed.BLOCK_ROWS * 2 + 5;
      List<String> appended = new ArrayList<>();
      Rows failing = new Rows(ROWS.size(), failAfter);
      assertThatThrownBy(() -> feed.run(failing, r -> {}, r -> appended.add(id(r))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("log read failed at row " + failAfter);
      // only whole blocks were handed over before the failure; never a row past it
      assertThat(appended).hasSizeLessThanOrEqualTo(failAfter);
      assertThat(appended)
          .containsExactlyElementsOf(
              ROWS.subList(0, appended.size()).stream().map(RowFeedTest::id).toList());
      // the feeding thread is free for the retry
      List<String> retried = new ArrayList<>();
      feed.run(new Rows(10, -1), r -> {}, r -> retried.add(id(r)));
      assertThat(retried).hasSize(10);
    }
  }

  @Test
  void aFailedAppendStopsTheFeedingThreadBeforeItIsRethrown() throws Exception {
    try (RowFeed feed = new RowFeed()) {
      Rows batch = new Rows(ROWS.size(), -1);
      int[] appended = {0};
      assertThatThrownBy(() ->
              feed.run(
                  batch,
                  r -> {},
                  r -> {
                    if (++appended[0] == 3) {
                      // the feeding thread meanwhile fills the queue and waits for room
                      java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
                      throw new SQLException("Conversion Error: cannot store row 3");
                    }
                  }))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("row 3");
      // the batch let go before run returned: a retry cannot overlap it
      assertThat(batch.returned).isTrue();
      assertThat(appended[0]).isEqualTo(3);
      List<String> retried = new ArrayList<>();
      feed.run(new Rows(5, -1), r -> {}, r -> retried.add(id(r)));
      assertThat(retried).hasSize(5);
    }
  }
}
