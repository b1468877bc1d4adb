package dev.causality.load;

import static java.util.Objects.requireNonNull;

import dev.causality.event.EventCodec;
import dev.causality.event.EventRecord;
import dev.causality.log.EventLog;
import dev.causality.log.LogRecord;
import dev.causality.warehouse.DeadLetter;
import dev.causality.warehouse.Warehouse;
import dev.causality.warehouse.WarehouseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Moves events from the log to the warehouse, in order, exactly once, dropping duplicates. */
public final class Loader implements AutoCloseable {
  /*
   * Implementation note. `position` is always the warehouse's loaded position: it is read from
   * the warehouse at start and advanced only after a load transaction that stored it commits. So
   * whatever the process dies in the middle of, the next start re-reads exactly the records whose
   * rows were not committed. The dedup window is rebuilt from the rows stored in the last window
   * and then fed only from committed batches, so it always equals "what the warehouse holds".
   * A batch that keeps failing is loaded record by record; a record that fails alone goes to the
   * dead-letter table in its own transaction with its position, so one poison record never holds
   * the rest back. But a retriable failure (disk full, I/O error) says nothing about the record,
   * and a dead letter written in the moment space comes back would take a good event out of the
   * events table; so then, as when the dead letter cannot be written either, the warehouse is
   * unavailable: the loader backs off and retries from the same position, never moving past a
   * record it has not stored somewhere.
   *
   * A batch is never held in memory whole: records are read and decoded a few megabytes at a
   * time while the warehouse appends them inside the open transaction (Pending), so rows die
   * young instead of filling the old generation; only the 64-bit hashes of the ids (for the
   * dedup window) and their received times are kept until the commit, in primitive arrays: lists
   * of strings there made every young collection copy them (pauses up to 200 ms under load). A
   * retry re-reads the same range of the log. The warehouse runs Pending.rows on a feeding thread
   * of its own, beside its appends (RowFeed): what Pending records there is read here only after
   * the load has returned or thrown.
   */

  private static final Logger LOG = LoggerFactory.getLogger(Loader.class);
  private static final int ATTEMPTS = 3;

  /**
   * The shortest time between two commits while the log keeps growing: when less than a whole batch
   * waits in the log, the next batch starts at once if the last commit is older, and otherwise once
   * it is that old, taking in what arrived meanwhile. Each commit costs DuckDB a fixed amount of
   * work, and rows that do not fill a row group are written twice (to the WAL, then again at the
   * checkpoint), so at a steady moderate rate committing the few hundred events that arrived since
   * the last commit costs about twice the CPU per event of committing every half second
   * (docs/benchmarks.md). An event that arrives after a quiet spell is loaded at once; under load
   * this adds at most half a second to freshness.
   */
  static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * Log bytes read and decoded at a time while a batch streams into the warehouse. Small, so that a
   * chunk is garbage before the next young collection: a chunk that outlives one (4 MB took the
   * loader longer than the ~100 ms between collections at 50,000 events/s) overflows the survivor
   * space into the old generation, which then fills with dead chunks until a full collection stops
   * every request for a few hundred milliseconds (docs/benchmarks.md).
   */
  private static final int READ_CHUNK_BYTES = 256 * 1024;

  /**
   * The longest a batch waits, from the last commit, for the rows of a whole batch to arrive while
   * it appends those already there ({@link #wholeBatchArrives}). The first row of such a batch is
   * queryable at most this long plus the final commit after it was received.
   */
  static final long MAX_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(3000);

  /** The least pending log bytes that count as a whole batch (a batch of a few rows is whole). */
  private static final long MIN_GATHER_BYTES = 64 * 1024;

  /** The log bytes of one record, averaged over the last batch: what a whole batch's rows take. */
  private long bytesPerRecord = 600;

  /** The log's end at the last commit: how fast the log grows since then. */
  private long endAtCommit;

  /**
   * Dedup hashes and received times of the rows the batch in flight passed on, until its commit,
   * and the ids it has seen (primitive: no GC work). Only one batch is in flight at a time, so they
   * live here and each batch reuses what the last one grew: new arrays every batch would outlive
   * young collections and fill the old generation.
   */
  private long[] rowHashes = new long[1024];

  private long[] rowReceivedAt = new long[1024];
  private final IdSet rowsInBatch = new IdSet(2048);

  private final EventLog log;
  private final Warehouse warehouse;
  private final InstantSource clock;
  private final int maxBatchRows;
  private final DedupWindow dedup;
  private final long dedupWindowMicros;
  private final Thread thread;
  private final Counter loaded;
  private final Counter deduplicated;
  private final Counter deadLettered;
  private final DistributionSummary batchSize;
  private final Timer batchDuration;
  private final Timer freshness;

  private volatile long position;

  /** When the last load transaction committed (System.nanoTime); the loader thread's own. */
  private long lastCommit = System.nanoTime() - COMMIT_INTERVAL_NANOS;

  /** How far the loader has read the log, committed or not (for ingestion's backpressure). */
  private volatile long readPosition;

  private volatile boolean stopping;
  private volatile boolean running;
  private volatile String lastError = "";
  private volatile int dedupSize;

  public Loader(
      EventLog log,
      Warehouse warehouse,
      Duration dedupWindow,
      int dedupMaxIds,
      int maxBatchRows,
      InstantSource clock,
      MeterRegistry registry) {
    this.log = requireNonNull(log, "log is null");
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows must be positive, was " + maxBatchRows);
    }
    this.maxBatchRows = maxBatchRows;
    this.dedupWindowMicros = TimeUnit.MILLISECONDS.toMicros(dedupWindow.toMillis());
    this.dedup = new DedupWindow(dedupWindowMicros, dedupMaxIds);
    this.thread = Thread.ofPlatform().name("loader").unstarted(this::run);
    this.loaded =
        Counter.builder("causality_events_loaded")
            .description("Events written to the warehouse")
            .register(registry);
    this.deduplicated =
        Counter.builder("causality_events_deduplicated")
            .description("Events dropped as duplicates by event_id")
            .register(registry);
    this.deadLettered =
        Counter.builder("causality_dead_letters_written")
            .description("Records moved to the dead-letter table")
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("causality_loader_batch_size")
            .description("Events per load transaction")
            .register(registry);
    this.batchDuration =
        Timer.builder("causality_loader_batch_duration")
            .description("Time of one load transaction")
            .register(registry);
    this.freshness =
        Timer.builder("causality_loader_freshness")
            .description("Time from an event being received to being queryable")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    Gauge.builder("causality_log_lag_bytes", this, l -> l.log.end() - l.position)
        .description("Bytes of the log not yet loaded")
        .register(registry);
    Gauge.builder("causality_dedup_window_ids", this, l -> l.dedupSize).register(registry);
  }

  /**
   * Reads the loaded position from the warehouse and starts loading; the loader's thread first
   * reads the dedup window back ({@link #rebuildDedupWindow}).
   */
  public void start() {
    position = warehouse.loadedPosition();
    if (position < log.start() || position > log.end()) {
      throw new IllegalStateException(
          "the warehouse was loaded up to log position "
              + position
              + " but the log holds "
              + log.start()
              + ".."
              + log.end()
              + "; the log and the warehouse do not belong together");
    }
    running = true;
    thread.start();
  }

  /**
   * Fills the dedup window with the ids the warehouse stored within it, up to the window's cap;
   * false when the loader is stopping before it could. On the loader's thread, so that a start does
   * not wait for it: reading a day of ids back takes seconds (4 s for 2 million on a 2-core machine
   * right after a start, docs/benchmarks.md), and meanwhile requests are already taken into the
   * log. Nothing is loaded before the window is whole. A failed read is retried: ids it added
   * before failing are added again without effect.
   */
  private boolean rebuildDedupWindow() throws InterruptedException {
    long started = System.nanoTime();
    while (true) {
      try {
        warehouse.recentEventIds(
            micros() - dedupWindowMicros,
            dedup.maxIds(),
            (hash, at) -> dedup.add(DedupWindow.stored(hash), at));
        break;
      } catch (RuntimeException e) {
        lastError = "cannot read the dedup window from the warehouse: " + e.getMessage();
        LOG.warn("loader: {}; trying again", lastError);
        if (stopping) {
          return false;
        }
        Thread.sleep(1000);
      }
    }
    lastError = "";
    dedupSize = dedup.size();
    LOG.info(
        "loader started at log position {} with {} ids in the dedup window (read in {} ms)",
        position,
        dedupSize,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return true;
  }

  private void run() {
    try {
      if (!rebuildDedupWindow()) {
        return;
      }
      while (true) {
        if (log.end() <= position) {
          if (stopping) {
            return;
          }
          log.awaitBeyond(position, 100);
          continue;
        }
        int batchRows = Math.min(maxBatchRows, warehouse.preferredBatchRows());
        long wholeBatch = Math.max(MIN_GATHER_BYTES, batchRows * bytesPerRecord);
        long pending = log.end() - position;
        long sinceCommit = System.nanoTime() - lastCommit;
        boolean gather = false;
        if (!stopping && pending < wholeBatch) {
          if (sinceCommit < COMMIT_INTERVAL_NANOS) {
            // a trickle right after a commit: let it gather before the transaction opens, unless a
            // whole batch arrives first
            long wait = COMMIT_INTERVAL_NANOS - sinceCommit;
            log.awaitBeyond(position + wholeBatch, Math.max(1, wait / 1_000_000));
            continue;
          }
          gather = wholeBatchArrives(pending, wholeBatch, sinceCommit);
        }
        boolean loaded;
        try {
          loaded =
              loadWithRetries(
                  new Pending(position, -1, batchRows, gather, lastCommit + MAX_GATHER_NANOS));
        } catch (LogReadFailure e) {
          fail("cannot read the log: " + e.getCause().getMessage(), (Exception) e.getCause());
          return;
        }
        if (!loaded) {
          if (stopping) {
            LOG.warn(
                "loader: stopping with the warehouse unavailable; the log from position {} loads at the next start",
                position);
            return;
          }
          Thread.sleep(1000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running = false;
    }
  }

  /**
   * Whether, at the rate the log has grown since the last commit ({@code sinceCommit} ago), the
   * rest of a whole batch ({@code wholeBatch} log bytes, to the end of the row group being filled,
   * see {@link Warehouse#preferredBatchRows}) arrives within {@link #MAX_GATHER_NANOS} of that
   * commit; {@code pending} bytes are there now. Then the batch opens now and waits for the rest as
   * it comes in ({@link Pending#rows}). A batch that fills its row group costs DuckDB about half
   * the CPU per row of one that does not: it goes into the database file compressed, once, instead
   * of into the WAL and then again at the checkpoint (docs/benchmarks.md).
   */
  private boolean wholeBatchArrives(long pending, long wholeBatch, long sinceCommit) {
    long grown = log.end() - endAtCommit;
    if (grown <= 0) {
      return false;
    }
    double nanosPerByte = (double) sinceCommit / grown;
    return sinceCommit + (wholeBatch - pending) * nanosPerByte <= MAX_GATHER_NANOS;
  }

  private void fail(String message, Exception e) {
    lastError = message;
    LOG.error("loader: stopped: {}", message, e);
  }

  /** A failure to read the log, carried out of a batch's row callback: it stops the loader. */
  private static final class LogReadFailure extends RuntimeException {
    LogReadFailure(RuntimeException cause) {
      super(cause);
    }
  }

  /**
   * The records of one load transaction, from {@code from} on, decoded as the warehouse asks for
   * them, a few megabytes of the log at a time. The first complete pass fixes where the batch ends
   * (at {@code maxRows} records, or where the log ended then, or for a batch that {@link #gathers},
   * where it ended at {@link #gatherUntil}); a retry produces the same rows. Records already in the
   * log are taken in however long appending them takes: a loader that is behind then commits whole
   * row groups, the cheapest way to catch up. A limit of 2 s per batch, as before, made a loader
   * that had fallen behind at 50,000 events/s commit 50,000–80,000 rows at a time, through the WAL
   * at about twice the CPU per row, and so stay behind (docs/benchmarks.md).
   */
  private final class Pending implements Warehouse.Batch {
    final long from;
    final int maxRows;

    /** Where the batch ends; -1 until a pass has completed. */
    long end;

    /** The furthest position a pass has reached, complete or not. */
    long reached;

    /**
     * Rows passed on; their hashes and times are in {@link #rowHashes} and {@link #rowReceivedAt}.
     */
    int rowCount;

    final List<DeadLetter> dead = new ArrayList<>();
    long duplicates;

    /**
     * Whether the first pass waits for records the log does not hold yet, until {@link
     * #gatherUntil} (System.nanoTime), or takes what the log holds.
     */
    final boolean gathers;

    final long gatherUntil;

    Pending(long from, long end, int maxRows) {
      this(from, end, maxRows, false, 0);
    }

    Pending(long from, long end, int maxRows, boolean gathers, long gatherUntil) {
      this.from = from;
      this.end = end;
      this.reached = from;
      this.maxRows = maxRows;
      this.gathers = gathers;
      this.gatherUntil = gatherUntil;
    }

    @Override
    public void rows(Consumer<EventRecord> sink) {
      rowCount = 0;
      rowsInBatch.clear();
      dead.clear();
      duplicates = 0;
      long pos = from;
      while (end < 0 ? !full() : pos < end) {
        List<LogRecord> chunk;
        try {
          chunk = log.read(pos, READ_CHUNK_BYTES);
        } catch (RuntimeException e) {
          throw new LogReadFailure(e);
        }
        if (chunk.isEmpty()) {
          long left = gatherUntil - System.nanoTime();
          if (end >= 0 || !gathers || left <= 0 || stopping) {
            break;
          }
          try {
            log.awaitBeyond(pos, Math.clamp(left / 1_000_000, 1, 100));
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            break;
          }
          continue;
        }
        readPosition = Math.max(readPosition, chunk.getLast().nextPosition());
        for (LogRecord r : chunk) {
          if (end >= 0 ? r.position() >= end : full()) { // exactly: see preferredBatchRows
            break;
          }
          pos = r.nextPosition();
          EventRecord e;
          try {
            e = EventRecord.of(r.payload());
          } catch (IOException | RuntimeException ex) {
            dead.add(deadLetter(r, "undecodable record: " + ex.getMessage()));
            continue;
          }
          long hash = dedup.hash(e);
          if (dedup.contains(hash) || !rowsInBatch.add(hash)) {
            duplicates++;
            continue;
          }
          sink.accept(e);
          if (rowCount == rowHashes.length) {
            rowHashes = Arrays.copyOf(rowHashes, rowCount * 2);
            rowReceivedAt = Arrays.copyOf(rowReceivedAt, rowCount * 2);
          }
          rowHashes[rowCount] = hash;
          rowReceivedAt[rowCount] = e.time(EventRecord.RECEIVED_AT);
          rowCount++;
          reached = Math.max(reached, pos);
        }
        reached = Math.max(reached, pos);
      }
      end = pos;
    }

    /** Whether the first pass has taken in {@code maxRows} records (stored, duplicate or dead). */
    private boolean full() {
      return rowCount + duplicates + dead.size() >= maxRows;
    }

    @Override
    public List<DeadLetter> deadLetters() {
      return dead;
    }

    @Override
    public long nextPosition() {
      return end;
    }
  }

  private DeadLetter deadLetter(LogRecord r, String error) {
    return new DeadLetter(r.position(), error, EventCodec.describe(r.payload()), micros());
  }

  /** Returns false when the warehouse is unavailable and nothing could be stored. */
  private boolean loadWithRetries(Pending batch) throws InterruptedException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        commit(batch);
        return true;
      } catch (LogReadFailure e) {
        throw e;
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(50L << (2 * attempt));
      }
    }
    if (last instanceof WarehouseException w && w.retriable()) {
      // the warehouse, not a record, failed (disk full, I/O error): loading record by record
      // would find no culprit, and once it recovers would crawl through the batch one commit per
      // record (a 9,000-record batch took over 30 s that way); back off and retry the batch
      lastError = "warehouse unavailable: " + last.getMessage();
      LOG.warn(
          "loader: a batch from position {} failed {} times, retrying it: {}",
          batch.from,
          ATTEMPTS,
          last.getMessage());
      return false;
    }
    long until = batch.end >= 0 ? batch.end : batch.reached;
    LOG.warn(
        "loader: a batch from position {} failed {} times ({}); loading it record by record",
        batch.from,
        ATTEMPTS,
        last.getMessage());
    long pos = batch.from;
    do {
      LogRecord r;
      try {
        r = log.read(pos, 1).getFirst();
      } catch (RuntimeException e) {
        throw new LogReadFailure(e);
      }
      try {
        commit(new Pending(r.position(), r.nextPosition(), 1));
      } catch (LogReadFailure e) {
        throw e;
      } catch (RuntimeException e) {
        if (e instanceof WarehouseException w && w.retriable()) {
          lastError = "warehouse unavailable: " + e.getMessage();
          LOG.warn(
              "loader: warehouse cannot write, retrying from position {}: {}",
              position,
              e.getMessage());
          return false;
        }
        try {
          warehouse.load(
              List.of(),
              List.of(deadLetter(r, "load failed: " + e.getMessage())),
              r.nextPosition());
          deadLettered.increment();
          advance(r.nextPosition());
        } catch (RuntimeException unavailable) {
          lastError = "warehouse unavailable: " + unavailable.getMessage();
          LOG.warn(
              "loader: warehouse unavailable, retrying from position {}: {}",
              position,
              unavailable.getMessage());
          return false;
        }
      }
      pos = r.nextPosition();
    } while (pos < until);
    return true;
  }

  private void commit(Pending batch) {
    long start = System.nanoTime();
    warehouse.load(batch);
    lastCommit = System.nanoTime();
    endAtCommit = log.end();
    long records = batch.rowCount + batch.duplicates + batch.dead.size();
    if (records > 0) {
      bytesPerRecord = (batch.end - batch.from) / records;
    }
    batchDuration.record(lastCommit - start, TimeUnit.NANOSECONDS);
    long now = micros();
    for (int i = 0; i < batch.rowCount; i++) {
      long received = rowReceivedAt[i];
      dedup.add(rowHashes[i], received);
      freshness.record(Math.max(0, now - received), TimeUnit.MICROSECONDS);
    }
    deduplicated.increment(batch.duplicates);
    loaded.increment(batch.rowCount);
    deadLettered.increment(batch.dead.size());
    batchSize.record(batch.rowCount);
    advance(batch.end);
  }

  private void advance(long next) {
    dedup.expire(micros());
    dedupSize = dedup.size();
    position = next;
    lastError = "";
    log.release(next);
  }

  private long micros() {
    return TimeUnit.MILLISECONDS.toMicros(clock.millis());
  }

  /** The log position loaded so far. */
  public long position() {
    return position;
  }

  /** The log position read so far: loaded, or in the batch being loaded. */
  public long readPosition() {
    return Math.max(position, readPosition);
  }

  public boolean running() {
    return running;
  }

  /** Empty when healthy; otherwise why the last load failed. */
  public String lastError() {
    return lastError;
  }

  /**
   * Loads everything the log holds, then stops; waits at most {@code timeout}. While the warehouse
   * is unavailable it gives up after one more round of attempts instead of retrying until the
   * timeout: what is left loads at the next start.
   */
  public boolean drain(Duration timeout) {
    stopping = true;
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  @Override
  public void close() {
    drain(Duration.ofSeconds(20));
  }
}
