package dev.causality.warehouse;

import dev.causality.event.EventRecord;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a batch's {@link Warehouse.Batch#rows} on a thread of its own and hands the rows to the
 * loading thread in blocks, so that reading and decoding the log, dropping duplicates and counting
 * the catalog run beside DuckDB's appends instead of between them. Under load the one loading
 * thread was the limit: on two cores it spent about a fifth of its time on that work while a core
 * had time to spare (docs/benchmarks.md).
 *
 * <p>One batch at a time: {@link #run} returns only once the feeding thread has finished with the
 * batch, whether it succeeded or not, so a retry never overlaps the attempt before it, and what the
 * batch recorded while producing its rows is visible to the caller afterwards.
 */
final class RowFeed implements AutoCloseable {
  /** The loading thread's side: appends one row. */
  interface RowSink {
    void accept(EventRecord row) throws SQLException;
  }

  /** Rows handed over at a time: a few hundred, so that the handover costs little per row. */
  static final int BLOCK_ROWS = 256;

  /**
   * Blocks that may wait for the loading thread: bounds the log chunks kept alive to a few
   * megabytes, which must stay garbage for the young generation (see Loader.READ_CHUNK_BYTES).
   */
  static final int QUEUED_BLOCKS = 16;

  private static final EventRecord[] END = new EventRecord[0];
  private static final long POLL_MILLIS = 100;

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("loader-feed").daemon(true).unstarted(r));

  /** Thrown on the feeding thread to stop producing rows once the loading side gave up. */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super("the load was abandoned", null, false, false);
    }
  }

  /** The feeding thread's side: gathers rows into blocks and queues each full one. */
  private static final class Blocks implements Consumer<EventRecord> {
    private final BlockingQueue<EventRecord[]> queue;
    private final AtomicBoolean abandoned;
    private final Consumer<EventRecord> onFeeder;
    private EventRecord[] block = new EventRecord[BLOCK_ROWS];
    private int size;

    Blocks(
        BlockingQueue<EventRecord[]> queue,
        AtomicBoolean abandoned,
        Consumer<EventRecord> onFeeder) {
      this.queue = queue;
      this.abandoned = abandoned;
      this.onFeeder = onFeeder;
    }

    @Override
    public void accept(EventRecord row) {
      onFeeder.accept(row);
      block[size++] = row;
      if (size == BLOCK_ROWS) {
        put(queue, block, abandoned);
        block = new EventRecord[BLOCK_ROWS];
        size = 0;
      }
    }

    /** Queues the last, partial block and the end. */
    void finish() {
      if (size > 0) {
        put(queue, Arrays.copyOf(block, size), abandoned);
      }
      put(queue, END, abandoned);
    }
  }

  /**
   * Calls {@code onFeeder} for every row of {@code batch} on the feeding thread and then {@code
   * sink} for it on this thread, in the batch's order. A failure of the batch's {@code rows} is
   * rethrown here as it was thrown (a checked one wrapped); a failure of {@code sink} stops the
   * feeding thread before it is rethrown.
   */
  void run(Warehouse.Batch batch, Consumer<EventRecord> onFeeder, RowSink sink)
      throws SQLException {
    BlockingQueue<EventRecord[]> queue = new ArrayBlockingQueue<>(QUEUED_BLOCKS);
    AtomicBoolean abandoned = new AtomicBoolean();
    Future<?> fed =
        thread.submit(() -> {
          Blocks blocks = new Blocks(queue, abandoned, onFeeder);
          batch.rows(blocks);
          blocks.finish();
          return null;
        });
    try {
      while (true) {
        EventRecord[] block = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (block == null) {
          if (fed.isDone() && queue.isEmpty()) {
            break; // the feeding thread failed before the end: get() below says why
          }
          continue;
        }
        if (block == END) {
          break;
        }
        for (EventRecord row : block) {
          sink.accept(row);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(abandoned, fed);
      throw new SQLException("interrupted while loading", e);
    } catch (SQLException | RuntimeException e) {
      abandon(abandoned, fed);
      throw e;
    }
    try {
      fed.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(abandoned, fed);
      throw new SQLException("interrupted while loading", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops the feeding thread's work on the batch and waits until it has let go of it. */
  private static void abandon(AtomicBoolean abandoned, Future<?> fed) {
    abandoned.set(true);
    boolean interrupted = false;
    while (true) {
      try {
        fed.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the batch's state must not be shared with a feeder still running
      } catch (ExecutionException ignored) {
        break; // the loading side's failure is the one reported
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void put(
      BlockingQueue<EventRecord[]> queue, EventRecord[] block, AtomicBoolean abandoned) {
    try {
      while (!queue.offer(block, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (abandoned.get()) {
          throw new Abandoned();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Abandoned();
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
