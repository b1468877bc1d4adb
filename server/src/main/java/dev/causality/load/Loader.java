package dev.causality.load;

import static java.util.Objects.requireNonNull;

import dev.causality.event.Event;
import dev.causality.event.EventCodec;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
   */

  private static final Logger LOG = LoggerFactory.getLogger(Loader.class);
  private static final int ATTEMPTS = 3;

  private final EventLog log;
  private final Warehouse warehouse;
  private final InstantSource clock;
  private final int maxBatchBytes;
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
  private volatile boolean stopping;
  private volatile boolean running;
  private volatile String lastError = "";
  private volatile int dedupSize;

  public Loader(
      EventLog log,
      Warehouse warehouse,
      Duration dedupWindow,
      int dedupMaxIds,
      int maxBatchBytes,
      InstantSource clock,
      MeterRegistry registry) {
    this.log = requireNonNull(log, "log is null");
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.maxBatchBytes = maxBatchBytes;
    this.dedupWindowMicros = TimeUnit.MILLISECONDS.toMicros(dedupWindow.toMillis());
    this.dedup = new DedupWindow(dedupWindowMicros, dedupMaxIds);
    this.thread = Thread.ofPlatform().name("loader").unstarted(this::run);
    this.loaded = Counter.builder("causality_events_loaded").description("Events written to the warehouse").register(registry);
    this.deduplicated =
        Counter.builder("causality_events_deduplicated").description("Events dropped as duplicates by event_id").register(registry);
    this.deadLettered =
        Counter.builder("causality_dead_letters_written").description("Records moved to the dead-letter table").register(registry);
    this.batchSize = DistributionSummary.builder("causality_loader_batch_size").description("Events per load transaction").register(registry);
    this.batchDuration =
        Timer.builder("causality_loader_batch_duration").description("Time of one load transaction").register(registry);
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

  /** Reads the loaded position and the dedup window from the warehouse and starts loading. */
  public void start() {
    position = warehouse.loadedPosition();
    if (position < log.start() || position > log.end()) {
      throw new IllegalStateException(
          "the warehouse was loaded up to log position " + position + " but the log holds "
              + log.start() + ".." + log.end() + "; the log and the warehouse do not belong together");
    }
    long now = micros();
    warehouse.recentEventIds(
        now - dedupWindowMicros, (app, id, at) -> dedup.add(DedupWindow.key(app, id), at));
    dedupSize = dedup.size();
    running = true;
    thread.start();
    LOG.info("loader started at log position {} with {} ids in the dedup window", position, dedupSize);
  }

  private void run() {
    try {
      while (true) {
        List<LogRecord> batch;
        try {
          batch = log.read(position, maxBatchBytes);
        } catch (RuntimeException e) {
          fail("cannot read the log: " + e.getMessage(), e);
          return;
        }
        if (batch.isEmpty()) {
          if (stopping) {
            return;
          }
          log.awaitBeyond(position, 100);
          continue;
        }
        if (!loadWithRetries(batch)) {
          if (stopping) {
            LOG.warn("loader: stopping with the warehouse unavailable; the log from position {} loads at the next start",
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

  private void fail(String message, Exception e) {
    lastError = message;
    LOG.error("loader stopped: {}", message, e);
  }

  private record Decoded(List<Event> rows, List<DeadLetter> dead, long next) {}

  private Decoded decode(List<LogRecord> batch) {
    List<Event> rows = new ArrayList<>(batch.size());
    List<DeadLetter> dead = new ArrayList<>();
    Set<String> inBatch = new HashSet<>();
    long dup = 0;
    for (LogRecord r : batch) {
      Event e;
      try {
        e = EventCodec.decode(r.payload());
      } catch (IOException | RuntimeException ex) {
        dead.add(deadLetter(r, "undecodable record: " + ex.getMessage()));
        continue;
      }
      String key = DedupWindow.key(e.appId(), e.eventId());
      if (dedup.contains(key) || !inBatch.add(key)) {
        dup++;
        continue;
      }
      rows.add(e);
    }
    deduplicated.increment(dup);
    return new Decoded(rows, dead, batch.getLast().nextPosition());
  }

  private DeadLetter deadLetter(LogRecord r, String error) {
    return new DeadLetter(r.position(), error, EventCodec.describe(r.payload()), micros());
  }

  /** Returns false when the warehouse is unavailable and nothing could be stored. */
  private boolean loadWithRetries(List<LogRecord> batch) throws InterruptedException {
    Decoded d = decode(batch);
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        commit(d.rows, d.dead, d.next);
        return true;
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(50L << (2 * attempt));
      }
    }
    LOG.warn("loader: a batch of {} records failed {} times ({}); loading it record by record",
        batch.size(), ATTEMPTS, last.getMessage());
    for (LogRecord r : batch) {
      Decoded one = decode(List.of(r));
      try {
        commit(one.rows, one.dead, one.next);
      } catch (RuntimeException e) {
        if (e instanceof WarehouseException w && w.retriable()) {
          lastError = "warehouse unavailable: " + e.getMessage();
          LOG.warn("loader: warehouse cannot write, retrying from position {}: {}", position, e.getMessage());
          return false;
        }
        try {
          commit(List.of(), List.of(deadLetter(r, "load failed: " + e.getMessage())), one.next);
          deadLettered.increment();
        } catch (RuntimeException unavailable) {
          lastError = "warehouse unavailable: " + unavailable.getMessage();
          LOG.warn("loader: warehouse unavailable, retrying from position {}: {}", position, unavailable.getMessage());
          return false;
        }
      }
    }
    return true;
  }

  private void commit(List<Event> rows, List<DeadLetter> dead, long next) {
    long start = System.nanoTime();
    warehouse.load(rows, dead, next);
    batchDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    long now = micros();
    for (Event e : rows) {
      dedup.add(DedupWindow.key(e.appId(), e.eventId()), e.receivedAt());
      freshness.record(Math.max(0, now - e.receivedAt()), TimeUnit.MICROSECONDS);
    }
    dedup.expire(now);
    dedupSize = dedup.size();
    loaded.increment(rows.size());
    deadLettered.increment(dead.size());
    batchSize.record(rows.size());
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

  public boolean running() {
    return running;
  }

  /** Empty when healthy; otherwise why the last load failed. */
  public String lastError() {
    return lastError;
  }

  /**
   * Loads everything the log holds, then stops; waits at most {@code timeout}. While the
   * warehouse is unavailable it gives up after one more round of attempts instead of retrying
   * until the timeout: what is left loads at the next start.
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
