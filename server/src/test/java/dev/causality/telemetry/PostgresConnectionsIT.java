package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The server's pool of PostgreSQL connections: reads reuse a few UTC sessions, and close ends them
 * all.
 */
class PostgresConnectionsIT {
  static final Instant NOW = RollupsContract.NOW;

  @Test
  void readsReuseThePooledSessionsAndCloseEndsThem() throws SQLException {
    try (PgTestDatabase db = PgTestDatabase.create()) {
      new Migrations(Dialect.POSTGRESQL, db.database())
          .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
      PostgresRollupsIT.insert(db.database(), RollupsContract.dataSet());
      db.awaitNoSessions();

      PostgresConnections pool = PostgresConnections.create(db.database());
      Rollups rollups = new Rollups(Dialect.POSTGRESQL, pool, () -> NOW);
      Rollups.Request errors =
          new Rollups.Request(
              "errors",
              Instant.parse(RollupsContract.D + "T00:00:00Z"),
              NOW,
              "default",
              Optional.empty());
      // the pool may open its few connections in the background at any time (Hikari fills up to
      // its minimum idle asynchronously), so the check is on the union of the sessions seen: if
      // reads opened a session each, eleven reads and a refresh would show more than the cap
      Set<Integer> seen = new TreeSet<>();
      assertThat(rollups.read(errors).rows()).isNotEmpty();
      seen.addAll(db.sessions());
      assertThat(seen).isNotEmpty();
      rollups.refresh();
      seen.addAll(db.sessions());
      for (int i = 0; i < 10; i++) {
        assertThat(rollups.read(errors).rows()).isNotEmpty();
        seen.addAll(db.sessions());
      }
      assertThat(seen)
          .as("no new session per read")
          .hasSizeLessThanOrEqualTo(PostgresConnections.MAX_SIZE);
      assertThat(pool.size()).isBetween(1, PostgresConnections.MAX_SIZE);

      try (Connection c = pool.open();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SHOW TimeZone")) {
        rs.next();
        assertThat(rs.getString(1)).as("every pooled session is in UTC").isEqualTo("UTC");
      }

      pool.close();
      db.awaitNoSessions();
      assertThat(pool.size()).isZero();
    }
  }
}
