package dev.causality.health;

import static java.util.Objects.requireNonNull;

import dev.causality.event.Event;
import dev.causality.projects.IngestKey;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What ingestion did lately, kept in memory since the server started: accepted events per second
 * over the last minute and the last event of each ingestion key.
 *
 * <p>Implementation note: per-second counts live in a ring of 64 slots indexed by epoch second; a
 * slot is claimed by storing its second next to it, so a stale slot (older than 60 s) reads as 0.
 */
public final class IngestionHealth {
  /** The last event of one key and how many it sent since start. */
  public record KeyActivity(
      String keyId, String name, String project, long events, Instant lastEventAt) {}

  private static final int SLOTS = 64;

  private final InstantSource clock;
  private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);
  private final AtomicLongArray counts = new AtomicLongArray(SLOTS);
  private final ConcurrentHashMap<String, KeyActivity> keys = new ConcurrentHashMap<>();

  public IngestionHealth(InstantSource clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Counts a request's durable events. */
  public void accepted(IngestKey key, List<Event> events) {
    Instant now = clock.instant();
    long second = now.getEpochSecond();
    int slot = (int) (second % SLOTS);
    long held = seconds.get(slot);
    if (held != second && seconds.compareAndSet(slot, held, second)) {
      counts.set(slot, 0);
    }
    counts.addAndGet(slot, events.size());
    keys.merge(
        key.id(),
        new KeyActivity(key.id(), key.name(), key.projectId(), events.size(), now),
        (a, b) ->
            new KeyActivity(
                a.keyId(), a.name(), a.project(), a.events() + b.events(), b.lastEventAt()));
  }

  /**
   * Events per second for each of the last {@code n} seconds (≤ 60, the current one last), oldest
   * first.
   */
  public long[] perSecond(int n) {
    long now = clock.instant().getEpochSecond();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long second = now - n + 1 + i;
      int slot = (int) (second % SLOTS);
      out[i] = seconds.get(slot) == second ? counts.get(slot) : 0;
    }
    return out;
  }

  public long nowSecond() {
    return clock.instant().getEpochSecond();
  }

  /** Keys that sent events since start, most recent first. */
  public List<KeyActivity> keys() {
    return keys.values().stream()
        .sorted(Comparator.comparing(KeyActivity::lastEventAt).reversed())
        .toList();
  }
}
