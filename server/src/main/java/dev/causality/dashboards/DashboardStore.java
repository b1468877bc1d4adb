package dev.causality.dashboards;

import java.util.List;
import java.util.Optional;

/** Where saved queries, dashboards and SQL history are kept (the metadata database). */
public interface DashboardStore extends AutoCloseable {
  void putQuery(SavedQuery q);

  Optional<SavedQuery> query(String id);

  List<SavedQuery> queries(String project);

  boolean deleteQuery(String id);

  void putDashboard(Dashboard d);

  Optional<Dashboard> dashboard(String id);

  List<Dashboard> dashboards(String project);

  boolean deleteDashboard(String id);

  /** Records a statement and keeps only the newest {@code keep} of that user. */
  void addHistory(SqlHistoryEntry e, int keep);

  List<SqlHistoryEntry> history(String userId, int limit);

  @Override
  void close();
}
