package dev.causality.projects;

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
import java.util.OptionalInt;
import org.flywaydb.core.Flyway;

/** The embedded {@link MetadataStore}: one SQLite file, migrated by Flyway. */
public final class SqliteMetadataStore implements MetadataStore {
  private final Connection connection;

  private SqliteMetadataStore(Connection connection) {
    this.connection = connection;
  }

  /** Opens (creating and migrating when needed) the store in {@code file}. */
  public static SqliteMetadataStore open(Path file) {
    requireNonNull(file, "file is null");
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/metadata")
        .loggers("slf4j")
        .load()
        .migrate();
    try {
      Connection c = DriverManager.getConnection(url);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode = WAL");
        st.execute("PRAGMA busy_timeout = 5000");
        st.execute("PRAGMA foreign_keys = ON");
      }
      return new SqliteMetadataStore(c);
    } catch (SQLException e) {
      throw new MetadataException("cannot open metadata store " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void insertProject(Project p) {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, p.id());
      ps.setString(2, p.name());
      ps.setString(3, p.createdAt().toString());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("UNIQUE")) {
        throw new MetadataException("project '" + p.id() + "' already exists", e);
      }
      throw new MetadataException("cannot create project " + p.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Project> projects() {
    List<Project> out = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, name, created_at FROM projects ORDER BY id")) {
      while (rs.next()) {
        out.add(new Project(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3))));
      }
      return out;
    } catch (SQLException e) {
      throw new MetadataException("cannot list projects: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Project> project(String id) {
    return projects().stream().filter(p -> p.id().equals(id)).findFirst();
  }

  @Override
  public synchronized void insertKey(IngestKey k, String secretHash) {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO ingest_keys (id, project_id, name, secret_hash, prefix, rate_limit,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, k.id());
      ps.setString(2, k.projectId());
      ps.setString(3, k.name());
      ps.setString(4, secretHash);
      ps.setString(5, k.prefix());
      if (k.rateLimit().isPresent()) {
        ps.setInt(6, k.rateLimit().getAsInt());
      } else {
        ps.setNull(6, java.sql.Types.INTEGER);
      }
      ps.setString(7, k.createdAt().toString());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new MetadataException(
          "cannot create key for project " + k.projectId() + ": " + e.getMessage(), e);
    }
  }

  private static final String KEY_COLUMNS =
      "SELECT id, project_id, name, prefix, rate_limit, created_at, revoked_at FROM ingest_keys";

  @Override
  public synchronized List<IngestKey> keys() {
    List<IngestKey> out = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(KEY_COLUMNS + " ORDER BY project_id, created_at")) {
      while (rs.next()) {
        out.add(key(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new MetadataException("cannot list keys: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<IngestKey> keyBySecretHash(String secretHash) {
    try (PreparedStatement ps =
        connection.prepareStatement(KEY_COLUMNS + " WHERE secret_hash = ?")) {
      ps.setString(1, secretHash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(key(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new MetadataException("cannot look up key: " + e.getMessage(), e);
    }
  }

  private static IngestKey key(ResultSet rs) throws SQLException {
    int rate = rs.getInt(5);
    OptionalInt rateLimit = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(rate);
    String revoked = rs.getString(7);
    return new IngestKey(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rateLimit,
        Instant.parse(rs.getString(6)),
        Optional.ofNullable(revoked).map(Instant::parse));
  }

  @Override
  public synchronized boolean revokeKey(String id, Instant at) {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "UPDATE ingest_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      ps.setString(1, at.toString());
      ps.setString(2, id);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new MetadataException("cannot revoke key " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new MetadataException("cannot close metadata store: " + e.getMessage(), e);
    }
  }
}
