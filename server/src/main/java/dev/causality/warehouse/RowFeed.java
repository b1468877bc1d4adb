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

/**
 * Runs a batch's {@link Warehouse.Batch#rows} on a thread of its own and hands the rows to the
 * loading threads in blocks, one queue per lane, so that reading and decoding the log, dropping
 * duplicates and counting the catalog run beside DuckDB's appends instead of between them. Under
 * load the one loading thread was the limit: on two cores it spent about a fifth of its time on
 * that work while a core had time to spare (docs/benchmarks.md).
 *
 * <p>One batch at a time: {@link Run#finish} returns only once the feeding thread has finished with
 * the batch, whether it succeeded or not, so a retry never overlaps the attempt before it, and what
 * the batch recorded while producing its rows is visible to the caller afterwards.
 */
final class RowFeed implements AutoCloseable {
  /** A loading thread's side: appends one row. */
  interface RowSink {
    void accept(EventRecord row) throws SQLException;
  }

  /** Called on the feeding thread for every row, with its lane. */
  interface OnFeeder {
    void accept(int lane, EventRecord row);
  }

  /** Rows handed over at a time: a few hundred, so that the handover costs little per row. */
  static final int BLOCK_ROWS = 256;

  /**
   * Blocks that may wait for a loading thread: bounds the log chunks kept alive to a few megabytes,
   * which must stay garbage for the young generation (see Loader.READ_CHUNK_BYTES).
   */
  static final int QUEUED_BLOCKS = 16;

  private static final EventRecord[] END = new EventRecord[0];
  private static final long POLL_MILLIS = 100;

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("loader-feed").daemon(true).unstarted(r));

  /** Thrown on the feeding thread to stop producing rows once a loading side gave up. */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super("the load was abandoned", null, false, false);
    }
  }

  /** The feeding thread's side: gathers each lane's rows into blocks and queues each full one. */
  private static final class Blocks implements Warehouse.RowSink {
    private final BlockingQueue<EventRecord[]>[] queues;
    private final AtomicBoolean abandoned;
    private final OnFeeder onFeeder;
    private final EventRecord[][] blocks;
    private final int[] sizes;

    Blocks(BlockingQueue<EventRecord[]>[] queues, AtomicBoolean abandoned, OnFeeder onFeeder) {
      this.queues = queues;
      this.abandoned = abandoned;
      this.onFeeder = onFeeder;
      this.blocks = new EventRecord[queues.length][BLOCK_ROWS];
      this.sizes = new int[queues.length];
    }

    @Override
    public void accept(int lane, EventRecord row) {
      onFeeder.accept(lane, row);
      blocks[lane][sizes[lane]++] = row;
      if (sizes[lane] == BLOCK_ROWS) {
        put(queues[lane], blocks[lane], abandoned);
        blocks[lane] = new EventRecord[BLOCK_ROWS];
        sizes[lane] = 0;
      }
    }

    /** Queues each lane's last, partial block and its end. */
    void finish() {
      for (int lane = 0; lane < queues.length; lane++) {
        if (sizes[lane] > 0) {
          put(queues[lane], Arrays.copyOf(blocks[lane], sizes[lane]), abandoned);
        }
        put(queues[lane], END, abandoned);
      }
    }
  }

  /**
   * Starts producing {@code batch}'s rows on the feeding thread, calling {@code onFeeder} for each
   * there, into one queue per lane; each lane's loading thread takes its rows with {@link
   * Run#drain}, and the caller ends with {@link Run#finish}.
   */
  Run start(Warehouse.Batch batch, int lanes, OnFeeder onFeeder) {
    @SuppressWarnings("unchecked")
    BlockingQueue<EventRecord[]>[] queues = new BlockingQueue[lanes];
    for (int i = 0; i < lanes; i++) {
      queues[i] = new ArrayBlockingQueue<>(QUEUED_BLOCKS);
    }
    AtomicBoolean abandoned = new AtomicBoolean();
    Future<?> fed =
        thread.submit(() -> {
          Blocks blocks = new Blocks(queues, abandoned, onFeeder);
          batch.rows(blocks);
          blocks.finish();
          return null;
        });
    return new Run(queues, abandoned, fed);
  }

  /** A lane's load stopped because the batch stopped, not because of the lane's own failure. */
  static final class Stopped extends SQLException {
    Stopped(String message) {
      super(message);
    }
  }

  /** One batch being fed. */
  static final class Run {
    private final BlockingQueue<EventRecord[]>[] queues;
    private final AtomicBoolean abandoned;
    private final Future<?> fed;

    private Run(BlockingQueue<EventRecord[]>[] queues, AtomicBoolean abandoned, Future<?> fed) {
      this.queues = queues;
      this.abandoned = abandoned;
      this.fed = fed;
    }

    /**
     * Calls {@code sink} on this thread for every row of {@code lane}, in the batch's order;
     * returns only once the feeding thread has produced every row of the batch. Throws when the
     * feeding thread failed or another lane abandoned the batch, and when {@code sink} fails, which
     * abandons it (the feeding thread stops; the other lanes then throw too).
     */
    void drain(int lane, RowSink sink) throws SQLException {
      BlockingQueue<EventRecord[]> queue = queues[lane];
      try {
        while (true) {
          EventRecord[] block = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
          if (block == null) {
            if (fed.isDone() && queue.isEmpty()) {
              // the feeding thread stopped before this lane's end: never a complete lane
              throw new Stopped("the batch's rows ended early: " + feederFailure());
            }
            continue;
          }
          if (block == END) {
            return;
          }
          for (EventRecord row : block) {
            sink.accept(row);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandoned.set(true);
        throw new SQLException("interrupted while loading", e);
      } catch (SQLException | RuntimeException e) {
        abandoned.set(true);
        throw e;
      }
    }

    private String feederFailure() {
      try {
        fed.get();
        return "abandoned";
      } catch (ExecutionException e) {
        return e.getCause() instanceof Abandoned
            ? "another lane failed"
            : String.valueOf(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    /** Stops the feeding thread's work on the batch. */
    void abandon() {
      abandoned.set(true);
    }

    /**
     * Waits until the feeding thread has let go of the batch; rethrows the batch's own failure as
     * it was thrown (a checked one wrapped), unless the batch was abandoned.
     */
    void finish() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            fed.get();
            return;
          } catch (InterruptedException e) {
            // the batch's state must not be shared with a feeder still running
            interrupted = true;
            abandoned.set(true);
          } catch (ExecutionException e) {
            if (e.getCause() instanceof Abandoned) {
              return; // the loading side's failure is the one reported
            }
            if (e.getCause() instanceof RuntimeException r) {
              throw r;
            }
            if (e.getCause() instanceof Error err) {
              throw err;
            }
            throw new IllegalStateException(e.getCause());
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static void put(
      BlockingQueue<EventRecord[]> queue, EventRecord[] block, AtomicBoolean abandoned) {
    try {
      while (abandoned.get() || !queue.offer(block, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
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
