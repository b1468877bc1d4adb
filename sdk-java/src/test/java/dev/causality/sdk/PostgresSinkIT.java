package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.telemetry.Dialect;
import dev.causality.telemetry.Migrations;
import dev.causality.telemetry.PostgresDatabase;
import dev.causality.telemetry.Rollups;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service writing straight into the analytics PostgreSQL: the client and worker with the {@link
 * PostgresSink}, against a fresh database on the local PostgreSQL migrated by the server's
 * telemetry migrations; the server's rollups read what it wrote. Fails when PostgreSQL is not
 * reachable (`.ci/run` starts it).
 */
class PostgresSinkIT {
  static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  String name;
  String url;

  @BeforeEach
  void createDatabase() throws SQLException {
    name =
        "causality_test_sink_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    try (Connection c = DriverManager.getConnection(ADMIN);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    url = "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(ADMIN);
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /** Records what the worker hands the real sink and what it answered. */
  static final class Recording implements Sink {
    final Sink sink;
    final List<Batch> batches = Collections.synchronizedList(new ArrayList<>());
    final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());

    Recording(Sink sink) {
      this.sink = sink;
    }

    @Override
    public Delivery send(Batch batch) {
      batches.add(batch);
      Delivery d = sink.send(batch);
      deliveries.add(d);
      return d;
    }
  }

  long rows() throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM analytics_events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void track(Sink sink, int n) throws InterruptedException {
    AnalyticsClient.Setup setup =
        Causality.builder("unused")
            .service("billing")
            .shutdownHook(false)
            .clock(InstantSource.fixed(T))
            .batchSize(500)
            .buildParts();
    Thread worker =
        Thread.ofPlatform().name("sink-it-worker").start(new AnalyticsWorker(setup.config(), sink));
    AnalyticsClient client = setup.client();
    for (int i = 0; i < n; i++) {
      client.track(
          "u" + (i % 7),
          new Events.ApiRequest(
              "POST", "/invoices", i % 10 == 0 ? 500 : 200, Duration.ofMillis(i + 1)));
    }
    assertThat(client.flush()).isTrue();
    client.close();
    worker.join(10_000);
  }

  @Test
  void aServiceWritesItsEventsOnceAndTheRollupsSeeThem() throws Exception {
    PostgresDatabase database = PostgresDatabase.parse("test", url);
    new Migrations(Dialect.POSTGRESQL, database)
        .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
    Recording sink = new Recording(PostgresSink.create(url, "default"));
    track(sink, 1200);
    assertThat(sink.batches).hasSizeGreaterThanOrEqualTo(3);
    assertThat(sink.deliveries).allMatch(d -> d.equals(Delivery.Delivered.all()));
    assertThat(rows()).isEqualTo(1200);
    // a batch sent again (its commit's answer was lost): stored once
    assertThat(sink.sink.send(sink.batches.getFirst())).isEqualTo(Delivery.Delivered.all());
    assertThat(rows()).isEqualTo(1200);

    Rollups rollups = new Rollups(Dialect.POSTGRESQL, database, () -> T.plus(Duration.ofDays(1)));
    rollups.refresh();
    Rollups.Answer latency =
        rollups.read(
            new Rollups.Request(
                "api_latency", T, T.plusSeconds(3600), "default", Optional.of("billing")));
    assertThat(latency.rows()).hasSize(1);
    // latencies 1..1200 ms: p50 600.5; every tenth request failed
    assertThat(latency.rows().getFirst())
        .containsEntry("route", "/invoices")
        .containsEntry("method", "POST")
        .containsEntry("requests", 1200L)
        .containsEntry("server_errors", 120L)
        .containsEntry("latency_ms_p50", 600.5)
        .containsEntry("latency_ms_max", 1200.0);
    Rollups.Answer users =
        rollups.read(
            new Rollups.Request(
                "daily_active_users", T, T.plusSeconds(3600), "default", Optional.empty()));
    assertThat(users.rows().getFirst()).containsEntry("dau", 7L);
  }

  @Test
  void failuresSayWhetherToRetry() throws Exception {
    FakeSink fake = new FakeSink();
    track(fake, 1);
    Batch batch = fake.batches.getFirst();
    Delivery down =
        PostgresSink.create(
                "jdbc:postgresql://127.0.0.1:1/none?user=postgres&connectTimeout=2", "default")
            .send(batch);
    assertThat(down).isInstanceOf(Delivery.Retry.class);
    Delivery unmigrated = PostgresSink.create(url, "default").send(batch);
    assertThat(unmigrated)
        .isInstanceOfSatisfying(
            Delivery.Rejected.class,
            r -> assertThat(r.reason()).contains("42P01").contains("analytics_events"));
  }
}
