package dev.causality.telemetry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry worker: every {@code interval} (default one hour) it keeps the raw events'
 * partitions and retention ({@link Rollups#maintain()}) and refreshes the rollups over the last
 * days ({@link Rollups#refresh()}), on one platform thread of its own. Time inside a run is the
 * {@link Rollups}' clock; tests call {@link #runOnce()} instead of waiting.
 */
public final class TelemetryWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryWorker.class);

  private final Rollups rollups;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("telemetry-worker").daemon(true).unstarted(r));
  private volatile String lastError = "";

  /**
   * The schedule; a task that throws ends it silently, so {@link #runQuietly()} never lets one out.
   */
  private volatile ScheduledFuture<?> schedule;

  private TelemetryWorker(Rollups rollups) {
    this.rollups = requireNonNull(rollups, "rollups is null");
  }

  /** Starts the schedule: the first run after {@code initialDelay}, then every {@code interval}. */
  public static TelemetryWorker start(Rollups rollups, Duration initialDelay, Duration interval) {
    TelemetryWorker w = new TelemetryWorker(rollups);
    w.schedule =
        w.timer.scheduleWithFixedDelay(
            w::runQuietly, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return w;
  }

  /**
   * One run now, on the caller's thread (never two at once): partitions and retention, then every
   * rollup.
   */
  public synchronized List<Rollups.Refreshed> runOnce() {
    Rollups.Maintenance m = rollups.maintain();
    if (m.partitionsCreated() + m.partitionsDropped() > 0) {
      LOG.info(
          "telemetry partitions: {} created, {} dropped",
          m.partitionsCreated(),
          m.partitionsDropped());
    }
    if (m.eventsDeleted() > 0) {
      LOG.info("telemetry retention: {} raw events deleted", m.eventsDeleted());
    }
    List<Rollups.Refreshed> refreshed = rollups.refresh();
    LOG.debug("telemetry rollups refreshed: {}", refreshed);
    return refreshed;
  }

  private void runQuietly() {
    try {
      runOnce();
      lastError = "";
    } catch (RuntimeException e) {
      // the next run tries again; a refresh is one transaction, so a failed one changed nothing
      lastError = String.valueOf(e.getMessage());
      LOG.warn("telemetry refresh failed (next try at the next interval): {}", e.getMessage());
    } catch (VirtualMachineError e) {
      // out of memory or stack: the process is in trouble; say so, and let it end the schedule
      lastError = e.toString();
      LOG.error("telemetry worker stopped", e);
      throw e;
    } catch (Error e) {
      // e.g. a linkage error from a driver: thrown out of the task it would end the schedule
      // silently (the executor keeps it in a future nobody reads); the next run tries again
      lastError = e.toString();
      LOG.error("telemetry refresh failed (next try at the next interval)", e);
    }
  }

  /** Whether the schedule still runs (it ends only at {@link #close()} or on a VM error). */
  public boolean scheduled() {
    ScheduledFuture<?> s = schedule;
    return s != null && !s.isDone();
  }

  /** The error of the last scheduled run, or "" when it succeeded. */
  public String lastError() {
    return lastError;
  }

  public Rollups rollups() {
    return rollups;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
