package dev.causality.dashboards;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/** The dashboards facade: saved queries, dashboards and per-user SQL history. */
public final class Dashboards {
  /** How many statements of one user the history keeps. */
  public static final int HISTORY_SIZE = 50;

  static final Set<String> KINDS = Set.of("trends", "funnels", "retention", "sql");
  private static final char[] ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final DashboardStore store;
  private final InstantSource clock;
  private final RandomGenerator random;

  public Dashboards(DashboardStore store, InstantSource clock, RandomGenerator random) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.random = requireNonNull(random, "random is null");
  }

  private String newId() {
    char[] id = new char[12];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return new String(id);
  }

  private static String name(String name) {
    String n = requireNonNull(name, "name is null").strip();
    if (n.isEmpty() || n.length() > 200) {
      throw DashboardException.invalid("name", "must be 1 to 200 characters");
    }
    return n;
  }

  /**
   * Saves a new query, or replaces the one with {@code id} (keeping its author and creation time).
   */
  public SavedQuery saveQuery(
      Optional<String> id,
      String project,
      String kind,
      String name,
      String description,
      String query,
      String author) {
    if (!KINDS.contains(kind)) {
      throw DashboardException.invalid(
          "kind", "must be one of " + KINDS.stream().sorted().toList() + ", was '" + kind + "'");
    }
    Instant now = clock.instant();
    Optional<SavedQuery> old = id.map(i -> query(i));
    SavedQuery q =
        new SavedQuery(
            id.orElseGet(this::newId),
            old.map(SavedQuery::project).orElse(project),
            kind,
            name(name),
            description,
            query,
            old.map(SavedQuery::author).orElse(author),
            old.map(SavedQuery::createdAt).orElse(now),
            now);
    store.putQuery(q);
    return q;
  }

  /** The saved query {@code id}; 404 when there is none. */
  public SavedQuery query(String id) {
    return store.query(id).orElseThrow(() -> DashboardException.notFound("saved query", id));
  }

  public List<SavedQuery> queries(String project) {
    return store.queries(project);
  }

  public void deleteQuery(String id) {
    if (!store.deleteQuery(id)) {
      throw DashboardException.notFound("saved query", id);
    }
  }

  public Dashboard createDashboard(String project, String name, String author) {
    Instant now = clock.instant();
    Dashboard d =
        new Dashboard(newId(), project, name(name), 0, Optional.empty(), "[]", author, now, now);
    store.putDashboard(d);
    return d;
  }

  /** The dashboard {@code id}; 404 when there is none. */
  public Dashboard dashboard(String id) {
    return store.dashboard(id).orElseThrow(() -> DashboardException.notFound("dashboard", id));
  }

  public List<Dashboard> dashboards(String project) {
    return store.dashboards(project);
  }

  /** Replaces the changeable parts of a dashboard: name, refresh interval, date range, tiles. */
  public Dashboard updateDashboard(
      Dashboard d, String name, int refreshSeconds, Optional<String> dateRange, String tiles) {
    if (refreshSeconds < 0 || refreshSeconds > 86_400) {
      throw DashboardException.invalid("refreshSeconds", "must be 0 (off) to 86400");
    }
    Dashboard next =
        new Dashboard(
            d.id(),
            d.project(),
            name(name),
            refreshSeconds,
            dateRange,
            tiles,
            d.author(),
            d.createdAt(),
            clock.instant());
    store.putDashboard(next);
    return next;
  }

  public void deleteDashboard(String id) {
    if (!store.deleteDashboard(id)) {
      throw DashboardException.notFound("dashboard", id);
    }
  }

  /** Records a statement run by {@code userId}; keeps their last {@link #HISTORY_SIZE}. */
  public void recordSql(
      String userId,
      String project,
      String sql,
      long rowCount,
      long elapsedMs,
      Optional<String> error) {
    store.addHistory(
        new SqlHistoryEntry(0, userId, project, sql, clock.instant(), rowCount, elapsedMs, error),
        HISTORY_SIZE);
  }

  public List<SqlHistoryEntry> history(String userId) {
    return store.history(userId, HISTORY_SIZE);
  }
}
