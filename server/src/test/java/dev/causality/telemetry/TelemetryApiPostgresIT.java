package dev.causality.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.server.TestServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server whose DATABASE_URL is a PostgreSQL: the API answers from it, and its worker refreshes
 * it.
 */
class TelemetryApiPostgresIT {
  static final String TOKEN = "admin-token-for-telemetry";

  @Test
  void answersFromThePostgresqlOfDatabaseUrl() throws Exception {
    try (PgTestDatabase db = PgTestDatabase.create()) {
      new Migrations(Dialect.POSTGRESQL, db.database())
          .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
      PostgresRollupsIT.insert(db.database(), RollupsContract.dataSet());
      String url = "postgres://postgres@127.0.0.1:5432/" + db.name();
      try (TestServer server =
          TestServer.start(c -> c.withAdminToken(TOKEN).withDatabaseUrl(url))) {
        assertThat(server.server().telemetry().runOnce()).hasSize(7);
        HttpResponse<String> r =
            server.get(
                "/api/telemetry/errors?from=2026-11-20&to=2026-11-21",
                "Authorization",
                "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("source").asText()).isEqualTo("postgresql");
        assertThat(body.path("watermark").isNull()).isFalse();
        assertThat(body.path("rows")).hasSize(2);
        assertThat(body.path("rows").get(0).path("error_type").asText()).isEqualTo("TimeoutError");
        assertThat(body.path("rows").get(0).path("errors").asLong()).isEqualTo(3);

        List<Integer> sessions = db.sessions();
        // ten reads: a session per read would leave more than the pool's maximum behind
        for (int i = 0; i < 10; i++) {
          assertThat(
                  server
                      .get(
                          "/api/telemetry/api_latency?from=2026-11-20",
                          "Authorization",
                          "Bearer " + TOKEN)
                      .statusCode())
              .isEqualTo(200);
        }
        // the pool may add a session while one is still being handed back (Hikari keeps one
        // idle), so the set can grow by one or two, never past the pool's maximum
        assertThat(sessions).isNotEmpty();
        assertThat(db.sessions())
            .as("reads reuse the pool's sessions")
            .containsAll(sessions)
            .hasSizeLessThanOrEqualTo(PostgresConnections.MAX_SIZE);
      }
      db.awaitNoSessions();
    }
  }

  @Test
  void anUnmigratedDatabaseIsAnsweredWithWhatToRun() throws Exception {
    try (PgTestDatabase db = PgTestDatabase.create();
        TestServer server =
            TestServer.start(c -> c.withAdminToken(TOKEN).withDatabaseUrl(db.jdbcUrl()))) {
      HttpResponse<String> r =
          server.get("/api/telemetry/errors", "Authorization", "Bearer " + TOKEN);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertThat(body.path("code").asText()).isEqualTo("not_migrated");
      assertThat(body.path("message").asText()).contains("causality migrate all");
    }
  }
}
