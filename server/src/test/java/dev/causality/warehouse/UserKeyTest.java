package dev.causality.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.event.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserKeyTest {
  @TempDir Path dir;

  /** Ids of every shape: empty, ASCII, multi-byte UTF-8, longer than an MD5 block, random. */
  private static List<String> ids() {
    List<String> ids =
        new ArrayList<>(
            List.of(
                "",
                "u-1",
                "user_42",
                "anon-7f3a",
                "Zoë",
                "ユーザー",
                "🙂 emoji",
                "a".repeat(200),
                "x'quote",
                "550e8400-e29b-41d4-a716-446655440000"));
    Random random = new Random(3);
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(80);
      for (int j = 0; j < n; j++) {
        s.appendCodePoint(
            random.nextInt(10) == 0 ? 0x80 + random.nextInt(0x2000) : 0x20 + random.nextInt(0x5f));
      }
      ids.add(s.toString());
    }
    return ids;
  }

  @Test
  void javaAndDuckDbComputeTheSameKey() throws Exception {
    List<String> ids = ids();
    UserKey key = new UserKey();
    Map<String, Long> java = new HashMap<>();
    for (String id : ids) {
      byte[] utf8 =
          ("~~" + id + "~").getBytes(StandardCharsets.UTF_8); // at an offset inside a larger array
      java.put(id, key.of(utf8, 2, utf8.length - 3));
    }
    assertThat(java.values()).as("both signs occur").anyMatch(k -> k < 0).anyMatch(k -> k > 0);
    Map<String, Long> sql = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE events (user_id VARCHAR, anonymous_id VARCHAR)");
      try (org.duckdb.DuckDBAppender a =
          ((org.duckdb.DuckDBConnection) c).createAppender("main", "events")) {
        for (int i = 0; i < ids.size(); i++) {
          // half as user ids, half as anonymous ids: the key is of whichever the event has first
          if (i % 2 == 0) {
            a.beginRow().append(ids.get(i)).appendNull().endRow();
          } else {
            a.beginRow().appendNull().append(ids.get(i)).endRow();
          }
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT coalesce(user_id, anonymous_id), " + UserKey.SQL + " FROM events")) {
        while (rs.next()) {
          sql.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    assertThat(sql).isEqualTo(java);
    // a known value, so that a change of either side shows: md5("u-1") = a6048cbdca02ecd4…
    assertThat(java.get("u-1")).isEqualTo(0xd4ec02cabd8c04a6L);
  }

  @Test
  void theLoaderStoresTheKeyOfTheUserIdElseTheAnonymousId() {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      w.load(
          List.of(
              Events.track("A").id("1").user("u1").build(),
              Events.track("A").id("2").user("u1").anonymous("anon-1").build(),
              Events.track("A").id("3").anonymous("anon-1").build(),
              Events.track("A").id("4").anonymous("Zoë").build(),
              Events.track("A").id("5").build()),
          List.of(),
          1);
      QueryResult r =
          w.query(
              "SELECT event_id, user_key, " + UserKey.SQL + " FROM events ORDER BY event_id",
              List.of(),
              10,
              Duration.ofSeconds(10));
      assertThat(r.rows()).allSatisfy(row -> assertThat(row.get(1)).isEqualTo(row.get(2)));
      assertThat(r.rows().get(0).get(1)).isNotNull().isEqualTo(r.rows().get(1).get(1));
      assertThat(r.rows().get(2).get(1)).isNotNull().isNotEqualTo(r.rows().get(0).get(1));
      assertThat(r.rows().get(4).get(1)).isNull();
      assertThat(w.describe().get(2).columns().getLast())
          .isEqualTo(new Warehouse.Column("user_key", "BIGINT"));
    }
  }

  @Test
  void theMigrationFillsTheKeyOfRowsStoredBeforeTheColumnExisted() throws Exception {
    Path file = dir.resolve("w.duckdb");
    List<dev.causality.event.Event> before =
        List.of(
            Events.track("A").id("1").user("u1").build(),
            Events.track("A").id("2").user("u1").anonymous("anon-1").build(),
            Events.track("A").id("3").anonymous("anon-1").build(),
            Events.track("A").id("4").anonymous("ユーザー").build(),
            Events.track("A").id("5").build());
    Map<String, Object> loaded = new HashMap<>();
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      w.load(before, List.of(), 1);
      w.query("SELECT event_id, user_key FROM events", 10)
          .rows()
          .forEach(row -> loaded.put((String) row.get(0), row.get(1)));
    }
    // back to schema version 2, as a warehouse of the previous release stored it
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement st = c.createStatement()) {
      st.execute("ALTER TABLE events DROP COLUMN user_key");
      st.execute("DELETE FROM schema_version WHERE version > 2");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'events' AND column_name = 'user_key'")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      Map<String, Object> migrated = new HashMap<>();
      w.query("SELECT event_id, user_key FROM events", 10)
          .rows()
          .forEach(row -> migrated.put((String) row.get(0), row.get(1)));
      assertThat(migrated).isEqualTo(loaded);
      assertThat(migrated.get("5")).isNull();
      // loads after the migration append the key in the new last column
      w.load(List.of(Events.track("B").id("6").anonymous("anon-1").build()), List.of(), 2);
      assertThat(
              w.query("SELECT user_key FROM events WHERE event_id = '6'", 1)
                  .rows()
                  .getFirst()
                  .getFirst())
          .isEqualTo(loaded.get("3"));
      assertThat(w.query("SELECT max(version) FROM schema_version", 1).rows().getFirst().getFirst())
          .isEqualTo(3);
    }
  }
}
