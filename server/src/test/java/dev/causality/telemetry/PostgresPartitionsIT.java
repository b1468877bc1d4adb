package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Daily partitions of analytics_events on plain PostgreSQL: made ahead, rows moved in, dropped
 * after 90 days.
 */
class PostgresPartitionsIT {
  static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  PgTestDatabase db;
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);

  @BeforeEach
  void migrate() {
    db = PgTestDatabase.create();
    new Migrations(Dialect.POSTGRESQL, db.database())
        .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
  }

  @AfterEach
  void drop() {
    db.close();
  }

  List<String> partitions() {
    List<String> out = new ArrayList<>();
    try (Connection c = db.database().open();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'analytics_events'::regclass ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  static List<String> days(LocalDate first, LocalDate last) {
    List<String> out = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      out.add("analytics_events_p" + DAY.format(d));
    }
    return out;
  }

  String partitionOf(String eventId) {
    try (Connection c = db.database().open();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT tableoid::regclass::text FROM analytics_events WHERE event_id = '"
                    + eventId
                    + "'")) {
      return rs.next() ? rs.getString(1) : "gone";
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  static String at(LocalDate d) {
    return d.atTime(10, 0).toInstant(ZoneOffset.UTC).toString();
  }

  @Test
  void partitionsAheadRowsMovedInAndRetention() {
    List<String> fromMigration = days(today.minusDays(1), today.plusDays(7));
    assertThat(partitions())
        .containsExactlyInAnyOrderElementsOf(concat(fromMigration, "analytics_events_default"));

    Telemetry old = Telemetry.event("api_request").at(at(today.minusDays(200)));
    Telemetry current = Telemetry.event("api_request").at(at(today));
    Telemetry later = Telemetry.event("api_request").at(at(today.plusDays(118)));
    PostgresRollupsIT.insert(db.database(), List.of(old, current, later));
    assertThat(partitionOf(old.id)).isEqualTo("analytics_events_default");
    assertThat(partitionOf(current.id)).isEqualTo("analytics_events_p" + DAY.format(today));
    assertThat(partitionOf(later.id)).isEqualTo("analytics_events_default");

    // 119 days on: partitions from yesterday (day 118) to a week ahead; retention cuts at day 29
    Instant then = today.plusDays(119).atTime(6, 0).toInstant(ZoneOffset.UTC);
    Rollups rollups = new Rollups(Dialect.POSTGRESQL, db.database(), () -> then);
    Rollups.Maintenance m = rollups.maintain();
    assertThat(m).isEqualTo(new Rollups.Maintenance(9, 9, 0));
    assertThat(partitions())
        .containsExactlyInAnyOrderElementsOf(
            concat(days(today.plusDays(118), today.plusDays(126)), "analytics_events_default"));
    assertThat(partitionOf(later.id))
        .as("moved out of the default partition")
        .isEqualTo("analytics_events_p" + DAY.format(today.plusDays(118)));
    assertThat(partitionOf(current.id)).as("its partition is past the retention").isEqualTo("gone");
    assertThat(partitionOf(old.id)).as("deleted from the default partition").isEqualTo("gone");

    assertThat(rollups.maintain())
        .as("nothing left to do")
        .isEqualTo(new Rollups.Maintenance(0, 0, 0));
  }

  @Test
  void retentionFollowsThePolicyTable() throws SQLException {
    try (Connection c = db.database().open();
        Statement st = c.createStatement()) {
      st.execute(
          "UPDATE telemetry_policies SET value = INTERVAL '3 days' WHERE name = 'retention'");
      st.execute(
          "UPDATE telemetry_policies SET value = INTERVAL '1 day' WHERE name = 'partitions_ahead'");
    }
    Rollups rollups =
        new Rollups(
            Dialect.POSTGRESQL,
            db.database(),
            () -> today.atStartOfDay().toInstant(ZoneOffset.UTC));
    // keeps today - 3 and later; the migration made today - 1 .. today + 7
    assertThat(rollups.maintain()).isEqualTo(new Rollups.Maintenance(0, 0, 0));
    Rollups later =
        new Rollups(
            Dialect.POSTGRESQL,
            db.database(),
            () -> today.plusDays(5).atStartOfDay().toInstant(ZoneOffset.UTC));
    // today + 5: yesterday .. tomorrow exist; days before today + 2 go (today - 1 .. today + 1)
    assertThat(later.maintain()).isEqualTo(new Rollups.Maintenance(0, 3, 0));
  }

  static List<String> concat(List<String> a, String b) {
    List<String> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }
}
