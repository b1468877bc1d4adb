package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.query.DateRange;
import dev.causality.query.Field;
import dev.causality.query.Metric;
import dev.causality.query.Query;
import dev.causality.query.QueryEngine;
import dev.causality.warehouse.DuckDbWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code causality demo} against a real data dir: the warehouse gets data the query engine can
 * chart.
 */
class DemoIT {
  @TempDir Path dir;

  static MainIT.Run run(String... args) {
    return MainIT.run(args);
  }

  static Object scalar(DuckDbWarehouse w, String sql) {
    return w.query(sql, 1).rows().getFirst().getFirst();
  }

  static Query.EventMatch event(String name) {
    return new Query.EventMatch(name, List.of());
  }

  static Metric metric(Metric.Kind kind) {
    return new Metric(kind, Optional.empty());
  }

  @Test
  void fillsAProjectWithEventsTheQueryEngineCharts() {
    Path data = dir.resolve("data");
    String d = data.toString();
    MainIT.Run r = run("demo", "--events", "20000", "--seed", "42", "--data-dir", d);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "Wrote 20,000 events",
            "events/s",
            "people",
            "--seed 42 generates the same events again",
            "./causality sql",
            "./causality serve");
    assertThat(run("projects", "list", "--data-dir", d).out())
        .contains("default", "Default project");

    try (DuckDbWarehouse w = DuckDbWarehouse.openReadOnly(data.resolve("warehouse.duckdb"))) {
      assertThat(
              ((Number) scalar(w, "SELECT count(*) FROM events WHERE app_id = 'default'"))
                  .longValue())
          .isEqualTo(20_000);
      assertThat(((Number) scalar(w, "SELECT count(DISTINCT event_id) FROM events")).longValue())
          .isEqualTo(20_000);
      assertThat(
              ((Number)
                      scalar(
                          w, "SELECT count(DISTINCT coalesce(user_id, anonymous_id)) FROM events"))
                  .longValue())
          .isBetween(1_000L, 10_000L);
      double spanDays =
          ((Number)
                  scalar(
                      w,
                      "SELECT (epoch(max(timestamp)) - epoch(min(timestamp))) / 86400 FROM events"))
              .doubleValue();
      assertThat(spanDays).isBetween(88.0, 90.0);
      assertThat(((Number) scalar(w, "SELECT count(DISTINCT country) FROM events")).longValue())
          .isGreaterThanOrEqualTo(10);
      assertThat(
              ((Number) scalar(w, "SELECT count(DISTINCT library_name) FROM events")).longValue())
          .isEqualTo(4);
      assertThat(((Number) scalar(w, "SELECT count(DISTINCT device_type) FROM events")).longValue())
          .isGreaterThanOrEqualTo(3);
      assertThat(
              ((Number) scalar(w, "SELECT count(*) FROM events WHERE timestamp > now()"))
                  .longValue())
          .isZero();
      assertThat(w.loadedPosition()).as("the log loader's position is untouched").isZero();

      QueryEngine engine = new QueryEngine(w, InstantSource.system(), Duration.ofSeconds(30));
      DateRange last30 = new DateRange.Last(30, ChronoUnit.DAYS);
      QueryEngine.TrendsResult views =
          engine.trends(
              new Query.Trends(
                  "default",
                  List.of(
                      new Query.Series(event(Query.EventMatch.PAGE), metric(Metric.Kind.COUNT))),
                  last30,
                  Query.Granularity.DAY,
                  ZoneOffset.UTC,
                  List.of(),
                  10,
                  false,
                  List.of()));
      assertThat(views.buckets()).hasSize(30);
      assertThat(views.series().getFirst().values()).allSatisfy(v -> assertThat(v).isPositive());
      assertThat(views.series().getFirst().total()).isGreaterThan(2_000.0);

      QueryEngine.TrendsResult signUps =
          engine.trends(
              new Query.Trends(
                  "default",
                  List.of(new Query.Series(event("Signed Up"), metric(Metric.Kind.UNIQUE_USERS))),
                  last30,
                  Query.Granularity.WEEK,
                  ZoneOffset.UTC,
                  List.of(new Field("country", "\"country\"")),
                  5,
                  true,
                  List.of()));
      assertThat(
              signUps.series().stream()
                  .filter(s -> !s.compare())
                  .map(s -> s.breakdown().getFirst()))
          .hasSizeGreaterThanOrEqualTo(4)
          .contains("US");
      assertThat(signUps.series()).anyMatch(QueryEngine.SeriesResult::compare);

      QueryEngine.FunnelResult funnel =
          engine.funnel(
              new Query.Funnel(
                  "default",
                  List.of(event("Signed Up"), event("Added to Cart"), event("Purchase")),
                  Duration.ofDays(30),
                  new DateRange.Last(90, ChronoUnit.DAYS),
                  ZoneOffset.UTC,
                  Optional.empty(),
                  List.of()));
      List<Long> counts = funnel.groups().getFirst().counts();
      assertThat(counts.get(0)).isGreaterThan(50);
      assertThat(counts.get(2)).isPositive().isLessThan(counts.get(0));

      QueryEngine.RetentionResult retention =
          engine.retention(
              new Query.Retention(
                  "default",
                  event("Signed Up"),
                  event(Query.EventMatch.ANY),
                  Query.Granularity.WEEK,
                  6,
                  new DateRange.Last(12, ChronoUnit.WEEKS),
                  ZoneOffset.UTC,
                  List.of()));
      assertThat(retention.cohorts())
          .anySatisfy(c -> {
            assertThat(c.size()).isPositive();
            assertThat(c.returned().get(1)).isNotNull().isPositive().isLessThan(c.size());
          });
    }

    MainIT.Run again = run("demo", "--events", "1000", "--data-dir", d);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("project 'default' already has 20000 events", "--project");
    assertThat(run("demo", "--events", "0", "--data-dir", d).code()).isEqualTo(2);
  }

  @Test
  void refusesWhileAServerHoldsTheWarehouseAndWritesNothing() throws Exception {
    Path data = dir.resolve("held");
    String d = data.toString();
    assertThat(run("demo", "--events", "2000", "--seed", "1", "--data-dir", d).code()).isZero();
    try (ServerProcess server = ServerProcess.start(data, Map.of("CAUSALITY_INGEST_KEY", ""))) {
      MainIT.Run r = run("demo", "--events", "2000", "--project", "other", "--data-dir", d);
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.err())
          .contains("held by another process", "stop it first", "Nothing was written");
      assertThat(server.sigterm(Duration.ofSeconds(30))).as("exited in time").isNotEqualTo(-1);
      // demo made project 'default' without a key; the first server start still hands one out
      assertThat(Files.readString(server.output()))
          .contains("Created an ingestion key for project 'default'");
    }
    assertThat(run("projects", "list", "--data-dir", d).out())
        .contains("default")
        .doesNotContain("other");
    try (DuckDbWarehouse w = DuckDbWarehouse.openReadOnly(data.resolve("warehouse.duckdb"))) {
      assertThat(((Number) scalar(w, "SELECT count(*) FROM events")).longValue()).isEqualTo(2_000);
    }
  }
}
