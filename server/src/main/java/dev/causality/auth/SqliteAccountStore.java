package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import dev.causality.projects.MetadataException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded {@link AccountStore}: tables of the metadata SQLite file (migrated by the metadata
 * store, which must be opened first), on a connection of its own.
 */
public final class SqliteAccountStore implements AccountStore {
  private static final String USER_COLUMNS =
      "SELECT id, email, role, created_at, disabled_at, password_hash FROM users";
  private static final String TOKEN_COLUMNS =
      "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM access_tokens";

  private final Connection c;

  private SqliteAccountStore(Connection c) {
    this.c = c;
  }

  /** Opens the account tables of the (already migrated) metadata file {@code file}. */
  public static SqliteAccountStore open(Path file) {
    requireNonNull(file, "file is null");
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 5000");
        st.execute("PRAGMA foreign_keys = ON");
      }
      return new SqliteAccountStore(c);
    } catch (SQLException e) {
      throw new MetadataException("cannot open account store " + file + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private synchronized int update(String what, String sql, Binder binder) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new MetadataException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private synchronized <T> List<T> query(String what, String sql, Binder binder, Reader<T> reader) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new MetadataException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Instant> instant(String s) {
    return Optional.ofNullable(s).map(Instant::parse);
  }

  private static String text(Optional<Instant> at) {
    return at.map(Instant::toString).orElse(null);
  }

  @Override
  public synchronized void insertUser(User u, String passwordHash) {
    try {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO users (id, email, password_hash, role, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, u.id());
        ps.setString(2, u.email());
        ps.setString(3, passwordHash);
        ps.setString(4, u.role().name());
        ps.setString(5, u.createdAt().toString());
        ps.setString(6, text(u.disabledAt()));
        ps.executeUpdate();
      }
      insertProjects(u.id(), u.projects());
      c.commit();
    } catch (SQLException e) {
      rollback();
      if (String.valueOf(e.getMessage()).contains("UNIQUE")) {
        throw new AuthException(
            409, "email_taken", "email", "a user with email " + u.email() + " already exists");
      }
      if (String.valueOf(e.getMessage()).contains("FOREIGN KEY")) {
        throw AuthException.invalid(
            "projects", "names a project that does not exist: " + u.projects());
      }
      throw new MetadataException("cannot create user " + u.email() + ": " + e.getMessage(), e);
    } finally {
      autoCommit();
    }
  }

  private void insertProjects(String userId, Set<String> projects) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO user_projects (user_id, project_id) VALUES (?, ?)")) {
      for (String p : projects) {
        ps.setString(1, userId);
        ps.setString(2, p);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void rollback() {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original error is the one to report
    }
  }

  private void autoCommit() {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      throw new MetadataException(
          "cannot reset the account store connection: " + e.getMessage(), e);
    }
  }

  private Map<String, Set<String>> projectsOf(String userIdOrNull) {
    Map<String, Set<String>> out = new HashMap<>();
    query(
        "read user projects",
        "SELECT user_id, project_id FROM user_projects"
            + (userIdOrNull == null ? "" : " WHERE user_id = ?"),
        ps -> {
          if (userIdOrNull != null) {
            ps.setString(1, userIdOrNull);
          }
        },
        rs -> out.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2)));
    return out;
  }

  private Optional<StoredUser> oneUser(String where, String value) {
    List<String[]> rows =
        query(
            "read user",
            USER_COLUMNS + " WHERE " + where + " = ?",
            ps -> ps.setString(1, value),
            rs ->
                new String[] {
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6)
                });
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    String[] r = rows.getFirst();
    Set<String> projects = projectsOf(r[0]).getOrDefault(r[0], Set.of());
    return Optional.of(
        new StoredUser(
            new User(r[0], r[1], Role.valueOf(r[2]), projects, Instant.parse(r[3]), instant(r[4])),
            r[5]));
  }

  @Override
  public Optional<StoredUser> userByEmail(String email) {
    return oneUser("email", email);
  }

  @Override
  public Optional<StoredUser> user(String id) {
    return oneUser("id", id);
  }

  @Override
  public List<User> users() {
    Map<String, Set<String>> projects = projectsOf(null);
    return query(
        "list users",
        USER_COLUMNS + " ORDER BY created_at, email",
        ps -> {},
        rs ->
            new User(
                rs.getString(1),
                rs.getString(2),
                Role.valueOf(rs.getString(3)),
                projects.getOrDefault(rs.getString(1), Set.of()),
                Instant.parse(rs.getString(4)),
                instant(rs.getString(5))));
  }

  @Override
  public long countUsers() {
    return query("count users", "SELECT count(*) FROM users", ps -> {}, rs -> rs.getLong(1))
        .getFirst();
  }

  @Override
  public void updateRole(String userId, Role role) {
    update(
        "change role",
        "UPDATE users SET role = ? WHERE id = ?",
        ps -> {
          ps.setString(1, role.name());
          ps.setString(2, userId);
        });
  }

  @Override
  public void updateDisabled(String userId, Optional<Instant> disabledAt) {
    update(
        "disable user",
        "UPDATE users SET disabled_at = ? WHERE id = ?",
        ps -> {
          ps.setString(1, text(disabledAt));
          ps.setString(2, userId);
        });
  }

  @Override
  public synchronized void updateProjects(String userId, Set<String> projects) {
    try {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM user_projects WHERE user_id = ?")) {
        ps.setString(1, userId);
        ps.executeUpdate();
      }
      insertProjects(userId, projects);
      c.commit();
    } catch (SQLException e) {
      rollback();
      if (String.valueOf(e.getMessage()).contains("FOREIGN KEY")) {
        throw AuthException.invalid("projects", "names a project that does not exist: " + projects);
      }
      throw new MetadataException("cannot set projects of " + userId + ": " + e.getMessage(), e);
    } finally {
      autoCommit();
    }
  }

  @Override
  public void updatePasswordHash(String userId, String passwordHash) {
    update(
        "change password",
        "UPDATE users SET password_hash = ? WHERE id = ?",
        ps -> {
          ps.setString(1, passwordHash);
          ps.setString(2, userId);
        });
  }

  @Override
  public void insertFamily(String familyId, String userId, Instant at) {
    update(
        "start session",
        "INSERT INTO session_families (family_id, user_id, created_at) VALUES (?, ?, ?)",
        ps -> {
          ps.setString(1, familyId);
          ps.setString(2, userId);
          ps.setString(3, at.toString());
        });
  }

  @Override
  public boolean familyActive(String familyId) {
    return !query(
            "read session",
            "SELECT 1 FROM session_families WHERE family_id = ? AND revoked_at IS NULL",
            ps -> ps.setString(1, familyId),
            rs -> 1)
        .isEmpty();
  }

  @Override
  public void revokeFamily(String familyId, Instant at, String why) {
    update(
        "revoke session",
        "UPDATE session_families SET revoked_at = ?, revoked_why = ? WHERE family_id = ? AND revoked_at IS NULL",
        ps -> {
          ps.setString(1, at.toString());
          ps.setString(2, why);
          ps.setString(3, familyId);
        });
  }

  @Override
  public void revokeFamiliesOf(String userId, Instant at, String why) {
    update(
        "revoke sessions",
        "UPDATE session_families SET revoked_at = ?, revoked_why = ? WHERE user_id = ? AND revoked_at IS NULL",
        ps -> {
          ps.setString(1, at.toString());
          ps.setString(2, why);
          ps.setString(3, userId);
        });
  }

  @Override
  public void insertRefresh(
      String tokenHash, String familyId, String userId, Instant createdAt, Instant expiresAt) {
    update(
        "store refresh token",
        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, tokenHash);
          ps.setString(2, familyId);
          ps.setString(3, userId);
          ps.setString(4, createdAt.toString());
          ps.setString(5, expiresAt.toString());
        });
  }

  @Override
  public Optional<RefreshToken> refresh(String tokenHash) {
    return query(
            "read refresh token",
            "SELECT token_hash, family_id, user_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = ?",
            ps -> ps.setString(1, tokenHash),
            rs ->
                new RefreshToken(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    Instant.parse(rs.getString(4)),
                    instant(rs.getString(5))))
        .stream()
        .findFirst();
  }

  @Override
  public boolean markRefreshUsed(String tokenHash, Instant at) {
    return update(
            "use refresh token",
            "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            ps -> {
              ps.setString(1, at.toString());
              ps.setString(2, tokenHash);
            })
        == 1;
  }

  @Override
  public void insertToken(AccessToken t, String tokenHash) {
    update(
        "create token",
        "INSERT INTO access_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, t.id());
          ps.setString(2, t.userId());
          ps.setString(3, t.name());
          ps.setString(4, tokenHash);
          ps.setString(5, t.prefix());
          ps.setString(6, t.createdAt().toString());
        });
  }

  private static AccessToken token(ResultSet rs) throws SQLException {
    return new AccessToken(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Instant.parse(rs.getString(5)),
        instant(rs.getString(6)),
        instant(rs.getString(7)));
  }

  @Override
  public Optional<AccessToken> tokenByHash(String tokenHash) {
    return query(
            "read token",
            TOKEN_COLUMNS + " WHERE token_hash = ?",
            ps -> ps.setString(1, tokenHash),
            SqliteAccountStore::token)
        .stream()
        .findFirst();
  }

  @Override
  public List<AccessToken> tokens(String userId) {
    return query(
        "list tokens",
        TOKEN_COLUMNS + " WHERE user_id = ? ORDER BY created_at",
        ps -> ps.setString(1, userId),
        SqliteAccountStore::token);
  }

  @Override
  public boolean revokeToken(String userId, String tokenId, Instant at) {
    return update(
            "revoke token",
            "UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            ps -> {
              ps.setString(1, at.toString());
              ps.setString(2, tokenId);
              ps.setString(3, userId);
            })
        == 1;
  }

  @Override
  public void touchToken(String tokenId, Instant at) {
    update(
        "record token use",
        "UPDATE access_tokens SET last_used_at = ? WHERE id = ?",
        ps -> {
          ps.setString(1, at.toString());
          ps.setString(2, tokenId);
        });
  }

  @Override
  public void insertFailure(String email, Instant at) {
    update(
        "record failed sign-in",
        "INSERT INTO sign_in_failures (email, at) VALUES (?, ?)",
        ps -> {
          ps.setString(1, email);
          ps.setLong(2, at.toEpochMilli());
        });
  }

  @Override
  public int failuresSince(String email, Instant since) {
    return query(
            "count failed sign-ins",
            "SELECT count(*) FROM sign_in_failures WHERE email = ? AND at > ?",
            ps -> {
              ps.setString(1, email);
              ps.setLong(2, since.toEpochMilli());
            },
            rs -> rs.getInt(1))
        .getFirst();
  }

  @Override
  public int deleteFailuresUpTo(Instant until) {
    return update(
        "forget old failed sign-ins",
        "DELETE FROM sign_in_failures WHERE at <= ?",
        ps -> ps.setLong(1, until.toEpochMilli()));
  }

  @Override
  public void clearFailures(String email) {
    update(
        "clear failed sign-ins",
        "DELETE FROM sign_in_failures WHERE email = ?",
        ps -> ps.setString(1, email));
  }

  @Override
  public void insertAudit(AuditEntry e) {
    update(
        "write audit log",
        "INSERT INTO audit_log (at, actor, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, e.at().toString());
          ps.setString(2, e.actor());
          ps.setString(3, e.action());
          ps.setString(4, e.target());
          ps.setString(5, e.detail());
          ps.setString(6, e.ip());
        });
  }

  @Override
  public List<AuditEntry> audit(int limit, long beforeSeq) {
    return query(
        "read audit log",
        "SELECT seq, at, actor, action, target, detail, ip FROM audit_log WHERE (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?",
        ps -> {
          ps.setLong(1, beforeSeq);
          ps.setLong(2, beforeSeq);
          ps.setInt(3, limit);
        },
        rs ->
            new AuditEntry(
                rs.getLong(1),
                Instant.parse(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                String.valueOf(rs.getString(5) == null ? "" : rs.getString(5)),
                rs.getString(6) == null ? "" : rs.getString(6),
                rs.getString(7) == null ? "" : rs.getString(7)));
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      throw new MetadataException("cannot close account store: " + e.getMessage(), e);
    }
  }
}
