package dev.causality.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The rollups contract on the local PostgreSQL: a fresh database with daily partitions, read
 * through the server's pool.
 */
class PostgresRollupsIT extends RollupsContract {
  PgTestDatabase db;
  PostgresConnections pool;

  @Override
  Rollups open(InstantSource clock) {
    db = PgTestDatabase.create();
    Dialect dialect = db.database().detectDialect();
    new Migrations(dialect, db.database())
        .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
    pool = PostgresConnections.create(db.database());
    return new Rollups(dialect, pool, clock);
  }

  @Override
  void insert(List<Telemetry> events) {
    insert(db.database(), events);
  }

  static void insert(PostgresDatabase database, List<Telemetry> events) {
    try (Connection c = database.open();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO analytics_events (event_id, app_id, event, user_id, anonymous_id,"
                    + " service, \"timestamp\", properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
      for (Telemetry t : events) {
        ps.setString(1, t.id);
        ps.setString(2, t.app);
        ps.setString(3, t.event);
        ps.setString(4, t.user);
        ps.setString(5, t.anonymous);
        ps.setString(6, t.service);
        ps.setObject(7, OffsetDateTime.ofInstant(t.at, ZoneOffset.UTC));
        ps.setString(8, t.propertiesJson());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  long rows(String table) {
    try (Connection c = db.database().open();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  void close() {
    pool.close();
    db.close();
  }
}
