package dev.causality.telemetry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh database on the local PostgreSQL (127.0.0.1:5432, trust auth; CAUSALITY_TEST_PG overrides
 * the admin URL), dropped by {@link #close()}. Fails, never skips, when PostgreSQL is not
 * reachable: `.ci/run` starts it.
 */
final class PgTestDatabase implements AutoCloseable {
  static final String ADMIN_URL =
      Optional.ofNullable(System.getenv("CAUSALITY_TEST_PG"))
          .orElse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  private final String name;
  private final PostgresDatabase database;

  private PgTestDatabase(String name, PostgresDatabase database) {
    this.name = name;
    this.database = database;
  }

  static PgTestDatabase create() {
    String name =
        "causality_test_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    try (Connection c = admin();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new AssertionError(
          "PostgreSQL at " + ADMIN_URL + " is needed (`.ci/run` starts it): " + e.getMessage(), e);
    }
    String url = ADMIN_URL.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    return new PgTestDatabase(name, PostgresDatabase.parse("test", url));
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(ADMIN_URL);
  }

  PostgresDatabase database() {
    return database;
  }

  String name() {
    return name;
  }

  /** The process ids of Causality's sessions (application_name causality) on this database now. */
  List<Integer> sessions() {
    List<Integer> out = new ArrayList<>();
    try (Connection c = admin();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = ? AND application_name = 'causality' ORDER BY pid")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /**
   * Waits up to 10 s for Causality's sessions on this database to end (a backend leaves
   * pg_stat_activity shortly after its client closed the connection); fails if some remain.
   */
  void awaitNoSessions() {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    List<Integer> left = sessions();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
      left = sessions();
    }
    if (!left.isEmpty()) {
      throw new AssertionError("sessions still open on " + name + ": " + left);
    }
  }

  /** The database's URL in the postgres:// form the migrate command takes. */
  String jdbcUrl() {
    return database.jdbcUrl();
  }

  @Override
  public void close() {
    try (Connection c = admin();
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new AssertionError("cannot drop test database " + name + ": " + e.getMessage(), e);
    }
  }
}
