package dev.causality.dashboards;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded {@link DashboardStore}: tables of the SQLite metadata file, which the projects store
 * has already migrated (migration V20).
 */
public final class SqliteDashboardStore implements DashboardStore {
  private final Connection c;

  private SqliteDashboardStore(Connection c) {
    this.c = c;
  }

  /** Opens a connection of its own to the migrated metadata file. */
  public static SqliteDashboardStore open(Path file) {
    requireNonNull(file, "file is null");
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 5000");
      }
      return new SqliteDashboardStore(c);
    } catch (SQLException e) {
      throw new DashboardException("cannot open metadata store " + file + ": " + e.getMessage(), e);
    }
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private synchronized int update(String sql, Binder b) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      b.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new DashboardException(sql.split(" ")[0] + " failed: " + e.getMessage(), e);
    }
  }

  private synchronized <T> List<T> select(String sql, Binder b, Reader<T> r) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      b.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(r.read(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new DashboardException("query failed: " + e.getMessage(), e);
    }
  }

  private static SavedQuery savedQuery(ResultSet rs) throws SQLException {
    return new SavedQuery(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("kind"),
        rs.getString("name"),
        rs.getString("description"),
        rs.getString("query"),
        rs.getString("author"),
        Instant.parse(rs.getString("created_at")),
        Instant.parse(rs.getString("updated_at")));
  }

  private static Dashboard dashboard(ResultSet rs) throws SQLException {
    return new Dashboard(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("name"),
        rs.getInt("refresh_seconds"),
        Optional.ofNullable(rs.getString("date_range")),
        rs.getString("tiles"),
        rs.getString("author"),
        Instant.parse(rs.getString("created_at")),
        Instant.parse(rs.getString("updated_at")));
  }

  @Override
  public void putQuery(SavedQuery q) {
    update(
        "INSERT INTO saved_queries (id, project_id, kind, name, description, query, author, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
            + " description = excluded.description, query = excluded.query, updated_at = excluded.updated_at",
        ps -> {
          ps.setString(1, q.id());
          ps.setString(2, q.project());
          ps.setString(3, q.kind());
          ps.setString(4, q.name());
          ps.setString(5, q.description());
          ps.setString(6, q.query());
          ps.setString(7, q.author());
          ps.setString(8, q.createdAt().toString());
          ps.setString(9, q.updatedAt().toString());
        });
  }

  @Override
  public Optional<SavedQuery> query(String id) {
    return select(
            "SELECT * FROM saved_queries WHERE id = ?",
            ps -> ps.setString(1, id),
            SqliteDashboardStore::savedQuery)
        .stream()
        .findFirst();
  }

  @Override
  public List<SavedQuery> queries(String project) {
    return select(
        "SELECT * FROM saved_queries WHERE project_id = ? ORDER BY updated_at DESC",
        ps -> ps.setString(1, project),
        SqliteDashboardStore::savedQuery);
  }

  @Override
  public boolean deleteQuery(String id) {
    return update("DELETE FROM saved_queries WHERE id = ?", ps -> ps.setString(1, id)) > 0;
  }

  @Override
  public void putDashboard(Dashboard d) {
    update(
        "INSERT INTO dashboards (id, project_id, name, refresh_seconds, date_range, tiles, author, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
            + " refresh_seconds = excluded.refresh_seconds, date_range = excluded.date_range, tiles = excluded.tiles,"
            + " updated_at = excluded.updated_at",
        ps -> {
          ps.setString(1, d.id());
          ps.setString(2, d.project());
          ps.setString(3, d.name());
          ps.setInt(4, d.refreshSeconds());
          ps.setString(5, d.dateRange().orElse(null));
          ps.setString(6, d.tiles());
          ps.setString(7, d.author());
          ps.setString(8, d.createdAt().toString());
          ps.setString(9, d.updatedAt().toString());
        });
  }

  @Override
  public Optional<Dashboard> dashboard(String id) {
    return select(
            "SELECT * FROM dashboards WHERE id = ?",
            ps -> ps.setString(1, id),
            SqliteDashboardStore::dashboard)
        .stream()
        .findFirst();
  }

  @Override
  public List<Dashboard> dashboards(String project) {
    return select(
        "SELECT * FROM dashboards WHERE project_id = ? ORDER BY name",
        ps -> ps.setString(1, project),
        SqliteDashboardStore::dashboard);
  }

  @Override
  public boolean deleteDashboard(String id) {
    return update("DELETE FROM dashboards WHERE id = ?", ps -> ps.setString(1, id)) > 0;
  }

  @Override
  public synchronized void addHistory(SqlHistoryEntry e, int keep) {
    update(
        "INSERT INTO sql_history (user_id, project_id, sql, ran_at, row_count, elapsed_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, e.userId());
          ps.setString(2, e.project());
          ps.setString(3, e.sql());
          ps.setString(4, e.ranAt().toString());
          ps.setLong(5, e.rowCount());
          ps.setLong(6, e.elapsedMs());
          ps.setString(7, e.error().orElse(null));
        });
    update(
        "DELETE FROM sql_history WHERE user_id = ? AND id NOT IN"
            + " (SELECT id FROM sql_history WHERE user_id = ? ORDER BY id DESC LIMIT ?)",
        ps -> {
          ps.setString(1, e.userId());
          ps.setString(2, e.userId());
          ps.setInt(3, keep);
        });
  }

  @Override
  public List<SqlHistoryEntry> history(String userId, int limit) {
    return select(
        "SELECT * FROM sql_history WHERE user_id = ? ORDER BY id DESC LIMIT ?",
        ps -> {
          ps.setString(1, userId);
          ps.setInt(2, limit);
        },
        rs ->
            new SqlHistoryEntry(
                rs.getLong("id"),
                rs.getString("user_id"),
                rs.getString("project_id"),
                rs.getString("sql"),
                Instant.parse(rs.getString("ran_at")),
                rs.getLong("row_count"),
                rs.getLong("elapsed_ms"),
                Optional.ofNullable(rs.getString("error"))));
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      throw new DashboardException("cannot close metadata store: " + e.getMessage(), e);
    }
  }
}
